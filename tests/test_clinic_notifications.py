"""A linked patient's see_doctor and emergency alerts reach their physiotherapists: feed, push, e-mail."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.physio_alerts import notify_physios
from notifications import delivery
from notifications.models import Channel, Delivery, Kind, Notification, Status, Urgency
from recovery.evaluation import evaluate_workouts
from recovery.levels import Reason
from recovery.models import Alert, raised_alerts
from tests import clinic_helpers
from tests.clinic_helpers import link
from tests.conftest import client_for
from tests.factories import PainLogFactory, PhysioFactory, UserFactory, WorkoutFactory
from tests.notification_helpers import deliveries, raise_alert, subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
care_link = clinic_helpers.care_link
revoked_physio, unlinked_physio = clinic_helpers.revoked_physio, clinic_helpers.unlinked_physio


def physio_notifications(alert):
    return Notification.objects.filter(alert=alert, recipient__is_physio=True)


@pytest.mark.usefixtures("care_link", "revoked_physio", "unlinked_physio")
def test_an_emergency_reaches_the_linked_physio_only(patient, physio):
    alert = raise_alert(patient, Reason.CAUDA_EQUINA)
    (notification,) = physio_notifications(alert)
    assert notification.recipient == physio
    assert (notification.kind, notification.key) == (Kind.ALERT, f"alert:{alert.pk}")
    assert notification.urgency == Urgency.HIGH
    assert notification.title == "alice: emergency sign"
    assert "alice" in notification.body and "cauda_equina message" in notification.body
    assert notification.url == f"/clinic/patients/{patient.pk}/"
    assert Notification.objects.filter(alert=alert, recipient=patient).exists()  # hers is untouched


@pytest.mark.usefixtures("care_link")
def test_a_see_doctor_alert_reaches_the_physio_and_a_caution_does_not(patient, physio):
    see_doctor = raise_alert(patient, Reason.RADIATING_PAIN)
    caution = raise_alert(patient, Reason.SEVERE_PAIN)
    assert physio_notifications(see_doctor).get().urgency == Urgency.NORMAL
    assert not physio_notifications(caution).exists()


def test_every_linked_physio_is_told(patient, physio, care_link):
    second = PhysioFactory(username="dr_frank")
    link(second, patient)
    alert = raise_alert(patient, Reason.CAUDA_EQUINA)
    assert {n.recipient.username for n in physio_notifications(alert)} == {"dr_carol", "dr_frank"}


def test_a_revoked_physio_is_not_told(patient, revoked_physio):
    alert = raise_alert(patient, Reason.CAUDA_EQUINA)
    assert not physio_notifications(alert).exists()


def test_replays_do_not_duplicate(patient, care_link):
    alert = raise_alert(patient, Reason.CAUDA_EQUINA)
    assert notify_physios(raised_alerts([alert.pk])) == []
    assert notify_physios(raised_alerts([alert.pk]) * 2) == []
    assert physio_notifications(alert).count() == 1


def test_only_the_alerts_announced_are_told(patient, care_link):
    workout = WorkoutFactory(owner=patient)
    reasons = (Reason.CAUDA_EQUINA, Reason.RADIATING_PAIN, Reason.NUMBNESS_TINGLING)
    first, between, last = Alert.objects.bulk_create(  # bulk_create announces nothing
        Alert(workout=workout, reason=r.value, level=int(r.level), message="m") for r in reasons
    )
    assert len(notify_physios(raised_alerts([last.pk, first.pk]))) == 2
    assert physio_notifications(first).exists() and physio_notifications(last).exists()
    assert not physio_notifications(between).exists()


def test_an_alert_raised_by_the_sweep_tells_the_physio_what_and_when(patient, physio, care_link):
    workout = WorkoutFactory(owner=patient, performed_on=datetime.date(2026, 11, 20))
    PainLogFactory(workout=workout, logged_on=workout.performed_on, pain=4, radiates_to_legs=True)
    evaluate_workouts([workout.pk])
    alert = Alert.objects.get(workout=workout, reason=Reason.RADIATING_PAIN.value)
    notification = physio_notifications(alert).get()
    assert notification.title == "alice: needs a check"
    assert notification.body.startswith("alice, after the workout of Fri 20 Nov 2026 (radiating_pain): ")
    assert notification.body.endswith(alert.message) and notification.url == f"/clinic/patients/{patient.pk}/"
    assert Notification.objects.get(alert=alert, recipient=patient).title


def test_a_see_doctor_alert_waits_for_the_physios_quiet_hours(patient, physio, care_link, frozen_now):
    physio.quiet_hours_start, physio.quiet_hours_end = datetime.time(11), datetime.time(14)
    physio.save()
    notification = physio_notifications(raise_alert(patient, Reason.RADIATING_PAIN)).get()
    assert notification.deliver_at == frozen_now.replace(hour=14)
    emergency = physio_notifications(raise_alert(patient, Reason.CAUDA_EQUINA)).get()
    assert emergency.deliver_at == frozen_now


def test_queries_stay_constant_for_any_number_of_alerts(physio):
    def alerts_of(patient_count):
        alerts = []
        for _ in range(patient_count):
            patient = UserFactory()
            link(physio, patient)
            link(PhysioFactory(), patient)
            alerts += [raise_alert(patient, Reason.CAUDA_EQUINA), raise_alert(patient, Reason.RADIATING_PAIN)]
        Notification.objects.filter(recipient__is_physio=True).delete()
        return [alert.pk for alert in alerts]

    counts = []
    for patient_count in (1, 6):
        ids = alerts_of(patient_count)
        with CaptureQueriesContext(connection) as queries:
            new = notify_physios(raised_alerts(ids))
        assert len(new) == 2 * 2 * patient_count
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3


def test_the_physio_gets_a_push_and_an_email(push, patient, physio, care_link):
    phone = push.subscribe()
    subscribe(physio, phone)
    alert = raise_alert(patient, Reason.CAUDA_EQUINA)
    notification = physio_notifications(alert).get()
    assert delivery.deliver([notification.pk]) == 2
    (sent,) = push.pushes_to(phone)
    assert sent.payload["title"] == "alice: emergency sign" and sent.headers["urgency"] == "high"
    assert {d.channel for d in deliveries(notification)} == {Channel.WEBPUSH, Channel.EMAIL}
    (email,) = [m for m in mail.outbox if m.to == [physio.email]]
    assert email.subject == "alice: emergency sign" and "cauda_equina message" in email.body
    assert push.problems == []


def test_the_physio_sees_it_in_the_feed(patient, physio, care_link):
    raise_alert(patient, Reason.CAUDA_EQUINA)
    feed = client_for(physio).get("/api/v1/notifications/").json()
    assert [item["title"] for item in feed["results"]] == ["alice: emergency sign"]


def test_revoking_withdraws_what_the_physio_was_still_to_be_sent(patient, physio, care_link, frozen_now):
    physio.quiet_hours_start, physio.quiet_hours_end = datetime.time(11), datetime.time(14)
    physio.save()
    held = physio_notifications(raise_alert(patient, Reason.RADIATING_PAIN)).get()  # waits until 14:00
    emergency = physio_notifications(raise_alert(patient, Reason.CAUDA_EQUINA)).get()
    Notification.objects.filter(pk=emergency.pk).update(dispatched_at=frozen_now)
    open_delivery = Delivery.objects.create(notification=emergency, channel=Channel.EMAIL, target="email:x@example.com")
    other = UserFactory(username="zoe")
    link(physio, other)
    others = physio_notifications(raise_alert(other, Reason.RADIATING_PAIN)).get()

    response = client_for(patient).delete(f"/api/v1/care-team/{care_link.pk}/")

    assert response.status_code == 204
    assert not Notification.objects.filter(pk=held.pk).exists()
    open_delivery.refresh_from_db()
    assert open_delivery.status == Status.FAILED and "revoked" in open_delivery.last_error
    assert Notification.objects.filter(pk=others.pk, dispatched_at=None).exists()  # another patient's: kept
    assert Notification.objects.filter(recipient=patient).count() == 2  # hers: untouched
    assert delivery.deliver([held.pk, emergency.pk]) == 0
