import datetime
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone, such as Europe/Berlin or America/New_York.")


class User(AbstractUser):
    """A person who trains, or a physiotherapist; the profile lives on the user row."""

    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="IANA time zone; 'today' is the user's local date in it.",
    )
    reminder_time = models.TimeField(default=datetime.time(20, 0), help_text="Local time of the daily log reminder.")
    quiet_hours_start = models.TimeField(null=True, blank=True, help_text="No reminders from this local time ...")
    quiet_hours_end = models.TimeField(null=True, blank=True, help_text="... until this one (may wrap past midnight).")
    is_physio = models.BooleanField(default=False, help_text="A physiotherapist: may be linked to patients.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                    | models.Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False)
                ),
                name="user_quiet_hours_both_or_neither",
            ),
        ]

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)

    def local_today(self, now=None):
        """The user's calendar date right now, in their own time zone."""
        return timezone.localtime(now or timezone.now(), self.tzinfo).date()
