"""Personas of the physiotherapist side, on top of conftest's patient (alice), other patient (bob)
and physio (dr_carol): dr_carol is linked to alice, dr_dan to no one, dr_eve was linked to alice
until she revoked the link."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from clinic.models import CareLink
from recovery.evaluation import evaluate_workouts
from recovery.levels import Level, Reason
from recovery.models import Alert, Recovery
from tests.conftest import client_for
from tests.factories import PhysioFactory
from tracker.models import PainLog, Workout


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


def evaluated(*workouts):
    """Run the red-flag job on these workouts now, as the worker would, and store its results."""
    evaluate_workouts([w.pk for w in workouts])


def many_linked_patients(physio, n, today, prefix="p"):
    """n patients linked to physio, each with a workout 3 days ago, three logs and, for every
    third one, an open alert; written in bulk (a few statements whatever n)."""
    users = User.objects.bulk_create([User(username=f"{prefix}{i:05d}", password="!") for i in range(n)])
    CareLink.objects.bulk_create([CareLink(physio=physio, patient=u) for u in users])
    workouts = Workout.objects.bulk_create(
        [Workout(owner=u, performed_on=today - datetime.timedelta(days=3), title="Leg day") for u in users]
    )
    PainLog.objects.bulk_create(
        [
            PainLog(workout=w, logged_on=w.performed_on + datetime.timedelta(days=day), pain=(i + day) % 9)
            for i, w in enumerate(workouts)
            for day in range(3)
        ]
    )
    Recovery.objects.bulk_create(
        [
            Recovery(
                workout=w, level=i % 4, last_log_on=w.performed_on + datetime.timedelta(days=2), last_pain=(i + 2) % 9,
                peak_pain=8, opened_on=w.performed_on,
            )
            for i, w in enumerate(workouts)
        ]
    )  # fmt: skip
    Alert.objects.bulk_create(
        [
            Alert(workout=w, reason=Reason.RADIATING_PAIN.value, level=Level.SEE_DOCTOR.value, message="m")
            for i, w in enumerate(workouts)
            if i % 3 == 0
        ]
    )
    return users
