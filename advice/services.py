"""What the user does today: triage, plan and prevention, put together for the API.

The clinical decisions stay in the pure modules (recovery.rules, advice.plan,
advice.prevention); this module only reads rows, in a constant number of queries for any
number of workouts, and hands plain data to them.
"""

import datetime

from django.db.models import Q

from advice.plan import plan_days, plan_for
from advice.prevention import ExerciseFacts, SessionFacts, tips_for
from recovery.evaluation import recovery_states
from recovery.levels import Level
from tracker.access import owned_workouts
from tracker.models import Workout

# How far back prevention looks for a lift's previous session and the weekly trend.
PREVENTION_LOOKBACK = datetime.timedelta(days=120)
STATE_FIELDS = ("id", "owner_id", "performed_on", "episode_closed_on", "closed_by_user")


def _day(workout, today):
    return (today - workout.performed_on).days


def _todays_pain(state, day):
    return state["pains_by_day"].get(day, state["latest_pain"])


def prevention_tips(owner_id, workouts):
    """{workout id: [Tip]} from the user's own sessions around these workouts (2 queries)."""
    if not workouts:
        return {}
    sessions = (
        Workout.objects.filter(
            owner_id=owner_id,
            performed_on__gte=min(w.performed_on for w in workouts) - PREVENTION_LOOKBACK,
            performed_on__lte=max(w.performed_on for w in workouts),
        )
        .only("id", "performed_on", "warmed_up", "cooled_down")
        .prefetch_related("exercises")
    )
    facts = {
        s.pk: SessionFacts(
            performed_on=s.performed_on,
            exercises=tuple(ExerciseFacts(e.name, e.load_kg) for e in s.exercises.all()),
            warmed_up=s.warmed_up,
            cooled_down=s.cooled_down,
        )
        for s in sessions
    }
    return {w.pk: tips_for(facts[w.pk], [session for pk, session in facts.items() if pk != w.pk]) for w in workouts}


def recovery_entries(owner_id, workouts, today):
    """The recovery view of each workout: where it stands, today's plan, prevention tips."""
    workouts = list(workouts)
    states = recovery_states(workouts)
    tips = prevention_tips(owner_id, workouts)
    entries = []
    for w in workouts:
        state, day = states[w.pk], _day(w, today)
        steps = plan_for(max(day, 0), _todays_pain(state, max(day, 0)), state["level"], state["reasons"])
        entries.append(
            {
                "workout": w.pk,
                "performed_on": w.performed_on,
                "day": day,
                **{key: state[key] for key in ("level", "reasons", "message", "open")},
                "episode_opened_on": state["episode_opened_on"],
                "episode_closed_on": state["episode_closed_on"],
                "plan": {"day": day, "steps": [step.to_dict() for step in steps]},
                "prevention": [tip.to_dict() for tip in tips[w.pk]],
            }
        )
    return entries


def recovery_entry(workout, today):
    return recovery_entries(workout.owner_id, [workout], today)[0]


def whole_plan(workout, today):
    """Days 0-7: logged pain up to today, the usual course (with conditions) after it."""
    state = recovery_states([workout])[workout.pk]
    return plan_days(
        _day(workout, today), state["latest_pain"], state["level"], state["reasons"], pains_by_day=state["pains_by_day"]
    )


def open_episodes_today(user, today):
    """One entry per open episode of the user, most urgent first."""
    candidates = (
        owned_workouts(user)
        .filter(episode_closed_on__isnull=True)
        # Open as last evaluated, or changed since (the worker may not have run yet).
        .filter(Q(episode_opened_on__isnull=False) | Q(evaluation_due_at__isnull=False))
        .only(*STATE_FIELDS)
    )
    entries = [entry for entry in recovery_entries(user.pk, candidates, today) if entry["open"]]
    return sorted(entries, key=lambda e: (-Level.from_code(e["level"]), -e["performed_on"].toordinal()))
