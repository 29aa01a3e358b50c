"""The physiotherapist's dashboard: linked patients, most urgent first (product.md).

It reads what the red-flag job stored (recovery.Recovery's results, the alerts) and the
recent logs, never re-running the rules: four queries whatever the number of patients,
then grouping in Python.

- A patient's level is the highest of their open episodes' stored levels and their
  unresolved alerts' levels. A closed episode counts only through alerts no one has resolved,
  so a flag stays until a person clears it, and an episode long over does not keep a patient
  at the top for ever.
- Order: emergency, see_doctor, caution, then the rest; within each, the highest latest pain
  first (no log last), then the username.
- Every sign is tied to the workout that caused it (Medbridge's remote-monitoring signs:
  pain of 7 or more, a rise of 2 or more points, no log for 49 hours).
"""

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from clinic.access import linked_patients
from clinic.charts import sparkline
from recovery.levels import Level
from recovery.models import Alert, Recovery
from tracker.models import PainLog

SPARKLINE_DAYS = 14
ADHERENCE_WINDOWS = (7, 30)
NOT_LOGGING_HOURS = 48
DROPPED_DAYS = 14
RISE_POINTS = 2
SEVERE_PAIN = 7
# Days read back from the server's date: the longest window, a day each side for the time
# zones, and room to find the log before the window's first (a rise is measured against it).
LOOKBACK_DAYS = max(ADHERENCE_WINDOWS) + 7
ONE_DAY = datetime.timedelta(days=1)
LEVELS = tuple(Level)  # by value: LEVELS[2] is Level.SEE_DOCTOR, without Enum's lookup per row
LEVEL_LABELS = {
    Level.OK: "OK",
    Level.CAUTION: "Caution",
    Level.SEE_DOCTOR: "See a doctor",
    Level.EMERGENCY: "Emergency",
}


@dataclass(frozen=True)
class WorkoutRef:
    id: object
    title: str
    performed_on: datetime.date

    @property
    def label(self):
        return f"{self.title or 'Workout'} on {self.performed_on:%d %b}"


@dataclass(frozen=True)
class Sign:
    """A remote-monitoring sign, tied to the workout behind it."""

    code: str  # severe_pain | rise | not_logging | dropped
    text: str
    workout: WorkoutRef


@dataclass(frozen=True)
class OpenAlert:
    id: int
    level: Level
    reason: str
    workout: WorkoutRef


@dataclass
class PatientRow:
    id: int
    username: str
    today: datetime.date
    level: Level = Level.OK
    last_log_on: datetime.date | None = None
    last_pain: int | None = None
    day: int | None = None  # today's day index in the latest open episode
    episode: WorkoutRef | None = None
    sparkline: list = field(default_factory=list)  # [(date, highest pain that day or None)], oldest first
    adherence: dict = field(default_factory=dict)  # {days: fraction or None (no open episode then)}
    alerts: list = field(default_factory=list)  # [OpenAlert], most urgent first
    signs: list = field(default_factory=list)  # [Sign]
    hours_since_log: float | None = None

    @property
    def open_alerts(self):
        """{level code: count} of unresolved alerts, most urgent level first."""
        counts = defaultdict(int)
        for alert in self.alerts:
            counts[alert.level.code] += 1
        return dict(counts)

    @property
    def level_label(self):
        return LEVEL_LABELS[self.level]

    @property
    def alert_counts(self):
        """[(level code, label, count)], most urgent level first."""
        counts = self.open_alerts
        return [(lv.code, LEVEL_LABELS[lv], counts[lv.code]) for lv in sorted(Level, reverse=True) if lv.code in counts]

    @property
    def adherence_text(self):
        return " / ".join("—" if a is None else f"{round(a * 100)}%" for a in self.adherence.values())

    def spark(self):
        return sparkline(self.sparkline, f"{self.username}: highest pain each day, last {SPARKLINE_DAYS} days")

    @property
    def logging(self):
        """ "dropped", "not_logging" or "" (the patient logs, or has no open episode)."""
        return next((s.code for s in self.signs if s.code in ("dropped", "not_logging")), "")

    @property
    def rise(self):
        return next((s for s in self.signs if s.code == "rise"), None)

    def sort_key(self):
        return (-self.level, -(self.last_pain if self.last_pain is not None else -1), self.username)


def dashboard(physio, now=None):
    """[PatientRow] of the physiotherapist's linked patients, most urgent first; four queries."""
    now = now or timezone.now()
    patients = linked_patients(physio).values("pk")
    since = now.date() - datetime.timedelta(days=LOOKBACK_DAYS)
    latest = Recovery.objects.filter(workout__owner=OuterRef("pk"), last_log_on__isnull=False).order_by(
        "-last_log_on", "-last_pain"
    )
    people = (
        linked_patients(physio)
        .order_by()
        .annotate(
            last_log=Subquery(latest.values("last_log_on")[:1]),
            last_log_pain=Subquery(latest.values("last_pain")[:1]),
        )
        .values_list("pk", "username", "timezone", "last_log", "last_log_pain")
    )
    episodes = (
        Recovery.objects.filter(workout__owner__in=patients, opened_on__isnull=False)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=since))
        .order_by()
        .values_list(
            "workout__owner_id", "workout_id", "workout__title", "workout__performed_on", "level", "opened_on",
            "closed_on",
        )
    )  # fmt: skip
    alerts = (
        Alert.objects.filter(workout__owner__in=patients, resolved_at=None)
        .order_by()
        .values_list(
            "workout__owner_id", "id", "level", "reason", "workout_id", "workout__title", "workout__performed_on"
        )
    )
    logs = (
        PainLog.objects.filter(workout__owner__in=patients, logged_on__gte=since)
        .order_by()
        .values_list(
            "workout__owner_id", "workout_id", "workout__title", "workout__performed_on", "logged_on", "pain",
            "created_at",
        )
    )  # fmt: skip
    return build_rows(list(people), list(episodes), list(alerts), list(logs), now)


