"""Publish Celery tasks from a request without ever waiting on the broker.

A request that saved data answers at once; its tasks are handed to one background thread
per process, which publishes them with a short, bounded retry. When Redis is down or
stalled the thread gives up and logs, and nothing is lost: the database already says
what is due (recovery's evaluation_due_at, ...), and the periodic sweeps find it.

A broker publish costs more CPU than the rest of a log PUT's triage (bench/api_log.py), so
tasks submitted with `merge=True` (one argument: a list of ids) are gathered for up to
LINGER_SECONDS and published as one task over all their ids: under load, one publish
serves many requests; alone, a task waits LINGER_SECONDS more.
"""

import logging
import os
import queue
import threading

log = logging.getLogger(__name__)

# One quick retry, then leave it to the sweep.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Past this many waiting, new tasks are dropped (and logged): the sweep has them anyway.
BACKLOG = 10_000
# 0.2 s: a gunicorn process taking 60 log PUTs a second publishes about once per dozen of them
# (at 0.05 s, once per four: a publish was a tenth of a PUT's CPU, bench/api_log.py); an
# emergency's evaluation starts at most 0.2 s later.
LINGER_SECONDS = 0.2
MERGED_MAX = 500  # ids in one merged task


class Publisher:
    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._queue = None
        self._hurry = None  # set: stop lingering (a flush, a task that may not wait)

    def submit(self, task, args, merge=False):
        """Queue `task.apply_async(args)`; never blocks, never raises. With `merge`, args is
        (list of ids,) and the task may be published with other submissions' ids too."""
        pending = self._start()
        try:
            pending.put_nowait((task, args, merge))
        except queue.Full:
            log.warning("publish backlog full: %s%s left to the periodic sweep", task.name, args)
        if not merge:
            self._hurry.set()

    def flush(self, timeout=10.0):
        """Wait until every task submitted so far was published or given up (tests, shutdown)."""
        if self._queue is None or self._pid != os.getpid():
            return True
        done = threading.Event()
        self._queue.put((None, done, False))
        self._hurry.set()
        return done.wait(timeout)

    def _start(self):
        # Once per process: a forked child (gunicorn, prefork) starts its own thread.
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._queue, self._hurry = queue.Queue(BACKLOG), threading.Event()
                    threading.Thread(
                        target=self._run, args=(self._queue, self._hurry), name="publisher", daemon=True
                    ).start()
                    self._pid = os.getpid()
        return self._queue

    @classmethod
    def _run(cls, pending, hurry):
        while True:
            batch = cls._gather(pending, hurry)
            merged = {}  # task: {id: None}
            for task, args, merge in batch:
                if task is not None and merge:
                    merged.setdefault(task, {}).update(dict.fromkeys(args[0]))
                elif task is not None:
                    cls._publish(task, args)
            for task, ids in merged.items():
                ids = list(ids)
                for start in range(0, len(ids), MERGED_MAX):
                    cls._publish(task, (ids[start : start + MERGED_MAX],))
            for task, done, _ in batch:
                if task is None:
                    done.set()  # a flush marker: everything submitted before it is handled

    @staticmethod
    def _gather(pending, hurry):
        """The next submission, and those arriving within LINGER_SECONDS if it may be merged
        (a flush or a task that may not wait ends the wait early).

        It sleeps through the linger and then takes what came: waking for each submission (a
        log PUT's) cost the request threads a switch of the GIL apiece."""
        batch = [pending.get()]
        task, _, merge = batch[0]
        if task is not None and merge:
            hurry.wait(LINGER_SECONDS)
        hurry.clear()
        while True:
            try:
                batch.append(pending.get_nowait())
            except queue.Empty:
                return batch

    @staticmethod
    def _publish(task, args):
        try:
            task.apply_async(args, retry=True, retry_policy=RETRY_POLICY)
        except Exception as exc:  # the broker's failure is never the user's: the sweep catches up
            log.warning("could not publish %s%s (%s: %s); the sweep will catch up", task.name, args,
                        type(exc).__name__, exc)  # fmt: skip


publisher = Publisher()
