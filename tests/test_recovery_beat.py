"""Celery beat runs the recovery sweep on its own: a real beat process, a real worker, no help.

The interval comes from RECOVERY_SWEEP_SECONDS (300 by default); these tests run beat with 1 s.
"""

import os
import re
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import ROOT, celery_process, celery_worker_args, delete_queue

# `celery beat` as the command line runs it, except that its messages go to the test's queue
# (beat has no -Q): `python -c BEAT <queue> beat <options>`.
BEAT = "import sys; from config.celery import app; app.conf.task_default_queue = sys.argv[1]; app.start(sys.argv[2:])"
SENT = "Scheduler: Sending due task recovery-sweep (recovery.sweep)"
SUCCEEDED = re.compile(r"Task recovery\.sweep\[[0-9a-f-]+\] succeeded in [0-9.]+s: \d+")
DISCARDED = re.compile(r"Discarding revoked task: recovery\.sweep\[[0-9a-f-]+\]")


def beat(queue, tmp_path):
    """A real `celery beat` sending the sweep every second to `queue`, its schedule under tmp_path."""
    args = ["-c", BEAT, queue, "beat", "--loglevel=INFO", "--max-interval=1",
            f"--schedule={tmp_path / 'celerybeat-schedule'}", f"--pidfile={tmp_path / 'beat.pid'}"]  # fmt: skip
    return celery_process(
        args, log_path=tmp_path / "beat.log", ready="beat: ready", env={"RECOVERY_SWEEP_SECONDS": "1"}
    )


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def logs(tmp_path):
    return "\n".join(f"{name}:\n{(tmp_path / name).read_text()}" for name in ("beat.log", "worker.log"))


@pytest.mark.worker
def test_beat_sends_the_sweep_every_interval_and_the_worker_runs_it(celery_worker_process, tmp_path):
    worker_log = celery_worker_process.log_path
    with beat(celery_worker_process.queue, tmp_path):
        # Nothing is published here: every sweep the worker runs was sent by beat.
        ran = wait_for(lambda: len(SUCCEEDED.findall(worker_log.read_text())) >= 2, timeout=20)
    assert ran, f"the worker did not run the scheduled sweep twice\n{logs(tmp_path)}"
    assert SENT in (tmp_path / "beat.log").read_text()


@pytest.mark.worker
def test_sweeps_sent_while_no_worker_ran_expire_instead_of_piling_up(transactional_db, tmp_path):
    queue = f"tests-beat-{uuid.uuid4().hex[:8]}"
    beat_log, worker_log = tmp_path / "beat.log", tmp_path / "worker.log"
    try:
        with beat(queue, tmp_path):
            assert wait_for(lambda: beat_log.read_text().count(SENT) >= 3, timeout=20), beat_log.read_text()
        sent = beat_log.read_text().count(SENT)
        time.sleep(1)  # now every one of them is more than an interval old
        with celery_process(celery_worker_args(queue), log_path=worker_log, ready="ready."):
            discarded = wait_for(lambda: len(DISCARDED.findall(worker_log.read_text())) == sent, timeout=20)
        assert discarded, f"{sent} sweeps were sent, the worker did not discard them all\n{logs(tmp_path)}"
        assert not SUCCEEDED.search(worker_log.read_text()), "a stale sweep ran"
    finally:
        delete_queue(queue)


@pytest.mark.parametrize("value", ["0", "-300", "five", "1.5", "300s"])
def test_a_bad_sweep_interval_refuses_to_start(value):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env={**os.environ, "RECOVERY_SWEEP_SECONDS": value}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "RECOVERY_SWEEP_SECONDS must be" in result.stderr


@pytest.mark.worker
def test_beat_says_ready_once_its_schedule_is_loaded_and_stops_cleanly_from_then_on(tmp_path):
    # The check script and the tests stop beat as soon as it is ready: a SIGTERM in the middle
    # of its start-up (after Celery's "beat: Starting") ended it with a traceback.
    queue = f"tests-beat-{uuid.uuid4().hex[:8]}"
    try:
        with beat(queue, tmp_path) as process:
            ready = next(line for line in (tmp_path / "beat.log").read_text().splitlines() if "beat: ready" in line)
        assert process.returncode == 0, (tmp_path / "beat.log").read_text()
        assert "Traceback" not in (tmp_path / "beat.log").read_text()
        # Ours, and Celery's celery.backend_cleanup where the result backend does not expire
        # results itself (the embedded file-system one).
        assert re.search(r"beat: ready, [34] periodic tasks \((celery\.backend_cleanup, )?"
                         r"notifications-sweep, recovery-sweep, reminders\)", ready), ready  # fmt: skip
        assert str(tmp_path / "celerybeat-schedule") in ready
    finally:
        delete_queue(queue)
