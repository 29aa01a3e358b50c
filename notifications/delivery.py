"""Deliveries: a due notification fans out to its targets; each delivery is claimed, sent, recorded.

healthchecks' `sendalerts` in Celery: small steps, each one unit of work. `dispatch` makes a
notification's delivery rows (unique per notification and target, so twice is harmless).
`send_one` claims one delivery with a conditional UPDATE and sends it only if exactly one row
changed, so the fast-path task, the sweep and a second worker can all try: one sends. The claim
is a lease: a worker that dies mid-send leaves the row `sending` until the lease runs out, and
then the sweep takes it again (its Topic lets a push service replace, not repeat, a message it
still holds). Every attempt leaves its outcome on the row.
"""

import datetime
import logging
import random
import time
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from config.sql import insert_ignoring_conflicts
from notifications.models import OPEN, Channel, Delivery, Kind, Notification, PushSubscription, Status, Urgency
from notifications.transports import TRANSPORTS
from notifications.transports.base import TransportError

log = logging.getLogger(__name__)

BACKOFF_FIRST = datetime.timedelta(seconds=30)
BACKOFF_MAX = datetime.timedelta(hours=1)
# A Retry-After beyond this is a service that will not be back soon: retry on our schedule.
RETRY_AFTER_MAX = datetime.timedelta(hours=6)
DELIVERY_FIELDS = (
    "notification", "channel", "target", "subscription", "status",
    "attempts", "last_error", "created_at", "next_attempt_at",
)  # fmt: skip
# Alerts that send someone to a doctor go by e-mail too; reminders and cautions by push only.
EMAILED_URGENCY = (Urgency.HIGH, Urgency.NORMAL)


def lease():
    """How long a claim holds: longer than any task can run (its hard time limit kills it), so a
    claim still held after it belongs to a worker that is gone."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def backoff(attempts, retry_after=None, rng=random):
    """The wait before the next attempt after `attempts` failures: doubling from 30 s up to an hour,
    jittered (a random half to whole of it, so failures that came together do not retry
    together), and never sooner than the push service's Retry-After."""
    delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (attempts - 1))
    delay = delay / 2 + delay / 2 * rng.random()
    if retry_after is not None:
        delay = max(delay, min(datetime.timedelta(seconds=retry_after), RETRY_AFTER_MAX))
    return delay


def dispatch(notification_ids, now):
    """Make the delivery rows of those of these notifications that are due and not yet dispatched,
    and mark them dispatched; return their ids. Four queries whatever the number."""
    due = list(
        Notification.objects.filter(pk__in=list(notification_ids), dispatched_at=None, deliver_at__lte=now).values_list(
            "pk", "recipient_id", "kind", "urgency", "recipient__email"
        )
    )
    if not due:
        return []
    subscriptions = defaultdict(list)
    if settings.WEB_PUSH:
        rows = PushSubscription.objects.filter(user_id__in={recipient for _, recipient, *_ in due})
        for pk, user_id in rows.values_list("pk", "user_id"):
            subscriptions[user_id].append(pk)
    rows = []
    for pk, recipient_id, kind, urgency, address in due:
        rows += [
            (pk, Channel.WEBPUSH, f"webpush:{sub}", sub, Status.PENDING, 0, "", now, now)
            for sub in subscriptions[recipient_id]
        ]
        if address and kind == Kind.ALERT and urgency in EMAILED_URGENCY:
            rows.append((pk, Channel.EMAIL, f"email:{address}", None, Status.PENDING, 0, "", now, now))
    insert_ignoring_conflicts(Delivery, DELIVERY_FIELDS, rows, conflict=("notification", "target"))
    ids = [pk for pk, *_ in due]
    Notification.objects.filter(pk__in=ids, dispatched_at=None).update(dispatched_at=now)
    return ids


def open_deliveries(rows):
    """Deliveries as `send_one` takes them: with their notification and subscription, in one query."""
    return rows.filter(status__in=OPEN).select_related("notification", "subscription")


