"""config.publish: tasks handed to the publisher thread; evaluations merged over a short linger."""

import threading
import time

from config import publish
from config.publish import LINGER_SECONDS, Publisher


class FakeTask:
    """Records each apply_async, with when it came."""

    def __init__(self, name):
        self.name = name
        self.calls = []
        self.published = threading.Event()

    def apply_async(self, args, **options):
        self.calls.append((args, time.monotonic()))
        self.published.set()


def test_submissions_within_the_linger_go_out_as_one_task_over_all_their_ids():
    publisher, task = Publisher(), FakeTask("evaluate")
    for ids in (["a", "b"], ["b", "c"], ["d"]):
        publisher.submit(task, (ids,), merge=True)
    assert publisher.flush()
    assert [args for args, _ in task.calls] == [(["a", "b", "c", "d"],)]


def test_a_merged_task_waits_the_linger_unless_a_flush_cuts_it_short():
    publisher, task = Publisher(), FakeTask("evaluate")
    started = time.monotonic()
    publisher.submit(task, (["a"],), merge=True)
    assert task.published.wait(5)
    assert task.calls[0][1] - started >= LINGER_SECONDS * 0.9

    publisher.submit(task, (["b"],), merge=True)
    flushed = time.monotonic()
    assert publisher.flush()
    assert time.monotonic() - flushed < LINGER_SECONDS / 2
    assert [args for args, _ in task.calls] == [(["a"],), (["b"],)]


def test_a_task_that_may_not_wait_goes_out_at_once_even_during_a_linger():
    publisher, merged, urgent = Publisher(), FakeTask("evaluate"), FakeTask("deliver")
    publisher.submit(merged, (["a"],), merge=True)
    started = time.monotonic()
    publisher.submit(urgent, ("n1",))
    assert urgent.published.wait(5)
    assert urgent.calls[0][1] - started < LINGER_SECONDS / 2
    assert publisher.flush()
    assert [args for args, _ in merged.calls] == [(["a"],)]


def test_ids_past_the_merged_maximum_go_out_in_several_tasks(monkeypatch):
    monkeypatch.setattr(publish, "MERGED_MAX", 2)
    publisher, task = Publisher(), FakeTask("evaluate")
    publisher.submit(task, (["a", "b", "c"],), merge=True)
    assert publisher.flush()
    assert [args for args, _ in task.calls] == [(["a", "b"],), (["c"],)]
