"""Assess workouts against the red-flag rules, and record what the assessment finds.

`assess` computes, from the logs as saved, where each workout stands now: the triage the
log PUT answers with, the episode, and what each past day looked like. Nothing in it
reads the stored results, so every answer holds with no worker running.

`evaluate_workouts` (the Celery task and the periodic sweep) assesses in batches, records
one alert per new (workout, reason) and stores the results (recovery.state). A batch runs a
constant number of queries whatever its size.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db import models, transaction
from django.db.models import Exists, F, Min, OuterRef
from django.utils import timezone

from config.dates import shift
from config.sql import Compiled, Param, insert_ignoring_conflicts, select_for_keys
from recovery.levels import Reason
from recovery.messages import message_for, triage_message
from recovery.models import Alert, Recovery
from recovery.rules import (
    RECURRING_PAIN,
    DayView,
    LogFacts,
    PainfulWorkout,
    UserClosing,
    WorkoutFacts,
    day_view,
    episode_dates,
    level_for,
    ordered,
    reasons_for,
)
from recovery.signals import alerts_raised
from recovery.state import WINDOW_DAYS, due_batch, mark_due, store_results, workouts_counting, workouts_in_windows
from tracker.access import owned_workouts
from tracker.models import PainLog, Workout

log = logging.getLogger(__name__)

LOG_FACT_FIELDS = list(LogFacts._fields)


@dataclass(frozen=True)
class Assessment:
    """One workout as the rules see it now, from its logs and its unresolved alerts."""

    facts: WorkoutFacts
    others: tuple  # PainfulWorkout: the user's other workouts that recurring_pain may count
    alert_reasons: frozenset  # of Reason: the workout's alerts no one has resolved
    closing: UserClosing | None  # the user marked it recovered

    @cached_property
    def reasons(self):
        """The reasons the logs raise now (alerts aside)."""
        return frozenset(reasons_for(self.facts, [other.performed_on for other in self.others]))

    @property
    def level(self):
        return level_for(self.reasons, self.alert_reasons)

    @property
    def message(self):
        return triage_message(self.reasons, self.alert_reasons)

    @property
    def triage(self):
        """{level, reasons, message}: what the log PUT answers with."""
        return {
            "level": self.level.code,
            "reasons": [reason.value for reason in ordered(self.reasons)],
            "message": self.message,
        }

    @cached_property
    def episode(self):
        """(opened_on, closed_on)."""
        return episode_dates(self.facts, self.closing)

    @property
    def open(self):
        opened_on, closed_on = self.episode
        return opened_on is not None and closed_on is None

    def day_view(self, day):
        """A past day as it stood at its end: its logs and the reasons they raised then."""
        return day_view(self.facts, self.others, day)

    def today_view(self, day):
        """Today (day index `day`): the latest pain logged and every open reason, alerts included."""
        latest = self.facts.through(day).latest
        return DayView(latest.pain if latest else None, self.reasons | self.alert_reasons)

    def results(self, now):
        """The stored copy of this assessment (recovery.state.RESULT_FIELDS)."""
        latest = self.facts.latest
        opened_on, closed_on = self.episode
        return {
            "level": int(self.level),
            "reasons": [reason.value for reason in ordered(self.reasons)],
            "peak_pain": self.facts.peak_pain,
            "last_log_on": latest.logged_on if latest else None,
            "last_pain": latest.pain if latest else None,
            "opened_on": opened_on,
            "closed_on": closed_on,
            "evaluated_at": now,
        }


def assessable(workouts):
    """A workout queryset carrying what `assess` reads of each row."""
    return workouts.only("id", "owner_id", "performed_on").annotate(
        closed_by_user_on=F("recovery__closed_by_user_on"),
        closed_by_user_at=F("recovery__closed_by_user_at"),
        has_open_alerts=Exists(Alert.objects.filter(workout=OuterRef("pk"), resolved_at=None)),
    )


def log_fact(log):
    """The LogFacts of one PainLog instance (a log just saved, say)."""
    return LogFacts(*(getattr(log, name) for name in LOG_FACT_FIELDS))


def log_facts(logs):
    """[LogFacts] of a PainLog queryset: one query, tuples straight into the dataclass."""
    return [LogFacts(*row) for row in logs.values_list(*LOG_FACT_FIELDS)]


def read_logs(workout_ids):
    """{workout id: [LogFacts]}: one query."""
    logs = defaultdict(list)
    rows = (
        PainLog.objects.filter(workout_id__in=list(workout_ids)).order_by().values_list("workout_id", *LOG_FACT_FIELDS)
    )
    for workout_id, *fields in rows:
        logs[workout_id].append(LogFacts(*fields))
    return logs


def read_open_alert_reasons(workout_ids):
    """{workout id: {Reason}} of the alerts no one has resolved: one query."""
    reasons = defaultdict(set)
    open_alerts = Alert.objects.filter(workout_id__in=list(workout_ids), resolved_at=None)
    for workout_id, reason in open_alerts.values_list("workout_id", "reason"):
        reasons[workout_id].add(Reason(reason))
    return reasons


OWNER = Param("owner_id", models.BigIntegerField())


def _read_for_a_log():
    return (
        assessable(owned_workouts(OWNER).filter(pk=Param("workout_id", models.UUIDField())))
        .order_by()
        .values_list(
            "id",
            "owner_id",
            "performed_on",
            "closed_by_user_on",
            "closed_by_user_at",
            "has_open_alerts",
            *(f"logs__{name}" for name in LOG_FACT_FIELDS),
        )
    )


READ_FOR_A_LOG = Compiled(_read_for_a_log)


def read_for_a_log(owner, workout_id):
    """(workout, [LogFacts] of its logs, {workout id: {Reason}} of its open alerts) for a log
    PUT, or None if the owner has no such workout: one query (two with open alerts).

    The workout is a Workout carrying what `assess` reads (see `assessable`).
    """
    rows = READ_FOR_A_LOG.rows(workout_id=workout_id, owner_id=owner.pk)
    if not rows:
        return None
    pk, owner_id, performed_on, closed_on, closed_at, has_open_alerts = rows[0][:6]
    workout = Workout(id=pk, owner_id=owner_id, performed_on=performed_on)
    workout.closed_by_user_on, workout.closed_by_user_at = closed_on, closed_at
    workout.has_open_alerts = has_open_alerts
    logs = [LogFacts(*row[6:]) for row in rows if row[6] is not None]
    alert_reasons = read_open_alert_reasons([pk]) if has_open_alerts else {}
    return workout, logs, alert_reasons


PAINFUL_OF_ONE = Compiled(
    lambda: (
        PainLog.objects.filter(
            workout__owner_id=OWNER,
            workout__performed_on__gte=Param("start", models.DateField()),
            workout__performed_on__lte=Param("end", models.DateField()),
            pain__gte=RECURRING_PAIN,
        )
        .order_by()
        .values("workout_id", "workout__performed_on")
        .annotate(painful_from=Min("logged_on"))
        .values_list("workout_id", "workout__performed_on", "painful_from")
    )
)


def _painful_workouts(windows):
    """{owner id: [(workout id, PainfulWorkout)]}: the owners' workouts with a log of pain >= 5
    performed in the 30 days up to any of `windows`, (owner id, date)s."""
    windows = set(windows)
    owners = {owner_id for owner_id, _ in windows}
    if len(owners) == 1:  # a log PUT, a task for one user: the query compiled once
        (owner_id,) = owners
        start, end = shift(min(day for _, day in windows), -WINDOW_DAYS), max(day for _, day in windows)
        rows = PAINFUL_OF_ONE.rows(owner_id=owner_id, start=start, end=end)
        return {owner_id: [(pk, PainfulWorkout(performed_on, first)) for pk, performed_on, first in rows]}
    # Many users (a sweep's batch): each window read on its own (workouts_in_windows), each
    # workout's painful logs through its (workout, day) index. One span over the batch's dates
    # read the painful logs of all users by a scan: a cost growing with the table, not the batch.
    rows = workouts_in_windows(
        f"w.owner_id, w.id, w.performed_on, (SELECT MIN(l.logged_on) FROM {PainLog._meta.db_table} l "
        f"WHERE l.workout_id = w.id AND l.pain >= {int(RECURRING_PAIN)})",
        {(owner_id, shift(day, -WINDOW_DAYS), day) for owner_id, day in windows},
        [
            _field(Workout, "owner"),
            _field(Workout, "id"),
            _field(Workout, "performed_on"),
            _field(PainLog, "logged_on"),
        ],
    )
    by_owner = defaultdict(dict)  # windows overlap: a workout once
    for owner_id, workout_id, performed_on, painful_from in rows:
        if painful_from is not None:
            by_owner[owner_id][workout_id] = PainfulWorkout(performed_on, painful_from)
    return {owner_id: list(found.items()) for owner_id, found in by_owner.items()}


def assess(workouts, logs=None, open_alert_reasons=None):
    """{workout id: Assessment}, in at most three queries for any number of workouts.

    workouts: rows from `assessable` (id, owner_id, performed_on, closed_by_user_on / _at,
    has_open_alerts). logs ({workout id: [LogFacts]}) and open_alert_reasons
    ({workout id: {Reason}}) may be passed by a caller that already holds them.
    """
    workouts = list(workouts)
    if logs is None:
        logs = read_logs(w.pk for w in workouts)
    if open_alert_reasons is None:
        open_alert_reasons = read_open_alert_reasons(w.pk for w in workouts if w.has_open_alerts)
    facts = {w.pk: WorkoutFacts(w.performed_on, tuple(logs.get(w.pk, ()))) for w in workouts}
    # recurring_pain reads the user's other workouts, only for a workout that hurt enough.
    painful = [w for w in workouts if (facts[w.pk].peak_pain or 0) >= RECURRING_PAIN]
    others = {}
    if painful:
        others = _painful_workouts((w.owner_id, w.performed_on) for w in painful)
    return {
        w.pk: Assessment(
            facts[w.pk],
            tuple(other for pk, other in others.get(w.owner_id, ()) if pk != w.pk),
            frozenset(open_alert_reasons.get(w.pk, ())),
            UserClosing(w.closed_by_user_on, w.closed_by_user_at) if w.closed_by_user_on else None,
        )
        for w in workouts
    }


@dataclass(frozen=True)
class SweptWorkout:
    """A workout as the red-flag job reads it: what `assess` reads, and its stored state."""

    pk: object
    owner_id: int
    performed_on: object
    closed_by_user_on: object
    closed_by_user_at: object
    due: object  # evaluation_due_at as read: the guard of store_results
    stored_peak_pain: int | None


def _field(model, name):
    return model._meta.get_field(name)


def _sweep_columns():
    workout = [_field(Workout, n) for n in ("id", "owner", "performed_on")]
    recovery = [_field(Recovery, n) for n in ("closed_by_user_on", "closed_by_user_at", "evaluation_due_at")]
    log = [_field(PainLog, name) for name in LOG_FACT_FIELDS]
    return workout + recovery + [_field(Recovery, "peak_pain")], [_field(PainLog, "workout"), *log]


def read_for_evaluation(workout_ids):
    """([SweptWorkout], {workout id: [LogFacts]}, {workout id: {Reason}} of open alerts) of these
    workouts: two statements for any number, rows read as tuples (see config.sql.select_for_keys).

    A log's updated_at matters only against the user's closing (rules.UserClosing), so it is read
    only for a workout the user closed: parsing 100,000 timestamps was a tenth of a sweep.
    """
    ids = list(dict.fromkeys(workout_ids))
    workout_fields, log_fields = _sweep_columns()
    pk_field = _field(Workout, "id")
    workouts = {}
    alert_reasons = defaultdict(set)
    # One row per open alert (the workout's columns repeated), or one with no reason.
    for *row, reason in select_for_keys(
        "SELECT w.id, w.owner_id, w.performed_on, r.closed_by_user_on, r.closed_by_user_at, "
        "r.evaluation_due_at, r.peak_pain, a.reason FROM {keys} JOIN tracker_workout w ON w.id = v.c0 "
        "LEFT JOIN recovery_recovery r ON r.workout_id = w.id "
        "LEFT JOIN recovery_alert a ON a.workout_id = w.id AND a.resolved_at IS NULL",
        pk_field, ids, [*workout_fields, _field(Alert, "reason")],
    ):  # fmt: skip
        if row[0] not in workouts:
            workouts[row[0]] = SweptWorkout(*row)
        if reason is not None:
            alert_reasons[row[0]].add(Reason(reason))
    columns = ", ".join(f"l.{_field(PainLog, name).column}" for name in LOG_FACT_FIELDS[:-1])
    logs = defaultdict(list)
    rows = select_for_keys(
        f"SELECT l.workout_id, {columns}, "
        "CASE WHEN r.closed_by_user_on IS NULL THEN NULL ELSE l.updated_at END "
        "FROM {keys} JOIN tracker_painlog l ON l.workout_id = v.c0 "
        "LEFT JOIN recovery_recovery r ON r.workout_id = l.workout_id",
        pk_field, ids, log_fields,
    )  # fmt: skip
    make = LogFacts._make
    for row in rows:
        logs[row[0]].append(make(row[1:]))
    return list(workouts.values()), logs, alert_reasons


def evaluate_workouts(workout_ids, ripple=None):
    """Assess these workouts, record new alerts, store the results; return the new alerts' ids.

    Safe to run twice or concurrently: alerts are insert-or-ignore on (workout, reason),
    and results are stored only where the workout is still as read (recovery.state).

    The user's other workouts whose recurring_pain a change here may turn are flagged due with
    the results, then evaluated at once; or, given `ripple` (a dict, the sweep's), added to it
    for the caller to evaluate later, once each however many batches touch them.
    """
    now = timezone.now()
    workouts, logs, open_alert_reasons = read_for_evaluation(workout_ids)
    if not workouts:
        return []
    assessments = assess(workouts, logs, open_alert_reasons)
    changed_painful = []
    for w in workouts:
        was_painful = (w.stored_peak_pain or 0) >= RECURRING_PAIN
        if was_painful != ((assessments[w.pk].facts.peak_pain or 0) >= RECURRING_PAIN):
            changed_painful.append((w.owner_id, w.performed_on))
    with transaction.atomic():
        new_alert_ids = _record_alerts(assessments)
        store_results([(w.pk, w.due, assessments[w.pk].results(now)) for w in workouts])
        # recurring_pain of the user's later workouts counts this one: look at them again.
        later = workouts_counting(changed_painful, exclude=[w.pk for w in workouts], only_painful_or_due=True)
        if later:
            mark_due(later, now)
    if later and ripple is not None:
        ripple.update(dict.fromkeys(later))
    elif later:
        new_alert_ids += evaluate_workouts(later)
    return new_alert_ids


def _record_alerts(assessments):
    """Insert one alert per (workout, reason), ignoring those that exist; announce and return
    the new ids.

    The unique constraint decides, so concurrent evaluations cannot both create one, and only
    the rows really inserted are announced (in this transaction: see recovery.signals).
    """
    now = timezone.now()
    rows = [
        (workout_id, reason.value, int(reason.level), message_for(reason), now, "")
        for workout_id, a in assessments.items()
        for reason in ordered(a.reasons)
    ]
    new_ids = insert_ignoring_conflicts(
        Alert,
        ("workout", "reason", "level", "message", "created_at", "resolution_note"),
        rows,
        conflict=("workout", "reason"),
    )
    if new_ids:
        alerts_raised.send(sender=Alert, alert_ids=new_ids)
    return new_ids


def run_sweep(batch_size=500, progress=None):
    """Evaluate every due workout in batches; return (workouts evaluated, alerts raised).

    A run takes the workouts flagged before it started, once each, so a workout that keeps
    changing cannot hold it forever; what is flagged later waits for the next run. The ripple
    (workouts whose recurring_pain the run's changes may turn, flagged due as they are found)
    is evaluated after the batches, each workout once: evaluated batch by batch, the same
    workouts were read again for every batch holding another workout of their user's month
    (bench/sweep.py: three evaluations a workout on a first sweep).
    """
    cutoff = timezone.now()
    evaluated = raised = 0
    ripple = {}

    def evaluate(ids, found):
        nonlocal raised
        try:
            raised += len(evaluate_workouts(ids, found))
        except Exception:
            # One bad row must not block the rest: retry the batch one by one, leave the
            # failures due (and logged) for the next run, and go on.
            for workout_id in ids:
                try:
                    raised += len(evaluate_workouts([workout_id], found))
                except Exception:
                    log.exception("evaluating workout %s failed; it stays due", workout_id)

    after = None
    while batch := due_batch(batch_size, cutoff, after):
        ids = [pk for _, pk in batch]
        after = batch[-1]
        evaluate(ids, ripple)
        evaluated += len(ids)
        if progress:
            progress(len(ids))
    # A workout's painful status changes once per change of its logs, so this ends.
    while ripple:
        ids = list(ripple)
        ripple.clear()
        coming = set(ids)
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            coming.difference_update(chunk)
            found = {}
            evaluate(chunk, found)
            # Those still to come in this round will read what this chunk changed anyway.
            ripple.update((pk, None) for pk in found if pk not in coming)
    return evaluated, raised
