import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from recovery.evaluation import run_sweep
from recovery.models import Recovery


class Command(BaseCommand):
    help = "Evaluate every workout whose logs changed since its last evaluation, now (what the periodic task does)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        show_bar = sys.stderr.isatty() and options["verbosity"] > 0
        total = Recovery.objects.filter(evaluation_due_at__isnull=False).count() if show_bar else None
        with tqdm(total=total, desc="Evaluating", unit="workout", disable=not show_bar) as bar:
            evaluated, raised = run_sweep(batch_size=batch_size, progress=bar.update)
        self.stdout.write(f"{evaluated} workouts evaluated, {raised} new alerts.")
