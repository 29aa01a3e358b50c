"""Date arithmetic that cannot overflow: a day shifted past the calendar's ends stops there.

The API bounds the dates it accepts (tracker.models.EARLIEST_DATE), but a row written
before the bound existed, or by a script, must not make every triage of its user fail.
"""

import datetime


def shift(day, days):
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min
