"""The recovery resource: where each workout stands, today's plan and prevention tips.

The clinical decisions stay in the pure modules (recovery.rules, advice.plan,
advice.prevention); this module reads rows, in a constant number of queries for any
number of workouts, and hands plain data to them. Every answer is assessed from the logs
as saved (recovery.evaluation.assess), never from the worker's stored copy.
"""

from django.db.models import Q

from advice.plan import plan_days, plan_for
from advice.prevention import ExerciseFacts, SessionFacts, tips_for
from config.dates import shift
from recovery.evaluation import assess, assessable
from recovery.levels import Level
from tracker.access import owned_workouts
from tracker.models import Workout

# How far back prevention looks for a lift's previous session and the weekly trend.
PREVENTION_LOOKBACK_DAYS = 120
PLAN_DAYS = range(0, 8)


def _day(workout, today):
    return (today - workout.performed_on).days


def prevention_tips(owner_id, workouts):
    """{workout id: [Tip]} from the user's own sessions around these workouts (2 queries)."""
    if not workouts:
        return {}
    sessions = (
        Workout.objects.filter(
            owner_id=owner_id,
            performed_on__gte=shift(min(w.performed_on for w in workouts), -PREVENTION_LOOKBACK_DAYS),
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


def user_workout(user, workout_id):
    """One of the user's workouts, ready to assess; None if it is not theirs."""
    return assessable(owned_workouts(user)).filter(pk=workout_id).first()


def recoveries(owner_id, workouts, today):
    """The recovery resource of each of the owner's workouts (rows from `assessable`)."""
    workouts = list(workouts)
    assessments = assess(workouts)
    tips = prevention_tips(owner_id, workouts)
    resources = []
    for w in workouts:
        a, day = assessments[w.pk], _day(w, today)
        view = a.today_view(max(day, 0))
        steps = plan_for(max(day, 0), view.pain, view.level, [reason.value for reason in view.reasons])
        opened_on, closed_on = a.episode
        resources.append(
            {
                "workout": w.pk,
                "performed_on": w.performed_on,
                "day": day,
                **a.triage,
                "open": a.open,
                "episode_opened_on": opened_on,
                "episode_closed_on": closed_on,
                "plan": {"day": day, "steps": [step.to_dict() for step in steps]},
                "prevention": [tip.to_dict() for tip in tips[w.pk]],
            }
        )
    return resources


def todays_recoveries(user, today):
    """The recovery resource of every open episode of the user, most urgent first.

    Candidates are the episodes open when last evaluated and every workout whose logs
    changed since (due): a log that opens or reopens one is saved together with its due
    flag, so nothing open is missed while the worker has not run. Each is then assessed
    from its logs.
    """
    stored_open = Q(recovery__opened_on__isnull=False, recovery__closed_on__isnull=True)
    candidates = assessable(owned_workouts(user).filter(stored_open | Q(recovery__evaluation_due_at__isnull=False)))
    open_ones = [r for r in recoveries(user.pk, candidates, today) if r["open"]]
    return sorted(open_ones, key=lambda r: (-Level.from_code(r["level"]), -r["performed_on"].toordinal()))


def whole_plan(workout, today):
    """Days 0-7: each past day as it stood then, today as it stands, the usual course after."""
    a = assess([workout])[workout.pk]
    today_day = max(_day(workout, today), 0)
    past = {day: a.day_view(day) for day in PLAN_DAYS if day < today_day}
    return plan_days(today_day, a.today_view(today_day), past, PLAN_DAYS)
