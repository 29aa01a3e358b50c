"""Evaluate workouts against the red-flag rules: synchronously for one workout (the log
PUT's triage), and in batches for the Celery task and the periodic sweep.

A batch runs a constant number of queries whatever its size: it reads the workouts, their
logs, the context recurring_pain needs and their open alerts in one query each, inserts
new alerts with one insert-or-ignore, and writes results with one conditional UPDATE.
"""

import dataclasses
import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from recovery.levels import Level
from recovery.messages import message_for, triage_message
from recovery.models import Alert
from recovery.rules import (
    RECURRING_PAIN,
    RECURRING_WINDOW_DAYS,
    LogFacts,
    WorkoutFacts,
    episode_dates,
    level_for,
    ordered,
    reasons_for,
)
from recovery.sql import insert_ignoring_conflicts, update_where_unchanged
from tracker.models import PainLog, Workout

log = logging.getLogger(__name__)

LOG_FACT_FIELDS = [f.name for f in dataclasses.fields(LogFacts)]
WINDOW = datetime.timedelta(days=RECURRING_WINDOW_DAYS - 1)
RESULT_FIELDS = ["level", "reasons", "peak_pain", "last_log_on", "last_pain", "episode_opened_on",
                 "episode_closed_on", "closed_by_user", "evaluated_at"]  # fmt: skip


@dataclass
class Outcome:
    workout_id: object
    reasons: list
    level: Level
    results: dict


def _painful_workouts(owner_ids, start, end):
    """{owner_id: [(workout_id, performed_on)]} of workouts with a log of pain >= 5."""
    rows = (
        PainLog.objects.filter(
            workout__owner_id__in=owner_ids,
            workout__performed_on__range=(start, end),
            pain__gte=RECURRING_PAIN,
        )
        .values_list("workout__owner_id", "workout_id", "workout__performed_on")
        .distinct()
    )
    by_owner = defaultdict(set)
    for owner_id, workout_id, performed_on in rows:
        by_owner[owner_id].add((workout_id, performed_on))
    return by_owner


def _facts(performed_on, log_rows):
    return WorkoutFacts(performed_on, tuple(LogFacts(**row) for row in log_rows))


def _reasons(workout_id, facts, painful_by_owner, owner_id):
    others = ()
    if facts.peak_pain is not None and facts.peak_pain >= RECURRING_PAIN:
        others = [day for wid, day in painful_by_owner.get(owner_id, ()) if wid != workout_id]
    return reasons_for(facts, others)


@dataclass
class Assessment:
    """One workout as the rules see it now."""

    facts: WorkoutFacts
    reasons: set
    level: Level
    opened_on: datetime.date | None
    closed_on: datetime.date | None
    closed_by_user_on: datetime.date | None

    @property
    def latest(self):
        return max(self.facts.logs, key=lambda log: log.logged_on, default=None)


def _assess(workouts, logs=None, open_levels=None):
    """{workout id: Assessment} in a constant number of queries.

    workouts need id, owner_id, performed_on, episode_closed_on and closed_by_user.
    logs ({workout id: [LOG_FACT_FIELDS rows]}) and open_levels ({workout id: [level]})
    may be passed in by a caller that already holds them; otherwise they are read here.
    """
    ids = [w.pk for w in workouts]
    if logs is None:
        logs = defaultdict(list)
        for row in PainLog.objects.filter(workout_id__in=ids).values("workout_id", *LOG_FACT_FIELDS):
            logs[row.pop("workout_id")].append(row)
    facts = {w.pk: _facts(w.performed_on, logs.get(w.pk, ())) for w in workouts}
    painful = {}
    painful_workouts = [w for w in workouts if (facts[w.pk].peak_pain or 0) >= RECURRING_PAIN]
    if painful_workouts:
        painful = _painful_workouts(
            {w.owner_id for w in painful_workouts},
            min(w.performed_on for w in painful_workouts) - WINDOW,
            max(w.performed_on for w in painful_workouts),
        )
    if open_levels is None:
        open_levels = defaultdict(list)
        for workout_id, level in Alert.objects.filter(workout_id__in=ids, resolved_at=None).values_list(
            "workout_id", "level"
        ):
            open_levels[workout_id].append(level)
    assessments = {}
    for w in workouts:
        f = facts[w.pk]
        reasons = _reasons(w.pk, f, painful, w.owner_id)
        closed_by_user_on = w.episode_closed_on if w.closed_by_user else None
        opened_on, closed_on = episode_dates(f, closed_by_user_on)
        level = level_for(reasons, open_levels.get(w.pk, ()))
        assessments[w.pk] = Assessment(f, reasons, level, opened_on, closed_on, closed_by_user_on)
    return assessments


def recovery_states(workouts, logs=None, open_levels=None):
    """{workout id: state} for these workouts, computed now from their logs and open alerts
    (see _assess). A state holds the triage (level, reasons, message), the episode (opened,
    closed, open) and the pain logged per day index.
    """
    workouts = list(workouts)
    states = {}
    for pk, a in _assess(workouts, logs, open_levels).items():
        latest = a.latest
        states[pk] = {
            "level": a.level.code,
            "reasons": [reason.value for reason in ordered(a.reasons)],
            "message": triage_message(a.reasons, a.level),
            "episode_opened_on": a.opened_on,
            "episode_closed_on": a.closed_on,
            "open": a.opened_on is not None and a.closed_on is None,
            "latest_pain": latest.pain if latest else None,
            "pains_by_day": {a.facts.day(log): log.pain for log in a.facts.logs},
        }
    return states


def recovery_state(workout):
    return recovery_states([workout])[workout.pk]


