"""What recovery announces, for the apps that build on it (notifications), which it never imports.

Sent inside the transaction that makes the change, like tracker's signals, so what a receiver
writes in answer (notifications' rows for a new alert) commits or rolls back with it: there is
never a committed alert that no one was told about.
"""

from django.dispatch import Signal

# New alerts were recorded. kwargs: alert_ids (the ids of the rows just inserted).
alerts_raised = Signal()
