"""Triage in the save response, alerts recorded once, the sweep, episodes, propagation."""

import datetime
import gc
import threading

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.memory import YOUNG
from recovery import evaluation
from recovery.evaluation import Assessment, evaluate_workouts, run_sweep
from recovery.levels import Level
from recovery.models import Alert, Recovery
from recovery.tasks import sweep
from tests.conftest import NOW, TODAY, other_sessions_on_the_test_database
from tests.factories import PainLogFactory, UserFactory, WorkoutFactory
from tests.recovery_helpers import due_at, stored

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def workout(patient):
    return WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=4))


def put(api, workout, day, **body):
    url = f"/api/v1/workouts/{workout.pk}/logs/{workout.performed_on + datetime.timedelta(days=day)}/"
    return api.put(url, {"pain": 0, **body}, format="json")


def test_the_put_answers_an_emergency_with_no_worker(api, workout):
    triage = put(api, workout, 1, pain=6, both_legs=True, saddle_numbness=True).json()["triage"]
    assert triage["level"] == "emergency"
    assert triage["reasons"] == ["cauda_equina"]
    assert triage["message"].startswith("Get emergency care now")


def test_the_put_names_each_sign_who_and_how_soon(api, workout):
    triage = put(api, workout, 1, pain=4, worse_at_rest=True, quality="sharp").json()["triage"]
    assert triage["level"] == "see_doctor"
    assert triage["reasons"] == ["worse_at_rest", "sharp_pain"]
    assert "worse when you rest" in triage["message"] and "within the next day or two" in triage["message"]
    assert "Sharp or shooting" in triage["message"] and "next appointment" in triage["message"]
    assert "orthopaedic doctor or a physiotherapist" in triage["message"]


def test_severe_pain_says_stop_training(api, workout):
    triage = put(api, workout, 0, pain=7).json()["triage"]
    assert (triage["level"], triage["reasons"]) == ("caution", ["severe_pain"])
    assert "stop all training" in triage["message"]


def test_evaluation_records_one_alert_per_reason_however_often_it_runs(api, workout):
    put(api, workout, 1, pain=7, radiates_to_legs=True)
    for _ in range(3):
        evaluate_workouts([workout.pk])
        sweep()
    assert sorted(Alert.objects.values_list("reason", "level")) == [
        ("radiating_pain", Level.SEE_DOCTOR),
        ("severe_pain", Level.CAUTION),
    ]
    alert = Alert.objects.get(reason="radiating_pain")
    assert "leg" in alert.message


def test_an_edit_that_removes_a_sign_keeps_the_alert_and_the_level(api, workout):
    put(api, workout, 1, pain=3, numbness_tingling=True)
    evaluate_workouts([workout.pk])
    triage = put(api, workout, 1, pain=3).json()["triage"]  # the sign is edited away
    evaluate_workouts([workout.pk])
    assert Alert.objects.filter(reason="numbness_tingling", resolved_at=None).count() == 1
    assert triage["level"] == "see_doctor" and triage["reasons"] == []
    assert triage["message"].startswith("You reported numbness or tingling")
    assert stored(workout).level == Level.SEE_DOCTOR
    Alert.objects.update(resolved_at=NOW)
    assert put(api, workout, 1, pain=3).json()["triage"]["level"] == "ok"


def test_evaluation_stores_results_and_the_episode(api, workout):
    put(api, workout, 0, pain=4)
    put(api, workout, 1, pain=2)
    put(api, workout, 2, pain=0)
    put(api, workout, 3, pain=0)
    evaluate_workouts([workout.pk])
    row = stored(workout)
    assert row.evaluation_due_at is None
    assert (row.level, row.reasons, row.peak_pain, row.last_pain) == (0, [], 4, 0)
    assert row.opened_on == workout.performed_on
    assert row.closed_on == workout.performed_on + datetime.timedelta(days=3)