def build_rows(people, episodes, alerts, logs, now):
    """The rows from the four queries' tuples (see `dashboard`); pure."""
    by_patient = defaultdict(lambda: {"episodes": [], "alerts": [], "logs": []})
    for owner, workout_id, title, performed_on, level, opened_on, closed_on in episodes:
        by_patient[owner]["episodes"].append(
            (WorkoutRef(workout_id, title, performed_on), LEVELS[level], opened_on, closed_on)
        )
    for owner, alert_id, level, reason, workout_id, title, performed_on in alerts:
        by_patient[owner]["alerts"].append(
            OpenAlert(alert_id, LEVELS[level], reason, WorkoutRef(workout_id, title, performed_on))
        )
    for owner, workout_id, title, performed_on, logged_on, pain, created_at in logs:
        by_patient[owner]["logs"].append((WorkoutRef(workout_id, title, performed_on), logged_on, pain, created_at))
    rows = []
    for patient_id, username, tz, last_log_on, last_pain in people:
        today = timezone.localtime(now, _zone(tz)).date()
        row = PatientRow(patient_id, username, today, last_log_on=last_log_on, last_pain=last_pain)
        _fill(row, **by_patient[patient_id], now=now)
        rows.append(row)
    rows.sort(key=PatientRow.sort_key)
    return rows


def _zone(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def _fill(row, episodes, alerts, logs, now):
    today = row.today
    open_episodes = [(ref, level) for ref, level, _, closed_on in episodes if closed_on is None]
    row.alerts = sorted(alerts, key=lambda a: (-a.level, a.workout.performed_on, a.id))
    row.level = max([level for _, level in open_episodes] + [a.level for a in alerts], default=Level.OK)
    if open_episodes:
        row.episode = max((ref for ref, _ in open_episodes), key=lambda ref: ref.performed_on)
        row.day = (today - row.episode.performed_on).days

    pain_by_day = {}
    for _, logged_on, pain, _ in logs:
        pain_by_day[logged_on] = max(pain_by_day.get(logged_on, 0), pain)
    row.sparkline = [
        (day, pain_by_day.get(day))
        for day in (today - datetime.timedelta(days=back) for back in range(SPARKLINE_DAYS - 1, -1, -1))
    ]

    # The days (of the longest window) on which some episode was open; each window's share of
    # them that has a log.
    first = today - datetime.timedelta(days=max(ADHERENCE_WINDOWS) - 1)
    open_days = set()
    for _, _, opened_on, closed_on in episodes:
        day, last = max(opened_on, first), min(closed_on or today, today)
        while day <= last:
            open_days.add(day)
            day += ONE_DAY
    for days in ADHERENCE_WINDOWS:
        start = today - datetime.timedelta(days=days - 1)
        episode_days = {day for day in open_days if day >= start}
        logged = sum(1 for day in episode_days if day in pain_by_day)
        row.adherence[days] = logged / len(episode_days) if episode_days else None

    row.signs = _signs(row, open_episodes, logs, now)


def _signs(row, open_episodes, logs, now):
    signs = []
    by_workout = defaultdict(list)
    for ref, logged_on, pain, _ in logs:
        by_workout[ref].append((logged_on, pain))
    latest_day = max((logged_on for _, logged_on, _, _ in logs), default=None)
    for ref, workout_logs in sorted(by_workout.items(), key=lambda item: item[0].performed_on):
        workout_logs.sort()
        logged_on, pain = workout_logs[-1]
        if logged_on != latest_day:
            continue
        if pain >= SEVERE_PAIN:
            signs.append(Sign("severe_pain", f"pain {pain}", ref))
        if len(workout_logs) > 1 and pain - workout_logs[-2][1] >= RISE_POINTS:
            signs.append(Sign("rise", f"up {pain - workout_logs[-2][1]} since {workout_logs[-2][0]:%d %b}", ref))
    if open_episodes:
        last_saved = max((created_at for *_, created_at in logs), default=None)
        row.hours_since_log = (now - last_saved).total_seconds() / 3600 if last_saved else None
        if row.hours_since_log is None or row.hours_since_log >= DROPPED_DAYS * 24:
            signs.append(Sign("dropped", f"no log for {DROPPED_DAYS}+ days", row.episode))
        elif row.hours_since_log >= NOT_LOGGING_HOURS:
            signs.append(Sign("not_logging", f"no log for {int(row.hours_since_log)} h", row.episode))
    return signs
