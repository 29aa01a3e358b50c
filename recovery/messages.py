"""What each warning sign tells the user: the sign, who should assess it, and how soon.

Plain words; the app triages, it never diagnoses.
"""

from recovery.levels import Reason
from recovery.rules import ordered

WHO = "an orthopaedic doctor or a physiotherapist"
SOON = "within the next day or two"
NEXT = "at the next appointment you can get"

MESSAGES = {
    Reason.CAUDA_EQUINA: (
        "Get emergency care now: call your local emergency number or go to an emergency department. "
        "New trouble controlling your bladder or bowel, numbness around the groin, leg weakness that is "
        "getting worse, or symptoms in both legs can mean a pressed nerve that needs treatment within hours."
    ),
    Reason.WORSE_AT_REST: (
        f"Your pain is worse when you rest. Workout soreness eases with rest, so have this checked by {WHO} {SOON}."
    ),
    Reason.NUMBNESS_TINGLING: (
        f"You reported numbness or tingling, which can mean a nerve is irritated. See {WHO} {SOON}."
    ),
    Reason.WORSENING_PAIN: (
        f"Your pain has gone up by 2 points or more since your last log, when it should be settling. See {WHO} {SOON}."
    ),
    Reason.PERSISTENT_PAIN: (
        f"Your back still hurts more than three days after the workout; ordinary soreness is usually gone "
        f"by then. Have it checked by {WHO} {NEXT}."
    ),
    Reason.RADIATING_PAIN: (
        f"Pain spreading into your buttock or down a leg can come from an irritated nerve. "
        f"Have it checked by {WHO} {NEXT}."
    ),
    Reason.LIMITED_MOVEMENT: (
        f"Being so stiff or sore that you can hardly stand straight, bend or walk is more than ordinary "
        f"soreness. Have it checked by {WHO} {NEXT}."
    ),
    Reason.SHARP_PAIN: (
        f"Sharp or shooting pain can come from a muscle spasm, a ligament or a disc. Have it assessed by {WHO} {NEXT}."
    ),
    Reason.RECURRING_PAIN: (
        f"This is at least the third workout in 30 days that left you with pain of 5 or more. "
        f"Have your back and your training looked at by {WHO} {NEXT}."
    ),
    Reason.SEVERE_PAIN: (
        "Your pain is 7 or more: stop all training until it clearly eases, and keep to gentle movement."
    ),
}
OK_MESSAGE = "No warning signs in your logs. Keep to today's plan and log again tomorrow."

assert set(MESSAGES) == set(Reason), "every reason needs a message"


def message_for(reason):
    return MESSAGES[Reason(reason)]


def triage_message(reasons, open_alert_reasons=()):
    """One text for the current reasons and the unresolved alerts, most urgent first.

    The level is the highest of the same reasons (rules.level_for), so the first sentence
    always speaks of it: at emergency, "get emergency care now", whichever log raised it.
    A sign edited out of the logs keeps speaking until a person resolves its alert.
    """
    signs = ordered({Reason(reason) for reason in (*reasons, *open_alert_reasons)})
    if not signs:
        return OK_MESSAGE
    return " ".join(MESSAGES[reason] for reason in signs)
