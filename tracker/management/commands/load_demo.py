from django.core.management.base import BaseCommand
from tqdm import tqdm

from tracker.demo import DEMO_PASSWORD, PATIENTS, demo_steps


class Command(BaseCommand):
    help = "Load the demo data set (replaces earlier demo data): a physiotherapist and patients covering every rule."

    def handle(self, *args, **options):
        steps = list(demo_steps())
        with tqdm(steps, desc="Loading demo", unit="step", disable=options["verbosity"] == 0) as bar:
            for label, step in bar:
                bar.set_postfix_str(label)
                step()
        self.stdout.write(self.style.SUCCESS(f"Demo loaded. Every demo account's password is {DEMO_PASSWORD!r}:"))
        self.stdout.write("  demo_physio: physiotherapist")
        for patient in PATIENTS:
            self.stdout.write(f"  {patient.username}: {patient.story}")
