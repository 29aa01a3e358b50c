"""Assess workouts against the red-flag rules, and record what the assessment finds.

`assess` computes, from the logs as saved, where each workout stands now: the triage the
log PUT answers with, the episode, and what each past day looked like. Nothing in it
reads the stored results, so every answer holds with no worker running.

`evaluate_workouts` (the Celery task and the periodic sweep) assesses in batches, records
one alert per new (workout, reason) and stores the results (recovery.state). A batch runs a
constant number of queries whatever its size.
"""

import contextlib
import functools
import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from django.db import connection, connections, models, transaction
from django.db.models import Exists, F, Min, OuterRef
from django.utils import timezone

from config.dates import shift
from config.memory import fewer_collections
from config.sql import Compiled, Param, insert_ignoring_conflicts, select_for_keys, select_for_rows, select_rows
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
    cached_property,
    day_view,
    episode_dates,
    level_for,
    ordered,
    reasons_for,
)
from recovery.signals import RaisedAlert, alerts_raised
from recovery.state import (
    STORED_FIELDS,
    WINDOW_DAYS,
    mark_due,
    mark_evaluated,
    store_results,
    workouts_counting,
    workouts_in_windows,
)
from tracker.access import owned_workouts
from tracker.models import PainLog, Workout

log = logging.getLogger(__name__)

LOG_FACT_FIELDS = list(LogFacts._fields)
_PAIN = attrgetter("pain")


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

    def stored_values(self):
        """The stored copy of this assessment: values of recovery.state.STORED_FIELDS, in order."""
        latest = self.facts.latest
        opened_on, closed_on = self.episode
        return (
            int(self.level),
            [reason.value for reason in ordered(self.reasons)],
            self.facts.peak_pain,
            latest.logged_on if latest else None,
            latest.pain if latest else None,
            opened_on,
            closed_on,
        )


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


def reading_for_a_log(owner, workout_id):
    """The read a log PUT makes with its write (tracker.services.save_log's `reading`): the
    owner's workout with what `assess` reads of it, and its logs as they were."""
    return READ_FOR_A_LOG.bind(workout_id=workout_id, owner_id=owner.pk)


def found_for_a_log(rows):
    """(workout, [LogFacts] of its logs, {workout id: {Reason}} of its open alerts) from the rows of
    `reading_for_a_log`, or None if the owner has no such workout (a second query only with
    open alerts).

    The workout is a Workout carrying what `assess` reads (see `assessable`).
    """
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


def painful_others(workouts, peaks):
    """{owner id: [(workout id, PainfulWorkout)]} that recurring_pain reads for these workouts,
    given each one's peak pain (None without logs): read only for those that hurt enough."""
    painful = [
        (w.owner_id, w.performed_on) for w, peak in zip(workouts, peaks, strict=True) if (peak or 0) >= RECURRING_PAIN
    ]
    return _painful_workouts(painful) if painful else {}


def assess(workouts, logs=None, open_alert_reasons=None, others=None):
    """{workout id: Assessment}, in at most three queries for any number of workouts.

    workouts: rows from `assessable` (id, owner_id, performed_on, closed_by_user_on / _at,
    has_open_alerts). logs ({workout id: [LogFacts]}), open_alert_reasons ({workout id:
    {Reason}}) and others (`painful_others` of them) may be passed by a caller that already
    holds them.
    """
    workouts = list(workouts)
    if logs is None:
        logs = read_logs(w.pk for w in workouts)
    if open_alert_reasons is None:
        open_alert_reasons = read_open_alert_reasons(w.pk for w in workouts if w.has_open_alerts)
    facts = [WorkoutFacts(w.performed_on, tuple(logs.get(w.pk, ()))) for w in workouts]
    if others is None:
        others = painful_others(workouts, [f.peak_pain for f in facts])
    no_alerts = frozenset()
    return {
        w.pk: Assessment(
            f,
            tuple(other for pk, other in others[w.owner_id] if pk != w.pk) if w.owner_id in others else (),
            frozenset(open_alert_reasons[w.pk]) if w.pk in open_alert_reasons else no_alerts,
            UserClosing(w.closed_by_user_on, w.closed_by_user_at) if w.closed_by_user_on else None,
        )
        for w, f in zip(workouts, facts, strict=True)
    }


