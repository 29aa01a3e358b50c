"""When a notification may interrupt someone: local reminder slots and quiet hours. Pure.

Instants are UTC; reasoning is in the user's IANA zone. A local wall-clock time becomes an
instant with fold=0 and a trip through UTC, so a time that a daylight-saving change skips
(02:30 on the spring-forward night) lands just after the gap, and one that it repeats (01:30
on the fall-back night) is taken once, the first time. Slots are counted in local days, never
as "+24 hours", so a change of offset never skips or doubles one.
"""

import datetime
from dataclasses import dataclass

UTC = datetime.UTC


@dataclass(frozen=True)
class QuietHours:
    """No interruptions from `start` until `end`, local times; the span may cross midnight."""

    start: datetime.time
    end: datetime.time

    @classmethod
    def of(cls, start, end):
        """QuietHours, or None for a user who set none."""
        return cls(start, end) if start is not None and end is not None else None

    def contain(self, at):
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end


def instant(day, at, tz):
    """The UTC instant of local wall time `at` on `day` in `tz`."""
    return datetime.datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def in_quiet_hours(moment, tz, quiet):
    return quiet is not None and quiet.contain(moment.astimezone(tz).time())


def release(moment, tz, quiet):
    """`moment` if it falls outside the quiet hours, else the instant they end."""
    if not in_quiet_hours(moment, tz, quiet):
        return moment
    local = moment.astimezone(tz)
    ends_tomorrow = quiet.start > quiet.end and local.time() >= quiet.start
    return instant(local.date() + datetime.timedelta(days=int(ends_tomorrow)), quiet.end, tz)


def next_reminder(after, tz, reminder_time, quiet):
    """The first reminder slot strictly after `after`: the reminder time of a local day, moved to
    the end of the quiet hours when it falls inside them."""
    today = after.astimezone(tz).date()
    slot = release(instant(today, reminder_time, tz), tz, quiet)
    if slot > after:
        return slot
    # Tomorrow's slot starts in a later local day than `after`, so it is later.
    return release(instant(today + datetime.timedelta(days=1), reminder_time, tz), tz, quiet)
