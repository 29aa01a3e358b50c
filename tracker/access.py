"""Who may see which training data: the one place a user's querysets are scoped."""

from tracker.models import Workout


def owned_workouts(user):
    return Workout.objects.filter(owner=user)