def triage(workout, log_rows=None, open_levels=None):
    """{level, reasons, message} for one workout, computed now (from the rows given, if any)."""
    state = recovery_states(
        [workout],
        logs=None if log_rows is None else {workout.pk: log_rows},
        open_levels=None if open_levels is None else {workout.pk: open_levels},
    )[workout.pk]
    return {key: state[key] for key in ("level", "reasons", "message")}


def evaluate_workouts(workout_ids):
    """Evaluate these workouts, record new alerts, store results; return the new alerts' ids.

    Safe to run twice or concurrently: alerts are insert-or-ignore on (workout, reason),
    and results are written only where evaluation_due_at still holds the value read here,
    so a log saved meanwhile leaves its workout due for the next run.
    """
    now = timezone.now()
    workouts = list(
        Workout.objects.filter(pk__in=list(workout_ids)).only(
            "id", "owner_id", "performed_on", "evaluation_due_at", "peak_pain", "episode_closed_on", "closed_by_user"
        )
    )
    if not workouts:
        return []
    assessments = _assess(workouts)
    outcomes, propagate = [], []
    for w in workouts:
        a = assessments[w.pk]
        last = a.latest
        outcomes.append(
            Outcome(
                w.pk,
                a.reasons,
                a.level,
                {
                    "level": int(a.level),
                    "reasons": [reason.value for reason in ordered(a.reasons)],
                    "peak_pain": a.facts.peak_pain,
                    "last_log_on": last.logged_on if last else None,
                    "last_pain": last.pain if last else None,
                    "episode_opened_on": a.opened_on,
                    "episode_closed_on": a.closed_on,
                    "closed_by_user": a.closed_by_user_on is not None and a.closed_on == a.closed_by_user_on,
                    "evaluated_at": now,
                },
            )
        )
        was_painful = (w.peak_pain or 0) >= RECURRING_PAIN
        if was_painful != ((a.facts.peak_pain or 0) >= RECURRING_PAIN):
            propagate.append((w.owner_id, w.performed_on))

    with transaction.atomic():
        new_alert_ids = _record_alerts(outcomes)
        _store_results(workouts, outcomes)
        later_ids = mark_later_workouts_due(propagate, exclude=[w.pk for w in workouts]) if propagate else []
    if later_ids:
        # Their own logs did not change, so their peak pain cannot: no further ripple.
        new_alert_ids += evaluate_workouts(later_ids)
    return new_alert_ids


def _record_alerts(outcomes):
    """Insert one alert per (workout, reason), ignoring those that exist; return the new ids.

    The unique constraint decides, so concurrent evaluations cannot both create one.
    """
    now = timezone.now()
    rows = [(o.workout_id, r.value, int(r.level), message_for(r), now, "") for o in outcomes for r in o.reasons]
    return insert_ignoring_conflicts(
        Alert,
        ("workout", "reason", "level", "message", "created_at", "resolution_note"),
        rows,
        conflict=("workout", "reason"),
    )


def _store_results(workouts, outcomes):
    """One UPDATE: each workout's results, only where evaluation_due_at is still what we read."""
    due_read = {w.pk: w.evaluation_due_at for w in workouts}
    update_where_unchanged(
        Workout,
        "evaluation_due_at",
        [*RESULT_FIELDS, "evaluation_due_at"],
        [(o.workout_id, due_read[o.workout_id], *(o.results[name] for name in RESULT_FIELDS), None) for o in outcomes],
    )


def mark_later_workouts_due(owner_dates, exclude=()):
    """recurring_pain of a workout reads the user's earlier workouts (and same-day ones):
    when one of them changes, the workouts in the 30 days from its date need a fresh look.
    Flags them due (so a crash loses nothing) and returns their ids."""
    later = Q()
    for owner_id, performed_on in owner_dates:
        later |= Q(owner_id=owner_id, performed_on__gte=performed_on, performed_on__lte=performed_on + WINDOW)
    ids = list(Workout.objects.filter(later).exclude(pk__in=list(exclude)).values_list("id", flat=True))
    if ids:
        Workout.objects.filter(pk__in=ids).update(evaluation_due_at=timezone.now())
    return ids


def due_workouts(limit, cutoff, after=None):
    """[(evaluation_due_at, id)] of the oldest-flagged workouts whose logs changed since
    their last evaluation, flagged no later than cutoff, in (due, id) order after `after`.

    Served by the partial index workout_evaluation_due_idx. Seeking past the last batch
    (keyset) rather than rescanning from the start skips the index entries that earlier
    batches of the same run have just cleared.
    """
    due = Workout.objects.filter(evaluation_due_at__isnull=False, evaluation_due_at__lte=cutoff)
    if after is not None:
        due = due.filter(Q(evaluation_due_at__gt=after[0]) | Q(evaluation_due_at=after[0], pk__gt=after[1]))
    return list(due.order_by("evaluation_due_at", "pk").values_list("evaluation_due_at", "pk")[:limit])


def run_sweep(batch_size=500, progress=None):
    """Evaluate every due workout in batches; return (workouts evaluated, alerts raised).

    A run takes the workouts flagged before it started, once each, so a workout that keeps
    changing cannot hold it forever; what is flagged later waits for the next run.
    """
    cutoff = timezone.now()
    evaluated = raised = 0
    after = None
    while batch := due_workouts(batch_size, cutoff, after):
        ids = [pk for _, pk in batch]
        after = batch[-1]
        try:
            raised += len(evaluate_workouts(ids))
        except Exception:
            # One bad row must not block the rest: retry the batch one by one, leave the
            # failures due (and logged) for the next run, and go on.
            for workout_id in ids:
                try:
                    raised += len(evaluate_workouts([workout_id]))
                except Exception:
                    log.exception("evaluating workout %s failed; it stays due", workout_id)
        evaluated += len(ids)
        if progress:
            progress(len(ids))
    return evaluated, raised
