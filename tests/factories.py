import datetime

import factory

from accounts.models import User
from recovery.levels import Level, Reason
from recovery.models import Alert
from tracker.models import Exercise, PainLog, Workout


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")
    timezone = "UTC"


class PhysioFactory(UserFactory):
    username = factory.Sequence(lambda n: f"physio{n}")
    is_physio = True


class WorkoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workout

    owner = factory.SubFactory(UserFactory)
    # Yesterday in the owner's calendar (their time zone), as the app reckons days.
    performed_on = factory.LazyAttribute(lambda w: w.owner.local_today() - datetime.timedelta(days=1))
    title = "Leg day"
    intensity = 7


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    workout = factory.SubFactory(WorkoutFactory)
    position = factory.Sequence(lambda n: n)
    name = "Deadlift"
    load_kg = 100
    sets = 3
    reps = 5


class PainLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PainLog

    workout = factory.SubFactory(WorkoutFactory)
    logged_on = factory.LazyAttribute(lambda log: log.workout.performed_on)
    pain = 3


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alert

    workout = factory.SubFactory(WorkoutFactory)
    reason = Reason.RADIATING_PAIN.value
    level = Level.SEE_DOCTOR.value
    message = "Pain spreading into a leg should be checked by a doctor or physiotherapist."
