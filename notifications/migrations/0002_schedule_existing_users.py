"""Give every user who signed up before notifications existed their first reminder slot."""

import zoneinfo

from django.db import migrations
from django.utils import timezone

from notifications.schedule import QuietHours, next_reminder


def schedule_existing_users(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    ReminderSchedule = apps.get_model("notifications", "ReminderSchedule")
    now = timezone.now()
    users = User.objects.values_list("pk", "timezone", "reminder_time", "quiet_hours_start", "quiet_hours_end")
    ReminderSchedule.objects.bulk_create(
        [
            ReminderSchedule(
                user_id=pk, next_reminder_at=next_reminder(now, zoneinfo.ZoneInfo(tz), at, QuietHours.of(start, end))
            )
            for pk, tz, at, start, end in users.iterator()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(schedule_existing_users, migrations.RunPython.noop)]