class SweptWorkout(NamedTuple):
    """A workout as the red-flag job reads it: what `assess` reads, and its stored state."""

    pk: object
    owner_id: int
    performed_on: object
    closed_by_user_on: object
    closed_by_user_at: object
    due: object  # evaluation_due_at as read: the guard of store_results
    stored: tuple | None  # its results as stored (STORED_FIELDS), None before its first evaluation
    alerted: frozenset  # of Reason: every reason it has an alert for, resolved or not

    @property
    def stored_peak_pain(self):
        return None if self.stored is None else self.stored[PEAK_PAIN]


def _field(model, name):
    return model._meta.get_field(name)


REASONS = {reason.value: reason for reason in Reason}
PEAK_PAIN = STORED_FIELDS.index("peak_pain")


def _alert_reasons(joined):
    """(open, all): the Reasons of `joined`, a workout's alerts as `_alerts_sql` lists them."""
    if joined is None:
        return frozenset(), frozenset()
    open_, resolved = [], []
    for reason in joined.split(","):
        if reason[0] == "-":
            resolved.append(REASONS[reason[1:]])
        else:
            open_.append(REASONS[reason])
    return frozenset(open_), frozenset(open_ + resolved)


def _alerts_sql():
    """A column of the workout `w`'s alerts' reasons, comma-separated, a resolved one after a '-':
    one row a workout, however many alerts it has."""
    concat = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    return (
        f"(SELECT {concat}(CASE WHEN a.resolved_at IS NULL THEN a.reason ELSE '-' || a.reason END, ',') "
        f"FROM {Alert._meta.db_table} a WHERE a.workout_id = w.id)"
    )


def _swept_columns():
    """(SQL, fields) of what the red-flag job reads of a workout `w` and its Recovery `r`."""
    stored = ", ".join(f"r.{_field(Recovery, name).column}" for name in STORED_FIELDS)
    sql = (
        f"w.id, w.owner_id, w.performed_on, r.closed_by_user_on, r.closed_by_user_at, r.evaluation_due_at, "
        f"{stored}, r.evaluated_at IS NOT NULL, {_alerts_sql()}"
    )
    fields = [
        *(_field(Workout, name) for name in ("id", "owner", "performed_on")),
        *(_field(Recovery, name) for name in ("closed_by_user_on", "closed_by_user_at", "evaluation_due_at")),
        *(_field(Recovery, name) for name in STORED_FIELDS),
        models.BooleanField(),  # evaluated before: whether the stored results are any evaluation's
        _field(Alert, "reason"),
    ]
    return sql, fields


def read_for_evaluation(workout_ids):
    """([SweptWorkout], {workout id: [LogFacts]}, {workout id: {Reason}} of open alerts,
    painful_others) of these workouts: three statements for any number (two when none hurt
    enough for recurring_pain), rows read as tuples (see config.sql.select_for_keys)."""
    columns, fields = _swept_columns()
    rows = select_for_keys(
        f"SELECT {columns} FROM {{keys}} JOIN {Workout._meta.db_table} w ON w.id = v.c0 "
        f"LEFT JOIN {Recovery._meta.db_table} r ON r.workout_id = w.id",
        _field(Workout, "id"), list(dict.fromkeys(workout_ids)), fields,
    )  # fmt: skip
    return _with_logs(rows)


def read_due(limit, cutoff, after=None):
    """read_for_evaluation of the next `limit` workouts flagged due no later than `cutoff`, in
    (due, id) order after `after`, a (due, id) pair: three statements (two when none hurt enough).

    The batch comes off the partial index recovery_evaluation_due_idx with its rows: a list of
    keys read first, then joined back to the workouts, cost a second pass over that index and a
    scan of every workout. Seeking past the last batch (keyset) rather than rescanning from the
    start skips the index entries that earlier batches of the same run have just cleared.
    """
    columns, fields = _swept_columns()
    due, pk = _field(Recovery, "evaluation_due_at"), _field(Workout, "id")
    where = "r.evaluation_due_at IS NOT NULL AND r.evaluation_due_at <= %s"
    params = [due.get_db_prep_value(cutoff, connection)]
    if after is not None:
        where += " AND (r.evaluation_due_at, r.workout_id) > (%s, %s)"
        params += [due.get_db_prep_value(after[0], connection), pk.get_db_prep_value(after[1], connection)]
    rows = select_rows(
        f"SELECT {columns} FROM {Recovery._meta.db_table} r JOIN {Workout._meta.db_table} w ON w.id = r.workout_id "
        f"WHERE {where} ORDER BY r.evaluation_due_at, r.workout_id LIMIT %s",
        [*params, limit], fields,
    )  # fmt: skip
    return _with_logs(rows)


