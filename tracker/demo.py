"""A demo data set: a physiotherapist and patients whose logs exercise every red-flag rule.

Dates are relative to today so the demo always shows live episodes. Usernames start with
``demo_``; loading again replaces the previous demo data.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User
from tracker.models import Exercise, PainLog, Workout
from tracker.services import add_logs

DEMO_PASSWORD = "rebound-demo-2026"


@dataclass
class DemoWorkout:
    days_ago: int
    title: str
    exercises: list  # (name, load_kg, sets, reps)
    logs: list  # (day index, pain, {extra fields})
    warmed_up: bool = True
    cooled_down: bool = True


@dataclass
class DemoPatient:
    username: str
    timezone: str
    story: str
    workouts: list = field(default_factory=list)


SQUATS = [("Back squat", 80, 5, 5), ("Romanian deadlift", 60, 3, 8)]
DEADLIFTS = [("Deadlift", 100, 5, 3), ("Bent-over row", 50, 4, 8)]

PATIENTS = [
    DemoPatient(
        "demo_sam",
        "Europe/London",
        "ordinary soreness that fades by day 3 (no flags; episode closes)",
        [DemoWorkout(5, "Leg day", SQUATS, [(0, 3, {}), (1, 4, {}), (2, 2, {}), (3, 0, {}), (4, 0, {})])],
    ),
    DemoPatient(
        "demo_riley",
        "America/New_York",
        "pain still there on day 4 (persistent_pain), a 2-point rise on day 3 (worsening_pain), pain 7 (severe_pain)",
        [
            DemoWorkout(
                5,
                "Heavy pulls",
                [("Deadlift", 120, 5, 3)],
                [(0, 3, {}), (1, 4, {}), (3, 6, {}), (4, 7, {"quality": "ache"})],
                warmed_up=False,
            )
        ],
    ),
    DemoPatient(
        "demo_jordan",
        "Europe/Berlin",
        "pain into the leg, tingling, stiff so they can hardly bend, worse at rest, sharp pain",
        [
            DemoWorkout(
                2,
                "Squat PR attempt",
                SQUATS,
                [
                    (0, 5, {"quality": "sharp", "locations": ["lower_back", "buttock"]}),
                    (1, 5, {"radiates_to_legs": True, "numbness_tingling": True, "locations": ["lower_back", "leg"]}),
                    (2, 6, {"difficulty_bending": True, "worse_at_rest": True}),
                ],
            )
        ],
    ),
    DemoPatient(
        "demo_casey",
        "Australia/Sydney",
        "symptoms in both legs and saddle numbness (cauda_equina: emergency)",
        [DemoWorkout(1, "Deadlift day", DEADLIFTS, [(0, 6, {}), (1, 8, {"both_legs": True, "saddle_numbness": True})])],
    ),
    DemoPatient(
        "demo_alex",
        "America/Chicago",
        "so stiff they can hardly stand up straight or walk, with shooting pain (limited_movement, sharp_pain)",
        [
            DemoWorkout(
                1,
                "Heavy rows",
                [("Bent-over row", 70, 5, 5), ("Good morning", 50, 3, 10)],
                [
                    (0, 4, {"quality": "stiffness", "locations": ["lower_back"]}),
                    (1, 6, {"quality": "shooting", "difficulty_standing": True, "difficulty_walking": True}),
                ],
                cooled_down=False,
            )
        ],
    ),
    DemoPatient(
        "demo_taylor",
        "Europe/Madrid",
        "no pain today, but a leg growing weaker and new bladder trouble (cauda_equina: emergency at pain 0)",
        [
            DemoWorkout(
                2,
                "Deadlift volume",
                DEADLIFTS,
                [(0, 3, {}), (1, 2, {}), (2, 0, {"leg_weakness": True, "bladder_bowel_change": True})],
            )
        ],
    ),
    DemoPatient(
        "demo_morgan",
        "Asia/Tokyo",
        "pain of 5 or more after three workouts within 30 days (recurring_pain)",
        [
            DemoWorkout(25, "Deadlift day", DEADLIFTS, [(0, 5, {}), (1, 3, {}), (2, 0, {}), (3, 0, {})]),
            DemoWorkout(12, "Deadlift day", DEADLIFTS, [(0, 6, {}), (1, 2, {}), (2, 0, {}), (3, 0, {})]),
            DemoWorkout(1, "Deadlift day", [("Deadlift", 115, 5, 3)], [(0, 5, {}), (1, 4, {})]),
        ],
    ),
]


def demo_steps():
    """Yield (label, callable) units of work, so a caller can show progress."""
    yield "clear previous demo data", lambda: User.objects.filter(username__startswith="demo_").delete()
    yield "physiotherapist demo_physio", lambda: _user("demo_physio", "Europe/London", is_physio=True)
    for patient in PATIENTS:
        yield f"patient {patient.username}", lambda patient=patient: _patient(patient)


def _user(username, tz, is_physio=False):
    user = User(username=username, email=f"{username}@example.com", timezone=tz, is_physio=is_physio)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@transaction.atomic
def _patient(spec):
    user = _user(spec.username, spec.timezone)
    today = user.local_today()
    for demo in spec.workouts:
        performed_on = today - datetime.timedelta(days=demo.days_ago)
        workout = Workout.objects.create(
            owner=user,
            performed_on=performed_on,
            title=demo.title,
            intensity=8,
            warmed_up=demo.warmed_up,
            cooled_down=demo.cooled_down,
        )
        Exercise.objects.bulk_create(
            Exercise(workout=workout, position=i, name=name, load_kg=load, sets=sets, reps=reps)
            for i, (name, load, sets, reps) in enumerate(demo.exercises)
        )
        add_logs(
            workout,
            [
                PainLog(workout=workout, logged_on=performed_on + datetime.timedelta(days=day), pain=pain, **extra)
                for day, pain, extra in demo.logs
                if performed_on + datetime.timedelta(days=day) <= today
            ],
        )
    return user
