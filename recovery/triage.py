"""Triage of one workout, as the log PUT returns it."""

from recovery.levels import Level


def triage_workout(workout):
    """{level, reasons, message} for the workout.

    The red-flag rules are not wired in yet: every workout is `ok`.
    """
    return {"level": Level.OK.code, "reasons": [], "message": ""}
