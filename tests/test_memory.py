"""config.memory: a batch job's collector pace, raised while it runs and restored after."""

import gc
import threading

import pytest

from config.memory import YOUNG, fewer_collections


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


@pytest.mark.usefixtures("thresholds")
def test_the_youngest_generation_waits_for_more_objects_inside_and_the_old_pace_returns_after():
    with fewer_collections():
        assert gc.get_threshold() == (YOUNG, 10, 10)
        garbage = []
        garbage.append(garbage)  # a cycle: still collectable on demand
        del garbage
        assert gc.collect() >= 1
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.usefixtures("thresholds")
def test_nested_uses_restore_the_pace_only_when_the_last_ends_even_on_an_error():
    with pytest.raises(RuntimeError), fewer_collections():
        with fewer_collections():
            assert gc.get_threshold()[0] == YOUNG
        assert gc.get_threshold()[0] == YOUNG
        raise RuntimeError("the job failed")
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.usefixtures("thresholds")
def test_concurrent_jobs_in_threads_keep_it_raised_until_both_end():
    inside, release = threading.Event(), threading.Event()

    def job():
        with fewer_collections():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=job)
    thread.start()
    assert inside.wait(5)
    with fewer_collections():
        pass
    assert gc.get_threshold()[0] == YOUNG  # the thread's job still runs
    release.set()
    thread.join(5)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_process_that_turned_collection_off_by_threshold_keeps_it_off():
    saved = gc.get_threshold()
    gc.set_threshold(0)
    try:
        with fewer_collections():
            assert gc.get_threshold()[0] == 0
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*saved)