def test_a_log_saved_during_evaluation_leaves_the_workout_due(api, workout, monkeypatch):
    put(api, workout, 0, pain=4)
    real_assess = evaluation.assess

    def assess_then_a_log_arrives(workouts, *args):
        assessed = real_assess(workouts, *args)  # the evaluation has read the logs ...
        with time_machine.travel(NOW + datetime.timedelta(seconds=5), tick=False):
            assert put(api, workout, 1, pain=8).status_code == 201  # ... when another request saves one
        return assessed

    monkeypatch.setattr(evaluation, "assess", assess_then_a_log_arrives)
    evaluate_workouts([workout.pk])
    monkeypatch.setattr(evaluation, "assess", real_assess)
    assert due_at(workout) is not None, "its results are stale: still due"
    assert stored(workout).evaluated_at is None, "nothing stale was stored"
    assert not Alert.objects.filter(reason="severe_pain").exists()

    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        run_sweep()  # the next run sees the new log
    assert due_at(workout) is None
    assert Alert.objects.filter(workout=workout, reason="severe_pain").exists()
    assert stored(workout).peak_pain == 8


def test_a_re_evaluation_that_finds_the_same_writes_no_results_and_sends_no_alert(api, workout):
    put(api, workout, 1, pain=7, radiates_to_legs=True)
    evaluate_workouts([workout.pk])
    before = stored(workout)
    Alert.objects.filter(reason="severe_pain").update(resolved_at=NOW)  # one open, one resolved
    later = NOW + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        Recovery.objects.filter(workout=workout).update(evaluation_due_at=later)  # due again, logs as they were
        with CaptureQueriesContext(connection) as queries:
            assert evaluate_workouts([workout.pk]) == []
    statements = [" ".join(q["sql"].split()) for q in queries.captured_queries]
    assert not [sql for sql in statements if "INSERT INTO" in sql], "every reason it raises has its alert"
    (write,) = [sql for sql in statements if 'UPDATE "recovery_recovery"' in sql]
    assert '"level"' not in write and '"reasons"' not in write, "its results hold: only the flag and the time"
    after = stored(workout)
    assert after.evaluation_due_at is None and after.evaluated_at == later
    fields = ("level", "reasons", "peak_pain", "last_log_on", "last_pain", "opened_on", "closed_on")
    assert [getattr(after, f) for f in fields] == [getattr(before, f) for f in fields]
    assert Alert.objects.filter(reason="severe_pain", resolved_at=NOW).exists(), "a resolved alert stays resolved"


def test_a_re_evaluation_that_finds_the_same_leaves_a_workout_logged_meanwhile_due(api, workout, monkeypatch):
    put(api, workout, 0, pain=4)
    evaluate_workouts([workout.pk])
    Recovery.objects.filter(workout=workout).update(evaluation_due_at=NOW)
    real_assess = evaluation.assess

    def assess_then_a_log_arrives(workouts, *args):
        assessed = real_assess(workouts, *args)
        with time_machine.travel(NOW + datetime.timedelta(seconds=5), tick=False):
            assert put(api, workout, 1, pain=8).status_code == 201
        return assessed

    monkeypatch.setattr(evaluation, "assess", assess_then_a_log_arrives)
    evaluate_workouts([workout.pk])  # finds what it found before, from the logs it read
    monkeypatch.setattr(evaluation, "assess", real_assess)
    assert due_at(workout) is not None, "the new log is still to be evaluated"
    evaluate_workouts([workout.pk])
    assert stored(workout).peak_pain == 8


def test_a_workout_with_many_alerts_is_read_once_with_each_alerts_state(api, workout):
    put(api, workout, 1, pain=7, radiates_to_legs=True, numbness_tingling=True, worse_at_rest=True)
    evaluate_workouts([workout.pk])
    Alert.objects.filter(reason__in=["severe_pain", "worse_at_rest"]).update(resolved_at=NOW)
    (swept,), _, open_reasons, _ = evaluation.read_for_evaluation([workout.pk])
    assert {r.value for r in swept.alerted} == {"severe_pain", "worse_at_rest", "radiating_pain", "numbness_tingling"}
    assert {r.value for r in open_reasons[workout.pk]} == {"radiating_pain", "numbness_tingling"}
    assert swept.stored == tuple(getattr(stored(workout), f) for f in evaluation.STORED_FIELDS)


