"""Triage levels and reason codes (product.md, "The flagging rules"). Plain Python, no ORM."""

from enum import IntEnum, StrEnum


class Level(IntEnum):
    """Ordered lowest to highest, so ``max()`` gives the more urgent level."""

    OK = 0
    CAUTION = 1
    SEE_DOCTOR = 2
    EMERGENCY = 3

    @property
    def code(self):
        return self.name.lower()

    @classmethod
    def from_code(cls, code):
        return cls[code.upper()]

    @classmethod
    def choices(cls):
        return [(level.value, level.code) for level in cls]


class Reason(StrEnum):
    PERSISTENT_PAIN = "persistent_pain"
    RADIATING_PAIN = "radiating_pain"
    NUMBNESS_TINGLING = "numbness_tingling"
    LIMITED_MOVEMENT = "limited_movement"
    WORSE_AT_REST = "worse_at_rest"
    SHARP_PAIN = "sharp_pain"
    WORSENING_PAIN = "worsening_pain"
    RECURRING_PAIN = "recurring_pain"
    SEVERE_PAIN = "severe_pain"
    CAUDA_EQUINA = "cauda_equina"

    @property
    def level(self):
        return REASON_LEVELS[self]

    @classmethod
    def choices(cls):
        return [(reason.value, reason.value) for reason in cls]


REASON_LEVELS = {
    Reason.PERSISTENT_PAIN: Level.SEE_DOCTOR,
    Reason.RADIATING_PAIN: Level.SEE_DOCTOR,
    Reason.NUMBNESS_TINGLING: Level.SEE_DOCTOR,
    Reason.LIMITED_MOVEMENT: Level.SEE_DOCTOR,
    Reason.WORSE_AT_REST: Level.SEE_DOCTOR,
    Reason.SHARP_PAIN: Level.SEE_DOCTOR,
    Reason.WORSENING_PAIN: Level.SEE_DOCTOR,
    Reason.RECURRING_PAIN: Level.SEE_DOCTOR,
    Reason.SEVERE_PAIN: Level.CAUTION,
    Reason.CAUDA_EQUINA: Level.EMERGENCY,
}

LEVEL_CODES = [level.code for level in Level]
REASON_CODES = [reason.value for reason in Reason]
