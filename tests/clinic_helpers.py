"""Personas of the physiotherapist side, on top of conftest's patient (alice), other patient (bob)
and physio (dr_carol): dr_carol is linked to alice, dr_dan to no one, dr_eve was linked to alice
until she revoked the link."""

import datetime

import pytest
from django.utils import timezone

from clinic.models import CareLink
from tests.conftest import client_for
from tests.factories import PhysioFactory


def link(physio, patient, revoked=False):
    now = timezone.now()
    return CareLink.objects.create(
        physio=physio,
        patient=patient,
        created_at=now - datetime.timedelta(days=2),
        revoked_at=now - datetime.timedelta(days=1) if revoked else None,
    )


@pytest.fixture
def care_link(physio, patient):
    return link(physio, patient)


@pytest.fixture
def unlinked_physio(db):
    return PhysioFactory(username="dr_dan")


@pytest.fixture
def revoked_physio(patient):
    physio = PhysioFactory(username="dr_eve")
    link(physio, patient, revoked=True)
    return physio


@pytest.fixture
def personas(patient, other_patient, physio, care_link, unlinked_physio, revoked_physio):
    """Every persona's API client, by name (anonymous has none)."""
    return {
        "patient": client_for(patient),
        "other_patient": client_for(other_patient),
        "linked_physio": client_for(physio),
        "unlinked_physio": client_for(unlinked_physio),
        "revoked_physio": client_for(revoked_physio),
        "anonymous": client_for(None),
    }
