"""What recovery announces, for the apps that build on it (notifications), which it never imports.

Sent inside the transaction that makes the change, like tracker's signals, so what a receiver
writes in answer (notifications' rows for a new alert) commits or rolls back with it: there is
never a committed alert that no one was told about.
"""

import datetime
from typing import NamedTuple

from django.dispatch import Signal


class RaisedAlert(NamedTuple):
    """A new alert as announced: what its notifications say, with no read of it."""

    id: int
    owner_id: int  # the workout's owner: the patient
    performed_on: datetime.date  # the workout's date
    level: int
    reason: str
    message: str


# New alerts were recorded. kwargs: alerts ([RaisedAlert] of the rows just inserted). A sweep
# raises thousands a batch: handing them over as they were written spares each receiver
# reading them back.
alerts_raised = Signal()
