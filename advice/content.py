"""Every word the recovery plan and the prevention tips show the user, kept as data in one place.

The facts come from the clinic article in the project's seed; the sentences are our own
(tests/test_advice_plan.py checks that none is copied). Codes are stable: clients and
reminders refer to them, so reword freely but never rename a code.
"""

PLAN_STEPS = {
    "see_doctor_now": {
        "title": "Get emergency care now",
        "detail": (
            "Call your local emergency number or go straight to an emergency department. "
            "The signs you reported can come from a pressed nerve, which needs treatment within hours. "
            "Do not wait to see whether it settles, and do not train."
        ),
        "timing": "now",
    },
    "see_doctor": {
        "title": "Book a doctor or physiotherapist",
        "detail": (
            "Make an appointment with an orthopaedic doctor or a physiotherapist and tell them which workout "
            "set this off. Until they have checked your back, leave out heavier training and keep to gentle movement."
        ),
        "timing": "at the next appointment you can get",
    },
    "stop_training": {
        "title": "Stop all training for now",
        "detail": (
            "Pain of 7 or more means your back needs a break from every kind of workout, light sessions included. "
            "Start again only once the pain has clearly eased. Moving gently around the house is still fine."
        ),
        "timing": "until the pain eases",
    },
    "rest_from_training": {
        "title": "Skip hard sessions for three days",
        "detail": (
            "Keep the day of the workout and the two days after it free of heavy lifting and hard sessions. "
            "Sore muscles repair between sessions, and loading them again too soon slows that down. "
            "Everyday activity is fine."
        ),
        "timing": "the workout day and the two days after it",
    },
    "easy_walks": {
        "title": "Take short, easy walks",
        "detail": (
            "Walk at a relaxed pace for 10 to 15 minutes, two or three times a day. "
            "Moving stops your back from stiffening up. Slow down or stop if a walk makes the pain sharper."
        ),
        "timing": "a few times a day",
    },
    "cold_pack": {
        "title": "Cool the sore area",
        "detail": (
            "Wrap a cold pack or a bag of frozen peas in a thin towel and hold it on the sore spot for 15 to 20 "
            "minutes. Repeat every few hours on the first day to calm the inflammation. "
            "Never put ice straight onto bare skin."
        ),
        "timing": "the first 24 hours only",
    },
    "pain_relief": {
        "title": "Painkillers only short-term, and after advice",
        "detail": (
            "If you need something for the pain, first ask a pharmacist or your doctor which over-the-counter "
            "medicine suits you. Take it for a few days at most, and never to keep training through pain."
        ),
        "timing": "only if you need it",
    },
    "heat": {
        "title": "Swap the cold for warmth",
        "detail": (
            "From the day after the workout, use warmth instead of cold: a warm pack, a covered hot-water bottle "
            "or a warm shower, for 15 to 20 minutes a few times a day. It loosens tight muscles and brings more "
            "blood to them. Warm, never hot enough to redden the skin."
        ),
        "timing": "from the day after the workout",
    },
    "gentle_stretching": {
        "title": "Stretch gently",
        "detail": (
            "Stretch your hamstrings, hip flexors and lower back, holding each stretch for 20 to 30 seconds, "
            "two or three times a day. Go only as far as a mild pull, without bouncing, and stop at any sharp pain."
        ),
        "timing": "twice or three times a day",
    },
    "core_work": {
        "title": "Start gentle core work",
        "detail": (
            "Do 2 or 3 easy rounds of planks, glute bridges and bird dogs, holding or repeating each only while "
            "your form stays clean and painless. A stronger trunk steadies the spine and spares the lower back. "
            "Stop if the pain comes back."
        ),
        "timing": "once a day, from the third day after the workout",
    },
    "light_training": {
        "title": "Light training is fine",
        "detail": (
            "You can train lightly: well under your usual weights and effort, after a full warm-up. "
            "Leave out heavy lifts that load the spine, and stop if the pain climbs during or after the session."
        ),
        "timing": "from the third day after the workout",
    },
    "gradual_return": {
        "title": "Ease back into your usual training",
        "detail": (
            "Come back with lighter weights than before and add load a little at a time over the next sessions. "
            "Warm up for 5 to 10 minutes first, stretch as you cool down, and put clean technique ahead of "
            "heavier weights."
        ),
        "timing": "from the fourth day after the workout",
    },
}

# Said only when the reason for seeing someone is a sign that should not wait for a routine slot.
SEE_DOCTOR_SOON_TIMING = "within the next day or two"

# When a step of the usual course applies, for the days the user has not reached yet.
CONDITIONS = {
    "pain_at_most_2": "when your pain is 2 or less",
    "light_training": "when your pain is 2 or less, or 3 with no warning signs",
    "pain_above_2": "if your pain is still above 2",
    "pain_gone": "if your pain is gone",
    "pain_still_there": "if pain is still there",
}

TIPS = {
    "form_check": {
        "title": "Technique before weight",
        "detail": (
            "In lifts that load the spine, keep your back neutral rather than rounded, and pick a weight you can "
            "move cleanly on every rep. Ask a qualified coach or physiotherapist to watch your technique, in "
            "person or on video."
        ),
    },
    "progress_gradually": {
        "title": "Build up slowly",
        "detail": (
            "Raise weight, reps, session length or sessions per week in small steps, one thing at a time, so "
            "muscles and ligaments can adapt. Adding about a tenth at a time is a sensible ceiling."
        ),
    },
    "warm_up_cool_down": {
        "title": "Warm up first, stretch after",
        "detail": (
            "Spend 5 to 10 minutes warming up before you lift, for example easy cardio and a few light sets of "
            "your first exercise. Finish with some minutes of stretching so your muscles stay supple."
        ),
    },
    "core_and_posture": {
        "title": "Core strength and posture",
        "detail": (
            "Add planks, glute bridges and bird dogs to your week to build the muscles that hold your spine "
            "steady. Between sets and through the day, stand and sit tall instead of slumping."
        ),
    },
}

# The "because" line of each tip: which part of the user's own training it was drawn from.
BECAUSE = {
    "form_check": "you did {lifts}",
    "load_increase": "your {exercise} went from {before} to {after} kg",
    "weekly_jump": (
        "you trained {this_week} times in the 7 days up to this session, against {average} a week in the 4 weeks before"
    ),
    "weekly_jump_from_none": (
        "you trained {this_week} times in the 7 days up to this session, and not at all in the 4 weeks before"
    ),
    "no_warm_up": "you skipped the warm-up",
    "no_cool_down": "you skipped the cool-down stretch",
    "no_warm_up_or_cool_down": "you skipped both the warm-up and the cool-down stretch",
    "core_and_posture": "it helps every lifter",
}