def _with_logs(rows):
    """read_for_evaluation's answer, from rows of _swept_columns.

    A log's updated_at matters only against the user's closing (rules.UserClosing), so it is read
    only for a workout the user closed: parsing 100,000 timestamps was a tenth of a sweep.
    """
    workouts = []
    alert_reasons = {}
    for row in rows:
        open_reasons, alerted = _alert_reasons(row[-1])
        stored = row[6:-2] if row[-2] else None
        workouts.append(SweptWorkout(*row[:6], stored, alerted))
        if open_reasons:
            alert_reasons[row[0]] = open_reasons
    if not workouts:
        return [], {}, {}, {}
    # Each log comes with its workout's place in the batch, not the workout's UUID: loading and
    # hashing a million UUIDs (Python objects, both) was a tenth of a re-evaluation.
    # Whether the user closed the workout travels with its key: joined to the logs, the recovery
    # rows were probed once a log (ten times a workout) for what the batch had already read.
    place, closed = models.IntegerField(), models.BooleanField()
    log_fields = [place, *(_field(PainLog, name) for name in LOG_FACT_FIELDS)]
    columns = ", ".join(f"l.{_field(PainLog, name).column}" for name in LOG_FACT_FIELDS[:-1])
    rows = select_for_rows(
        f"SELECT v.c1, {columns}, CASE WHEN v.c2 THEN l.updated_at END "
        f"FROM {{keys}} JOIN {PainLog._meta.db_table} l ON l.workout_id = v.c0",
        [_field(Workout, "id"), place, closed],
        [(w.pk, i, w.closed_by_user_on is not None) for i, w in enumerate(workouts)],
        log_fields,
    )  # fmt: skip
    placed = [[] for _ in workouts]
    make = LogFacts._make
    for row in rows:
        placed[row[0]].append(make(row[1:]))
    logs = {w.pk: found for w, found in zip(workouts, placed, strict=True) if found}
    # What recurring_pain reads, with the rest: in a sweep, read ahead in the background too.
    others = painful_others(workouts, [max(map(_PAIN, found), default=None) for found in placed])
    return workouts, logs, alert_reasons, others


def evaluate_workouts(workout_ids, ripple=None):
    """Assess these workouts, record new alerts, store the results; return the new alerts' ids.

    Safe to run twice or concurrently: alerts are insert-or-ignore on (workout, reason),
    and results are stored only where the workout is still as read (recovery.state).

    The user's other workouts whose recurring_pain a change here may turn are flagged due with
    the results, then evaluated at once; or, given `ripple` (a dict, the sweep's), added to it
    for the caller to evaluate later, once each however many batches touch them.
    """
    return _evaluate(read_for_evaluation(workout_ids), ripple)


def _evaluate(read, ripple):
    """evaluate_workouts of what read_for_evaluation (or read_due) read."""
    now = timezone.now()
    workouts, logs, open_alert_reasons, others = read
    if not workouts:
        return []
    assessments = assess(workouts, logs, open_alert_reasons, others)
    changed, unchanged, changed_painful = [], [], []
    for w in workouts:
        values = assessments[w.pk].stored_values()
        if values == w.stored:  # a re-evaluation that finds what it found before: no results to write
            unchanged.append((w.pk, w.due))
        else:
            changed.append((w.pk, w.due, values))
        if ((w.stored_peak_pain or 0) >= RECURRING_PAIN) != ((values[PEAK_PAIN] or 0) >= RECURRING_PAIN):
            changed_painful.append((w.owner_id, w.performed_on))
    with transaction.atomic():
        new_alert_ids = _record_alerts(workouts, assessments)
        store_results(changed, now)
        mark_evaluated(unchanged, now)
        # recurring_pain of the user's later workouts counts this one: look at them again.
        later = workouts_counting(changed_painful, exclude=[w.pk for w in workouts], only_painful_or_due=True)
        if later:
            mark_due(later, now)
    if later and ripple is not None:
        ripple.update(dict.fromkeys(later))
    elif later:
        new_alert_ids += evaluate_workouts(later)
    return new_alert_ids


