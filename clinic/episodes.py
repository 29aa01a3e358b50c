"""One linked patient's episodes for the patient page and the patient API: workouts with their
episode, logs, alerts and chart, and the clinical notes. A handful of queries."""

import datetime
from dataclasses import dataclass, field

from clinic.access import patient_alerts, patient_logs, patient_workouts
from clinic.charts import ChartDay, episode_chart
from clinic.models import ClinicalNote
from recovery.evaluation import assess, assessable
from recovery.levels import Level
from recovery.models import Recovery
from recovery.rules import ordered
from tracker.models import SIGN_FIELDS


@dataclass
class Episode:
    workout: object
    recovery: object  # recovery.Recovery or None (no log yet)
    logs: list
    alerts: list
    flags_by_day: dict = field(default_factory=dict)  # {day index: [reason codes first raised that day]}
    today: datetime.date | None = None

    @property
    def level(self):
        stored = Level(self.recovery.level) if self.recovery else Level.OK
        return max([stored, *(Level(a.level) for a in self.alerts if a.resolved_at is None)])

    @property
    def reasons(self):
        return self.recovery.reasons if self.recovery else []

    @property
    def reason_labels(self):
        return [reason.replace("_", " ") for reason in self.reasons]

    @property
    def opened_on(self):
        return self.recovery.opened_on if self.recovery else None

    @property
    def closed_on(self):
        return self.recovery.closed_on if self.recovery else None

    @property
    def day(self):
        if self.recovery and self.recovery.open:
            return (self.today - self.workout.performed_on).days
        return None

    def chart(self):
        days = [
            ChartDay(log.day_index, log.logged_on, log.pain, tuple(self.flags_by_day.get(log.day_index, ())))
            for log in self.logs
        ]
        return episode_chart(days, f"Pain after {self.workout.title or 'the workout'} on {self.workout.performed_on}")


def episodes_and_notes(physio, patient):
    """[Episode] newest workout first, and the notes, newest first."""
    workouts = list(patient_workouts(physio).filter(owner=patient).order_by("-performed_on", "-created_at"))
    logs = list(patient_logs(physio).filter(workout__owner=patient).order_by("logged_on"))
    alerts = list(patient_alerts(physio).filter(workout__owner=patient).order_by("-level", "-created_at"))
    recoveries = Recovery.objects.in_bulk([w.pk for w in workouts])
    today = patient.local_today()
    episodes = {w.pk: Episode(w, recoveries.get(w.pk), [], [], today=today) for w in workouts}
    for log in logs:
        episode = episodes[log.workout_id]
        log.day_index = (log.logged_on - episode.workout.performed_on).days
        log.signs = [name.replace("_", " ") for name in SIGN_FIELDS if getattr(log, name)]
        episode.logs.append(log)
    for alert in alerts:
        alert.reason_label = alert.reason.replace("_", " ")
        episodes[alert.workout_id].alerts.append(alert)
    logged = [e for e in episodes.values() if e.logs]
    if logged:
        assessments = assess(assessable(patient_workouts(physio).filter(pk__in=[e.workout.pk for e in logged])))
        for episode in logged:
            _mark_flag_days(episode, assessments[episode.workout.pk])
    notes = list(ClinicalNote.objects.filter(patient=patient))
    return list(episodes.values()), notes


def _mark_flag_days(episode, assessment):
    """The reasons each logged day raised that the day before had not (what the logs said then)."""
    before = frozenset()
    for log in episode.logs:
        now = assessment.day_view(log.day_index).reasons
        if new := now - before:
            episode.flags_by_day[log.day_index] = [reason.value for reason in ordered(new)]
        before = now
