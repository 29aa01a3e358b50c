"""What each notification says, and how a push service should treat it. Plain data.

Push bodies stay short (a phone shows two lines); the feed keeps the whole text. Every push
carries a TTL (a push service drops a message with TTL 0 when the phone is offline), an
Urgency (RFC 8030) and a Topic: a newer message of the same topic replaces one the service
still holds, so a phone that was offline gets today's log reminder, not a stack of them.
"""

from advice.content import PLAN_STEPS
from notifications.models import Kind, Urgency
from recovery.levels import Level

HOUR = 3600

# Alerts: by level. Caution (pain of 7 or more: stop training) wakes no one.
ALERT_TITLES = {
    Level.EMERGENCY: "Get emergency care now",
    Level.SEE_DOCTOR: "Have your back checked",
    Level.CAUTION: "Stop training until the pain eases",
}
ALERT_URGENCY = {Level.EMERGENCY: Urgency.HIGH, Level.SEE_DOCTOR: Urgency.NORMAL, Level.CAUTION: Urgency.LOW}
# An alert is worth delivering for two days to a phone that was off; a reminder only for its day.
TTL = {
    Kind.ALERT: 2 * 24 * HOUR,
    Kind.LOG_REMINDER: 6 * HOUR,
    Kind.HEAT_REMINDER: 12 * HOUR,
    Kind.CORE_REMINDER: 12 * HOUR,
}
TOPIC = {Kind.LOG_REMINDER: "log-reminder", Kind.HEAT_REMINDER: "heat-reminder", Kind.CORE_REMINDER: "core-reminder"}
PUSH_BODY_MAX = 240


def topic(notification):
    """At most 32 characters of URL-safe base64 (RFC 8030): each alert its own, a reminder its kind's."""
    return f"alert-{notification.alert_id}" if notification.kind == Kind.ALERT else TOPIC[notification.kind]


def short(text, limit=PUSH_BODY_MAX):
    """The text cut at a word before `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def alert(level, message):
    """(title, body, urgency) of an alert's notification."""
    level = Level(level)
    return ALERT_TITLES[level], message, ALERT_URGENCY[level]


def log_reminder(today, unlogged_workout_on):
    """(title, body): after a workout with no log yet, name it ("after Tuesday's session")."""
    if unlogged_workout_on is None:
        return "How is your back today?", "Log today's pain: it takes under 20 seconds and keeps your plan right."
    when = "today's session" if unlogged_workout_on == today else f"{unlogged_workout_on:%A}'s session"
    return f"How is your back after {when}?", "Log how it feels: it takes under 20 seconds."


def heat_reminder():
    step = PLAN_STEPS["heat"]
    return "Time to switch from cold to heat", short(step["detail"])


def core_reminder():
    step = PLAN_STEPS["core_work"]
    return "Your pain allows gentle core work", short(step["detail"])


def workout_url(workout_id):
    return f"/?workout={workout_id}"


def alert_url(alert_id):
    return f"/?alert={alert_id}"
