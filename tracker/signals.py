"""What tracker announces about training data, for the apps that build on it.

Tracker knows nothing of what listens (recovery re-evaluates; later apps may remind).
Each signal is sent inside the transaction that makes the change, so a receiver that
writes to the database commits or rolls back with it.
"""

from django.dispatch import Signal

# The logs of these workouts were created, replaced or deleted. kwargs: workout_ids.
logs_changed = Signal()

# A workout's date changed (its day indexes with it). kwargs: workout, previous_date.
workout_moved = Signal()

# A workout and its logs are about to be deleted. kwargs: workout.
workout_deleting = Signal()