@pytest.mark.parametrize(("days_before", "counted"), [(29, True), (30, False)])
def test_the_put_triage_counts_other_painful_workouts_of_the_30_days_up_to_the_workout(
    api, patient, days_before, counted
):
    workout = WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=2))
    for before in (3, days_before):  # the other painful workouts, read with the workout itself
        other = WorkoutFactory(owner=patient, performed_on=workout.performed_on - datetime.timedelta(days=before))
        PainLogFactory(workout=other, logged_on=other.performed_on, pain=6)
    stranger = UserFactory()
    for before in (1, 4):  # another user's painful workouts: never counted
        theirs = WorkoutFactory(owner=stranger, performed_on=workout.performed_on - datetime.timedelta(days=before))
        PainLogFactory(workout=theirs, logged_on=theirs.performed_on, pain=8)
    triage = put(api, workout, 0, pain=5).json()["triage"]
    assert ("recurring_pain" in triage["reasons"]) is counted
    assert "recurring_pain" not in put(api, workout, 0, pain=4).json()["triage"]["reasons"], "only a painful one"


def test_the_put_triage_counts_other_painful_workouts_when_another_day_of_the_workout_hurt(api, patient):
    # The new log is mild, but the workout's peak pain (another day's log) is 5 or more.
    workout = WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=2))
    for before in (0, 5):  # a painful workout the same day counts too
        other = WorkoutFactory(owner=patient, performed_on=workout.performed_on - datetime.timedelta(days=before))
        PainLogFactory(workout=other, logged_on=other.performed_on + datetime.timedelta(days=1), pain=7)
    PainLogFactory(workout=workout, logged_on=workout.performed_on, pain=6)
    assert "recurring_pain" in put(api, workout, 1, pain=2).json()["triage"]["reasons"]
    # Replaced by a mild one, the painful day no longer counts.
    assert "recurring_pain" not in put(api, workout, 0, pain=3).json()["triage"]["reasons"]


def test_the_puts_read_finds_nothing_of_another_users_workout(patient, other_patient):
    theirs = WorkoutFactory(owner=other_patient, performed_on=TODAY - datetime.timedelta(days=3))
    PainLogFactory(workout=theirs, logged_on=theirs.performed_on, pain=6)
    assert evaluation.reading_for_a_log(patient, theirs.pk).rows() == []
    assert evaluation.found_for_a_log([]) is None


def test_recurring_pain_reaches_later_workouts_when_an_earlier_one_changes(api, patient):
    early, middle, late = (
        WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=n)) for n in (20, 10, 2)
    )
    for w in (middle, late):
        PainLogFactory(workout=w, logged_on=w.performed_on, pain=6)
    evaluate_workouts([middle.pk, late.pk])
    assert not Alert.objects.filter(reason="recurring_pain").exists()

    put(api, early, 0, pain=5)  # the third painful workout is an earlier one
    evaluate_workouts([early.pk])
    assert list(Alert.objects.filter(reason="recurring_pain").values_list("workout_id", flat=True)) == [late.pk]


def test_recurring_pain_counts_each_users_own_painful_workouts_in_one_evaluation_of_many(patient):
    # One evaluation over several users (a sweep's batch): each counts their own month only.
    other = UserFactory()

    def painful(owner, days_ago):
        w = WorkoutFactory(owner=owner, performed_on=TODAY - datetime.timedelta(days=days_ago))
        PainLogFactory(workout=w, logged_on=w.performed_on, pain=6)
        return w

    mine = [painful(patient, n) for n in (2, 9, 16)]  # three in a month: the latest recurs
    too_old = [painful(other, n) for n in (2, 9)] + [painful(other, 45)]  # the third is 43 days earlier
    evaluate_workouts([w.pk for w in (*mine, *too_old)])
    recurring = set(Alert.objects.filter(reason="recurring_pain").values_list("workout_id", flat=True))
    assert recurring == {mine[0].pk}


def test_the_ripple_re_evaluates_only_later_workouts_whose_answer_can_change(api, patient, monkeypatch):
    early, calm, painful, pending = (
        WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=n)) for n in (20, 10, 8, 2)
    )
    PainLogFactory(workout=calm, logged_on=calm.performed_on, pain=2)
    PainLogFactory(workout=painful, logged_on=painful.performed_on, pain=6)
    evaluate_workouts([calm.pk, painful.pk])
    PainLogFactory(workout=pending, logged_on=pending.performed_on, pain=1)  # due, not yet evaluated
    put(api, early, 0, pain=5)
    evaluated = []
    original = evaluation.assess
    monkeypatch.setattr(evaluation, "assess", lambda ws, *a: evaluated.append({w.pk for w in ws}) or original(ws, *a))
    evaluate_workouts([early.pk])
    # calm (evaluated, peak pain 2) cannot reach recurring_pain, whatever early's logs say.
    assert evaluated == [{early.pk}, {painful.pk, pending.pk}]


