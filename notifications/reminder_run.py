"""The minute's reminder run: claim the users whose reminder slot has come, remind them, publish.

Set-based, a constant number of queries per batch of users: one finds the users due (served by
reminder_due_idx), one reads their recent workouts, one UPDATE claims them by moving each to
its next slot only where it still holds the slot read (RETURNING the users it moved), one
INSERT writes their reminders (unique per recipient and key: at most one a day or an
episode). The claim and the reminders commit together: a crash loses neither, the users are
still due at the next tick. Two ticks or two workers at once: each user is claimed by one.
"""

import datetime
import logging
import zoneinfo

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from config.sql import insert_ignoring_conflicts, update_where_unchanged
from notifications import content
from notifications.enqueue import deliver_after_commit
from notifications.models import Kind, Notification, ReminderSchedule, Urgency
from notifications.reminders import LOOKBACK, WorkoutState, reminders_due
from notifications.schedule import QuietHours, in_quiet_hours, next_reminder
from recovery.levels import Level
from tracker.models import PainLog, Workout

log = logging.getLogger(__name__)

BATCH = 5000
FIELDS = ("recipient", "kind", "key", "title", "body", "url", "urgency", "created_at", "deliver_at")
PROFILE_FIELDS = {"timezone", "reminder_time", "quiet_hours_start", "quiet_hours_end"}
COMPOSE = {
    Kind.LOG_REMINDER: lambda today, reminder: content.log_reminder(today, reminder.unlogged_workout_on),
    Kind.HEAT_REMINDER: lambda today, reminder: content.heat_reminder(),
    Kind.CORE_REMINDER: lambda today, reminder: content.core_reminder(),
}


def follow_profile(user, created, update_fields, now=None):
    """Schedule a new user's first slot, or move a user's next slot after a change of time zone,
    reminder time or quiet hours (a save of other fields leaves it)."""
    if not created and update_fields is not None and not PROFILE_FIELDS & set(update_fields):
        return
    now = now or timezone.now()
    quiet = QuietHours.of(user.quiet_hours_start, user.quiet_hours_end)
    slot = next_reminder(now, user.tzinfo, user.reminder_time, quiet)
    ReminderSchedule.objects.bulk_create(
        [ReminderSchedule(user_id=user.pk, next_reminder_at=slot)],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["next_reminder_at"],
    )


def due_users(now, limit):
    """[(user id, slot read, time zone, reminder time, quiet start, quiet end)], oldest slot first."""
    return list(
        ReminderSchedule.objects.filter(next_reminder_at__lte=now)
        .order_by("next_reminder_at", "user_id")
        .values_list(
            "user_id", "next_reminder_at", "user__timezone", "user__reminder_time",
            "user__quiet_hours_start", "user__quiet_hours_end",
        )[:limit]
    )  # fmt: skip


def read_states(user_ids, since):
    """{user id: [WorkoutState]} of the users' workouts performed since `since`, and of those whose
    episode is still open (recovery's stored copy); the latest log read from the logs themselves,
    so a log saved a moment ago counts. One query."""
    latest = PainLog.objects.filter(workout=OuterRef("pk")).order_by("-logged_on")
    rows = (
        Workout.objects.filter(owner_id__in=list(user_ids))
        .filter(Q(performed_on__gte=since) | Q(recovery__opened_on__isnull=False, recovery__closed_on__isnull=True))
        .annotate(last_log_on=Subquery(latest.values("logged_on")[:1]), last_pain=Subquery(latest.values("pain")[:1]))
        .order_by()
        .values_list(
            "pk", "owner_id", "performed_on", "last_log_on", "last_pain",
            "recovery__opened_on", "recovery__closed_on", "recovery__level",
        )
    )  # fmt: skip
    states = {}
    for pk, owner_id, performed_on, last_log_on, last_pain, opened_on, closed_on, level in rows:
        episode_open = opened_on is not None and closed_on is None
        state = WorkoutState(pk, performed_on, last_log_on, last_pain, episode_open, Level(level or Level.OK))
        states.setdefault(owner_id, []).append(state)
    return states


def _slot(now, tz_name, reminder_time, quiet_start, quiet_end):
    """(next slot, whether `now` is in quiet hours, local today) of one profile at `now`."""
    tz, quiet = zoneinfo.ZoneInfo(tz_name), QuietHours.of(quiet_start, quiet_end)
    return next_reminder(now, tz, reminder_time, quiet), in_quiet_hours(now, tz, quiet), now.astimezone(tz).date()


def remind(batch, now):
    """Claim these due users and write their reminders; return (users claimed, notification ids)."""
    # Any zone's local date is at least the UTC date less one day.
    states = read_states([row[0] for row in batch], since=now.date() - datetime.timedelta(days=1) - LOOKBACK)
    claims, notifications, slots = [], {}, {}
    for user_id, slot, *profile in batch:
        try:
            # Users share profiles (zone, time, quiet hours): each is worked out once a batch.
            if (key := tuple(profile)) not in slots:
                slots[key] = _slot(now, *profile)
            following, quiet_now, today = slots[key]
        except Exception:  # one bad row (a time zone gone from tzdata) must not hold up the rest
            log.exception("planning the reminders of user %s failed; trying again tomorrow", user_id)
            claims.append((user_id, slot, now + datetime.timedelta(days=1)))
            continue
        claims.append((user_id, slot, following))
        # A run late enough to fall in quiet hours (beat was down) reminds no one.
        reminders = [] if quiet_now else reminders_due(today, states.get(user_id, ()))
        notifications[user_id] = [
            (
                user_id,
                r.kind,
                r.key,
                *COMPOSE[r.kind](today, r),
                content.workout_url(r.workout_id),
                Urgency.LOW,
                now,
                now,
            )
            for r in reminders
        ]
    with transaction.atomic():
        claimed = update_where_unchanged(
            ReminderSchedule, "next_reminder_at", ["next_reminder_at"], claims, returning=True
        )
        rows = [row for user_id in claimed for row in notifications.get(user_id, ())]
        new_ids = insert_ignoring_conflicts(Notification, FIELDS, rows, conflict=("recipient", "key"))
        deliver_after_commit(new_ids)
    return len(claimed), new_ids


def run_reminders(now=None, batch_size=BATCH):
    """Remind every user whose slot has come by `now`; return (users claimed, reminders written)."""
    now = now or timezone.now()
    claimed = written = 0
    while batch := due_users(now, batch_size):
        users, new_ids = remind(batch, now)
        claimed, written = claimed + users, written + len(new_ids)
    return claimed, written
