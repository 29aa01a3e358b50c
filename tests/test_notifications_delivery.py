"""Deliveries against the fake push service (tests/fake_push.py): a real HTTPS server that checks
the VAPID JWT and decrypts every payload. The worker's steps are called directly, time frozen."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection

from notifications import delivery
from notifications.models import Channel, Delivery, Notification, PushSubscription, Status
from notifications.transports.webpush import payload
from recovery.levels import Reason
from recovery.messages import MESSAGES
from tests.conftest import NOW
from tests.factories import UserFactory
from tests.fake_push import HANG
from tests.notification_helpers import deliveries, later, notification_of, raise_alert, subscribe, users

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def push_deliveries(notification):
    return [d for d in deliveries(notification) if d.channel == Channel.WEBPUSH]


def test_an_emergency_reaches_every_subscription_once_encrypted_urgent_and_by_email(push, patient, other_patient):
    phone, laptop, bobs = push.subscribe(), push.subscribe(), push.subscribe()
    subscribe(patient, phone), subscribe(patient, laptop), subscribe(other_patient, bobs)
    alert = raise_alert(patient, Reason.CAUDA_EQUINA)
    notification = notification_of(alert)

    assert delivery.deliver([notification.pk]) == 3  # two pushes and an e-mail
    assert [len(push.pushes_to(s)) for s in (phone, laptop, bobs)] == [1, 1, 0]
    sent = push.pushes_to(phone)[0]
    assert sent.payload == {
        "id": notification.pk,
        "kind": "alert",
        "title": "Get emergency care now",
        "body": "cauda_equina message",
        "url": f"/?alert={alert.pk}",
        "tag": f"alert-{alert.pk}",
    }
    assert (sent.headers["urgency"], sent.headers["ttl"], sent.headers["topic"]) == (
        "high",
        "172800",
        f"alert-{alert.pk}",
    )
    assert sent.claims["aud"] == push.origin and sent.claims["sub"] == "mailto:push-tests@example.com"
    assert push.problems == []
    assert [(d.status, d.attempts) for d in deliveries(notification)] == [(Status.SENT, 1)] * 3
    assert [m.to for m in mail.outbox] == [[patient.email]]

    assert delivery.deliver([notification.pk]) == 0  # again: nothing left to send
    assert len(push.received) == 2


def test_reminder_urgency_is_low_and_a_caution_is_pushed_but_not_emailed(push, patient):
    subscribe(patient, push.subscribe())
    notification = notification_of(raise_alert(patient, Reason.SEVERE_PAIN))
    delivery.deliver([notification.pk])
    assert push.received[0].headers["urgency"] == "low"
    assert mail.outbox == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted_and_never_tried_again(push, patient, status):
    gone, live = push.subscribe(status), push.subscribe()
    subscribe(patient, gone), subscribe(patient, live)
    first = notification_of(raise_alert(patient))
    delivery.deliver([first.pk])
    assert push.statuses_of(gone) == [status]
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [live.endpoint]
    assert sorted(d.status for d in push_deliveries(first)) == [Status.GONE, Status.SENT]

    second = notification_of(raise_alert(patient, Reason.RADIATING_PAIN))
    delivery.deliver([second.pk])
    assert push.statuses_of(gone) == [status]
    assert len(push_deliveries(second)) == 1


def test_429_is_retried_no_sooner_than_its_retry_after(push, patient, frozen):
    fake = push.subscribe((429, 600))
    subscribe(patient, fake)
    notification = notification_of(raise_alert(patient))
    delivery.deliver([notification.pk])
    (row,) = push_deliveries(notification)
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert row.next_attempt_at >= later(NOW, seconds=600)
    assert "429" in row.last_error

    frozen.move_to(later(NOW, seconds=599))
    assert delivery.run_sweep() == (0, 0)
    frozen.move_to(later(row.next_attempt_at, seconds=1))
    assert delivery.run_sweep() == (0, 1)
    assert push.statuses_of(fake) == [429, 201]
    assert len(push.pushes_to(fake)) == 1


def test_500_is_retried_with_growing_backoff_then_recorded_as_failed(push, patient, frozen, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    fake = push.subscribe(500, 500, 500)
    subscribe(patient, fake)
    notification = notification_of(raise_alert(patient))
    delivery.deliver([notification.pk])
    waits = []
    for _ in range(2):
        (row,) = push_deliveries(notification)
        waits.append(row.next_attempt_at - datetime.datetime.now(datetime.UTC))
        frozen.move_to(row.next_attempt_at)
        delivery.run_sweep()
    (row,) = push_deliveries(notification)
    assert (row.status, row.attempts, row.next_attempt_at) == (Status.FAILED, 3, None)
    assert "500" in row.last_error
    assert push.statuses_of(fake) == [500, 500, 500]
    # 30 s then 60 s, each jittered to between half and all of it.
    assert datetime.timedelta(seconds=15) <= waits[0] <= datetime.timedelta(seconds=30)
    assert datetime.timedelta(seconds=30) <= waits[1] <= datetime.timedelta(seconds=60)
    frozen.move_to(later(NOW, days=1))
    assert delivery.run_sweep() == (0, 0)


def test_a_hanging_push_service_times_out_and_the_delivery_is_retried(push, patient):
    fake = push.subscribe(HANG)
    subscribe(patient, fake)
    notification = notification_of(raise_alert(patient))
    delivery.deliver([notification.pk])  # the fixture's PUSH_TIMEOUT_SECONDS is 1
    (row,) = push_deliveries(notification)
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert "Timeout" in row.last_error

    with time_machine.travel(later(row.next_attempt_at, seconds=1), tick=False):
        assert delivery.run_sweep() == (0, 1)
    assert len(push.pushes_to(fake)) == 1


@pytest.mark.parametrize("status", [400, 403, 413])
def test_a_refused_request_is_our_bug_logged_and_not_retried(push, patient, status, caplog):
    fake = push.subscribe(status)
    subscribe(patient, fake)
    notification = notification_of(raise_alert(patient))
    delivery.deliver([notification.pk])
    (row,) = push_deliveries(notification)
    assert (row.status, row.attempts, row.next_attempt_at) == (Status.FAILED, 1, None)
    assert f"refused, not retried: push service answered {status}" in caplog.text
    assert PushSubscription.objects.count() == 1, "the subscription is not to blame"
    with time_machine.travel(later(NOW, days=1)):
        delivery.run_sweep()
    assert push.statuses_of(fake) == [status]


def test_a_see_doctor_alert_waits_for_the_end_of_quiet_hours_an_emergency_does_not(push, frozen):
    user = UserFactory(quiet_hours_start=datetime.time(22), quiet_hours_end=datetime.time(7))
    fake = push.subscribe()
    subscribe(user, fake)
    frozen.move_to(datetime.datetime(2026, 11, 25, 23, 30, tzinfo=datetime.UTC))
    see_doctor = notification_of(raise_alert(user, Reason.RADIATING_PAIN))
    emergency = notification_of(raise_alert(user, Reason.CAUDA_EQUINA))
    assert see_doctor.deliver_at == datetime.datetime(2026, 11, 26, 7, tzinfo=datetime.UTC)

    delivery.deliver([see_doctor.pk, emergency.pk])
    assert [p.payload["id"] for p in push.received] == [emergency.pk]
    frozen.move_to(datetime.datetime(2026, 11, 26, 6, 59, tzinfo=datetime.UTC))
    assert delivery.run_sweep() == (0, 0)
    frozen.move_to(datetime.datetime(2026, 11, 26, 7, 0, tzinfo=datetime.UTC))
    assert delivery.run_sweep() == (1, 2)  # the push and the e-mail
    assert [p.payload["id"] for p in push.received] == [emergency.pk, see_doctor.pk]


def test_a_notification_whose_message_was_lost_is_sent_by_the_sweep(push, patient):
    subscribe(patient, push.subscribe())
    notification = notification_of(raise_alert(patient))  # no task ran: its message never left
    assert notification.dispatched_at is None
    assert delivery.run_sweep() == (1, 2)
    assert delivery.run_sweep() == (0, 0)
    assert len(push.received) == 1


def test_a_dead_workers_claim_is_taken_again_once_its_lease_runs_out(push, patient, frozen):
    subscribe(patient, push.subscribe())
    notification = notification_of(raise_alert(patient))
    delivery.dispatch([notification.pk], NOW)
    (row,) = push_deliveries(notification)
    # A worker claimed it and died before sending.
    Delivery.objects.filter(pk=row.pk).update(status=Status.SENDING, attempts=1, next_attempt_at=NOW + delivery.lease())
    assert delivery.run_sweep() == (0, 1)  # the e-mail; the push is still claimed
    frozen.move_to(NOW + delivery.lease())
    assert delivery.run_sweep() == (0, 1)
    row.refresh_from_db()
    assert (row.status, row.attempts, len(push.received)) == (Status.SENT, 2, 1)


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_twice_when_the_task_the_sweep_and_a_second_worker_all_run(push):
    phones = {}
    for user in users(3, email=""):
        phones[user.pk] = [push.subscribe(), push.subscribe()]
        for phone in phones[user.pk]:
            subscribe(user, phone)
        raise_alert(user, Reason.CAUDA_EQUINA), raise_alert(user, Reason.SHARP_PAIN)
    ids = list(Notification.objects.values_list("pk", flat=True))
    start = threading.Barrier(3)

    def worker(step):
        try:
            start.wait()
            step()
        finally:
            connection.close()  # each thread's own connection

    steps = [lambda: delivery.deliver(ids), lambda: delivery.deliver(ids), delivery.run_sweep]
    threads = [threading.Thread(target=worker, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for user_id, user_phones in phones.items():
        mine = sorted(Notification.objects.filter(recipient_id=user_id).values_list("pk", flat=True))
        for phone in user_phones:
            assert sorted(p.payload["id"] for p in push.pushes_to(phone)) == mine
    assert len(push.attempts) == len(push.received) == 12
    assert list(Delivery.objects.values_list("status", flat=True).distinct()) == [Status.SENT]


def test_the_longest_alert_payload_stays_under_3_kb(patient):
    reason = max(MESSAGES, key=lambda r: len(MESSAGES[r]))
    notification = notification_of(raise_alert(patient, reason))
    notification.body = MESSAGES[reason] * 10
    notification.title = "é" * 120
    assert len(payload(notification)) < 3 * 1024


def test_delivering_a_chunk_costs_constant_queries_plus_two_per_send(push, django_assert_max_num_queries):
    ids = []
    for user in users(20, email=""):
        subscribe(user, push.subscribe())
        ids.append(notification_of(raise_alert(user)).pk)
    with django_assert_max_num_queries(5 + 2 * len(ids)):  # dispatch (4), the due deliveries; claim, outcome
        assert delivery.deliver(ids) == len(ids)


def test_dispatch_reads_and_writes_a_constant_number_of_queries(push, django_assert_max_num_queries):
    ids = []
    for user in users(30, email="someone@example.com"):
        subscribe(user, push.subscribe()), subscribe(user, push.subscribe())
        ids.append(notification_of(raise_alert(user)).pk)
    with django_assert_max_num_queries(4):
        assert len(delivery.dispatch(ids, later(NOW, days=1000))) == 30
    assert Delivery.objects.count() == 30 * 3


def test_a_task_stops_starting_sends_when_its_budget_is_spent_and_the_sweep_sends_the_rest(push):
    ids = []
    for script in ([HANG], [], []):
        (user,) = users(1, email="")
        subscribe(user, push.subscribe(*script))
        ids.append(notification_of(raise_alert(user)).pk)
    assert delivery.deliver(ids, budget=0.5) == 0
    assert len(push.attempts) == 1, "one hung send (1 s timeout), then the budget was spent"
    assert Delivery.objects.filter(attempts=0, status=Status.PENDING).count() == 2
    assert delivery.run_sweep() == (0, 2)