def send_one(delivery):
    """Claim one delivery (as read by `open_deliveries`) and send it; True if this call sent it.

    The claim is a conditional UPDATE: only while the row is still open, due and at the attempt
    read, and only if exactly one row changed. Whatever happens after it is recorded on the row.
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status__in=OPEN, next_attempt_at__lte=now, attempts=delivery.attempts
    ).update(status=Status.SENDING, attempts=delivery.attempts + 1, next_attempt_at=now + lease())
    if claimed != 1:
        return False
    delivery.attempts += 1
    try:
        TRANSPORTS[delivery.channel].send(delivery)
    except TransportError as error:
        _record_failure(delivery, error)
        return False
    except Exception as error:  # a bug of ours must not stop the other deliveries: retried, then failed
        log.exception("delivery %s raised", delivery.pk)
        _record_failure(delivery, TransportError(f"{error.__class__.__name__}: {error}"))
        return False
    _record(delivery, status=Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error="")
    return True


def _record(delivery, **fields):
    # Only over this attempt's own claim: if its lease ran out and another worker took the row,
    # that worker's outcome stands.
    Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING, attempts=delivery.attempts).update(**fields)


def _record_failure(delivery, error):
    message = str(error)[:1000]
    if error.gone:
        # 404/410: the browser unsubscribed or the service expired it. Its other deliveries find
        # no subscription and end as gone too.
        PushSubscription.objects.filter(pk=delivery.subscription_id).delete()
        _record(delivery, status=Status.GONE, next_attempt_at=None, last_error=message)
    elif error.permanent:
        log.error("delivery %s to %s refused, not retried: %s", delivery.pk, delivery.target, message)
        _record(delivery, status=Status.FAILED, next_attempt_at=None, last_error=message)
    elif delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        log.warning("delivery %s to %s failed %s times: %s", delivery.pk, delivery.target, delivery.attempts, message)
        _record(delivery, status=Status.FAILED, next_attempt_at=None, last_error=message)
    else:
        retry_at = timezone.now() + backoff(delivery.attempts, error.retry_after)
        _record(delivery, status=Status.PENDING, next_attempt_at=retry_at, last_error=message)


def deliver(notification_ids, now=None, budget=None):
    """The fast path, one task per published chunk: dispatch these notifications, then send their
    deliveries whose time has come. Returns the number sent. With `budget` (seconds), no new send
    starts after it (a push service that hangs every request): the sweep sends the rest."""
    now = now or timezone.now()
    started = time.monotonic()
    dispatch(notification_ids, now)
    due = Delivery.objects.filter(notification_id__in=list(notification_ids), next_attempt_at__lte=now)
    sent = 0
    for row in open_deliveries(due).order_by("pk"):
        if budget is not None and time.monotonic() - started > budget:
            break
        sent += send_one(row)
    return sent


def run_sweep(now=None, budget=None, batch_size=500):
    """The safety net: dispatch every due notification not yet dispatched (held through quiet
    hours, or its message lost), then send every open delivery whose time has come (a retry, a
    dead worker's, a lost message's). Returns (dispatched, sent).

    Both scans read only what is pending, through partial indexes. With `budget` (seconds), no
    new send starts after it; the rest waits for the next run.
    """
    now = now or timezone.now()
    started = time.monotonic()
    dispatched = sent = 0
    undispatched = Notification.objects.filter(dispatched_at=None, deliver_at__lte=now).order_by("deliver_at", "pk")
    while ids := list(undispatched.values_list("pk", flat=True)[:batch_size]):
        dispatched += len(dispatch(ids, now))
    due = open_deliveries(Delivery.objects.filter(next_attempt_at__lte=now)).order_by("next_attempt_at", "pk")
    after = None
    while True:
        page = due
        if after is not None:
            page = due.filter(Q(next_attempt_at__gt=after[0]) | Q(next_attempt_at=after[0], pk__gt=after[1]))
        batch = list(page[:batch_size])
        if not batch:
            return dispatched, sent
        for row in batch:
            if budget is not None and time.monotonic() - started > budget:
                return dispatched, sent
            sent += send_one(row)
        after = (batch[-1].next_attempt_at, batch[-1].pk)