def _record_alerts(workouts, assessments):
    """Insert one alert per (workout, reason) the assessments raise, ignoring those that exist;
    announce and return the new ids.

    A reason a workout was read with an alert for (SweptWorkout.alerted) is not sent again: a
    re-evaluation finds mostly those. The unique constraint decides for the rest, so concurrent
    evaluations cannot both create one, and only the rows really inserted are announced (in this
    transaction: see recovery.signals).
    """
    now = timezone.now()
    rows = [
        (w.pk, reason.value, int(reason.level), message_for(reason), now, "")
        for w in workouts
        for reason in ordered(assessments[w.pk].reasons)
        if reason not in w.alerted
    ]
    if not rows:
        return []
    inserted = insert_ignoring_conflicts(
        Alert,
        ("workout", "reason", "level", "message", "created_at", "resolution_note"),
        rows,
        conflict=("workout", "reason"),
        returning=("workout", "reason"),
    )
    if not inserted:
        return []
    by_pk = {w.pk: w for w in workouts}
    raised = []
    for pk, workout_id, reason in inserted:
        w, reason = by_pk[workout_id], REASONS[reason]
        raised.append(RaisedAlert(pk, w.owner_id, w.performed_on, int(reason.level), reason.value, message_for(reason)))
    alerts_raised.send(sender=Alert, alerts=raised)
    return [alert.id for alert in raised]


@contextlib.contextmanager
def _reader():
    """read_ahead(func, *args): call func(*args) in the background and return a function that
    waits for its result. On PostgreSQL, outside a transaction, it runs in a thread of its own,
    with its own connection: the database reads the next batch (and the thread loads its rows)
    while this one evaluates the current batch on the other core. Elsewhere, at once.

    The next batch may be read before the current one commits. That is safe: what a batch writes
    is its own workouts' alerts and results, and the due flags of the ripple; a ripple workout
    read early with its old flag finds it changed when it stores its results (store_results'
    guard), so it stays due and the ripple evaluates it again.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield lambda func, *args: functools.partial(func, *args)  # called at once by `coming()`
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sweep-read")
    try:
        yield lambda func, *args: pool.submit(func, *args).result
    finally:
        pool.submit(connections.close_all).result()  # the thread's connection
        pool.shutdown()


def run_sweep(batch_size=500, progress=None):
    """Evaluate every due workout in batches; return (workouts evaluated, alerts raised).

    A run takes the workouts flagged before it started, once each, so a workout that keeps
    changing cannot hold it forever; what is flagged later waits for the next run. The ripple
    (workouts whose recurring_pain the run's changes may turn, flagged due as they are found)
    is evaluated after the batches, each workout once: evaluated batch by batch, the same
    workouts were read again for every batch holding another workout of their user's month
    (bench/sweep.py: three evaluations a workout on a first sweep).
    """
    # A run creates a few objects per log, each freed once its batch is done (config.memory).
    with fewer_collections():
        return _sweep(batch_size, progress)


def _sweep(batch_size, progress):
    cutoff = timezone.now()
    evaluated = raised = 0
    ripple = {}

    def evaluate(ids, found, read=None):
        nonlocal raised
        try:
            raised += len(_evaluate(read, found) if read else evaluate_workouts(ids, found))
        except Exception:
            # One bad row must not block the rest: retry the batch one by one, leave the
            # failures due (and logged) for the next run, and go on.
            for workout_id in ids:
                try:
                    raised += len(evaluate_workouts([workout_id], found))
                except Exception:
                    log.exception("evaluating workout %s failed; it stays due", workout_id)

    with _reader() as read_ahead:
        batch = read_due(batch_size, cutoff)
        while batch[0]:
            ids = [w.pk for w in batch[0]]
            # The next batch is read while this one is evaluated (see _reader).
            coming = read_ahead(read_due, batch_size, cutoff, (batch[0][-1].due, batch[0][-1].pk))
            evaluate(ids, ripple, batch)
            evaluated += len(ids)
            if progress:
                progress(len(ids))
            batch = coming()
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
