"""Reading recovery's stored rows in tests."""

from recovery.models import Recovery


def stored(workout):
    """The workout's Recovery row as stored now, or None before its logs ever changed."""
    return Recovery.objects.filter(pk=workout.pk).first()


def due_at(workout):
    """When the workout was flagged for evaluation, or None if it is not due."""
    row = stored(workout)
    return row.evaluation_due_at if row else None
