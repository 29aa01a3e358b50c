"""`make demo`'s second half: fill demo_physio's dashboard (tracker's load_demo knows nothing of clinic).

Links demo_physio to every demo patient, dates each demo log as saved at 20:00 on its own day
in the patient's zone (so "not logging" shows where it should), and runs the red-flag job on
their workouts now, so the dashboard's stored levels are there without a worker running.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from clinic.models import CareLink, ClinicalNote
from recovery.evaluation import evaluate_workouts
from tracker.models import PainLog, Workout


class Command(BaseCommand):
    help = "Link demo_physio to the demo patients (run after load_demo) and evaluate their workouts."

    @transaction.atomic
    def handle(self, *args, **options):
        physio = User.objects.filter(username="demo_physio", is_physio=True).first()
        if physio is None:
            raise CommandError("No demo_physio: run `manage.py load_demo` first.")
        patients = list(User.objects.filter(username__startswith="demo_", is_physio=False).order_by("username"))
        CareLink.objects.filter(physio=physio).delete()
        CareLink.objects.bulk_create([CareLink(physio=physio, patient=p) for p in patients])
        logs = list(PainLog.objects.filter(workout__owner__in=patients).select_related("workout__owner"))
        for log in logs:
            saved = datetime.datetime.combine(log.logged_on, datetime.time(20), log.workout.owner.tzinfo)
            log.created_at = log.updated_at = min(saved, datetime.datetime.now(datetime.UTC))
        PainLog.objects.bulk_update(logs, ["created_at", "updated_at"])
        evaluate_workouts(list(Workout.objects.filter(owner__in=patients).values_list("pk", flat=True)))
        jordan = next((p for p in patients if p.username == "demo_jordan"), None)
        if jordan:
            ClinicalNote.objects.create(
                patient=jordan,
                author=physio,
                author_name=physio.username,
                text="Squat PR attempt. Leg symptoms since day 1: book an assessment this week.",
            )
        self.stdout.write(
            self.style.SUCCESS(f"demo_physio is linked to {len(patients)} demo patients: sign in at /clinic/.")
        )