def test_a_sweep_evaluates_its_ripple_after_its_batches_once_each(api, patient, monkeypatch):
    first, second, middle, late = (
        WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=n)) for n in (15, 20, 10, 2)
    )
    for w in (middle, late):
        PainLogFactory(workout=w, logged_on=w.performed_on, pain=6)
    evaluate_workouts([middle.pk, late.pk])
    # Two due workouts turning painful, in two batches (first flagged first): each batch's
    # ripple holds middle and late.
    PainLogFactory(workout=first, logged_on=first.performed_on, pain=5)
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        PainLogFactory(workout=second, logged_on=second.performed_on, pain=5)
    evaluated = []
    original = evaluation.assess
    monkeypatch.setattr(evaluation, "assess", lambda ws, *a: evaluated.extend(w.pk for w in ws) or original(ws, *a))
    with time_machine.travel(NOW + datetime.timedelta(minutes=5)):
        assert run_sweep(batch_size=1) == (2, 2)  # recurring_pain for middle and late
    # Evaluated after each batch, middle and late were read twice; after the batches, once.
    assert evaluated[:2] == [first.pk, second.pk]
    assert evaluated.count(middle.pk) == evaluated.count(late.pk) == 1
    assert set(Alert.objects.filter(reason="recurring_pain").values_list("workout_id", flat=True)) == {
        middle.pk,
        late.pk,
    }
    assert [due_at(w) for w in (first, second, middle, late)] == [None] * 4


@pytest.mark.django_db(transaction=True)
def test_a_sweep_reads_its_next_batch_in_the_background_and_still_finds_what_it_would_one_by_one(monkeypatch):
    # Committed rows (no test transaction), as in a worker: on PostgreSQL the next batch is read
    # by another thread, on its own connection, while the current one is evaluated.
    patient = UserFactory(username="read_ahead")
    first, middle, late = (
        WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=n)) for n in (15, 10, 2)
    )
    for w in (middle, late):
        PainLogFactory(workout=w, logged_on=w.performed_on, pain=6)
    evaluate_workouts([middle.pk, late.pk])
    PainLogFactory(workout=first, logged_on=first.performed_on, pain=5)  # due first: its ripple is middle and late
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        # Due in a later batch, which may be read before the first batch's ripple flags it again.
        PainLogFactory(workout=late, logged_on=TODAY, pain=6)
        others = [
            WorkoutFactory(owner=UserFactory(), performed_on=TODAY - datetime.timedelta(days=6)) for _ in range(4)
        ]
        for w in others:
            PainLogFactory(workout=w, logged_on=TODAY, pain=2)  # persistent_pain
    readers = set()
    original = evaluation.read_due
    monkeypatch.setattr(evaluation, "read_due", lambda *a: readers.add(threading.current_thread().name) or original(*a))
    sessions_before = {pid for pid, *_ in other_sessions_on_the_test_database(wait=0)}
    with time_machine.travel(NOW + datetime.timedelta(minutes=5)):
        evaluated, raised = run_sweep(batch_size=1)
    # first's ripple flags late due again, after the run's cutoff: late is evaluated in the ripple,
    # and in a batch too when that batch was read before first's commit (then it stays due there).
    assert evaluated in (5, 6)
    assert raised == 5  # recurring_pain once, persistent_pain four times
    # late is the third painful workout of its month now; middle, with first only, is not.
    assert list(Alert.objects.filter(reason="recurring_pain").values_list("workout_id", flat=True)) == [late.pk]
    assert set(Alert.objects.filter(reason="persistent_pain").values_list("workout_id", flat=True)) == {
        w.pk for w in others
    }
    assert [due_at(w) for w in (first, middle, late, *others)] == [None] * 7
    assert stored(late).last_log_on == TODAY
    if connection.vendor == "postgresql":
        assert readers - {threading.current_thread().name}, "no batch was read in the background"
        # The reading thread's connection is closed with the sweep.
        assert {pid for pid, *_ in other_sessions_on_the_test_database(wait=0)} <= sessions_before
    else:
        assert readers == {threading.current_thread().name}


def test_moving_a_workout_re_evaluates_its_neighbours(api, patient):
    first, second, third = (
        WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=n)) for n in (40, 10, 2)
    )
    for w in (first, second, third):
        PainLogFactory(workout=w, logged_on=TODAY, pain=6)
    evaluate_workouts([first.pk, second.pk, third.pk])
    assert not Alert.objects.filter(reason="recurring_pain").exists()
    moved = {"performed_on": str(TODAY - datetime.timedelta(days=20))}
    response = api.patch(f"/api/v1/workouts/{first.pk}/", moved, format="json")
    assert response.status_code == 200
    run_sweep()
    assert Alert.objects.filter(reason="recurring_pain", workout=third).exists()


def test_the_sweep_catches_up_every_due_workout(patient):
    workouts = [WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=6)) for _ in range(3)]
    for w in workouts:
        PainLogFactory(workout=w, logged_on=TODAY, pain=2)  # day 6: persistent_pain
    evaluated, raised = run_sweep(batch_size=2)
    assert (evaluated, raised) == (3, 3)
    assert not Recovery.objects.filter(evaluation_due_at__isnull=False).exists()
    assert run_sweep() == (0, 0)


def test_the_sweep_evaluates_at_a_batch_jobs_collector_pace_and_restores_it(patient, monkeypatch):
    """config.memory: the sweep's objects die with their batch; collecting every 700 cost a quarter of it."""
    before = gc.get_threshold()
    seen = []
    real = evaluation._evaluate
    monkeypatch.setattr(evaluation, "_evaluate", lambda *args: seen.append(gc.get_threshold()[0]) or real(*args))
    workout = WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=6))
    PainLogFactory(workout=workout, logged_on=TODAY, pain=2)
    assert run_sweep() == (1, 1)
    assert seen and all(young >= YOUNG for young in seen)
    assert gc.get_threshold() == before


def make_due_workouts(n):
    for i in range(n):
        user = UserFactory(username=f"sweep{n}_{i}")
        w = WorkoutFactory(owner=user, performed_on=TODAY - datetime.timedelta(days=5))
        for day in range(4):
            PainLogFactory(workout=w, logged_on=w.performed_on + datetime.timedelta(days=day), pain=5 + day % 3)


def test_the_sweep_uses_a_constant_number_of_queries_per_batch():
    make_due_workouts(3)
    with CaptureQueriesContext(connection) as small:
        assert run_sweep(batch_size=100)[0] == 3
    make_due_workouts(40)
    with CaptureQueriesContext(connection) as large:
        assert run_sweep(batch_size=100)[0] == 40
    assert len(large) == len(small)
    assert len(small) <= 14


def test_one_bad_workout_does_not_block_the_sweep(patient, monkeypatch):
    good, bad = (WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=5)) for _ in range(2))
    PainLogFactory(workout=good, logged_on=TODAY, pain=3)
    PainLogFactory(workout=bad, logged_on=TODAY, pain=9)
    real = Assessment.reasons.func

    def reasons_unless_bad(assessment):
        if assessment.facts.peak_pain == 9:
            raise ValueError("corrupt row")
        return real(assessment)

    monkeypatch.setattr(Assessment, "reasons", property(reasons_unless_bad))
    assert run_sweep() == (2, 1)
    assert due_at(good) is None and due_at(bad) is not None
    assert Alert.objects.filter(workout=good, reason="persistent_pain").exists()


def test_recovery_sweep_command(patient, capsys):
    from django.core.management import call_command

    w = WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=1))
    PainLogFactory(workout=w, logged_on=TODAY, pain=8)
    call_command("recovery_sweep")
    assert "1 workouts evaluated, 1 new alerts." in capsys.readouterr().out


def test_the_put_triage_reads_the_other_days_logs(api, workout):
    put(api, workout, 1, pain=2)
    triage = put(api, workout, 4, pain=5).json()["triage"]
    assert triage["reasons"] == ["worsening_pain", "persistent_pain"]
    triage = put(api, workout, 1, pain=4).json()["triage"]  # replacing day 1 keeps day 4 in view
    assert triage["reasons"] == ["persistent_pain"]
