"""Publish Celery tasks from a request without ever waiting on the broker.

A request that saved data answers at once; its tasks are handed to one background thread
per process, which publishes them with a short, bounded retry. When Redis is down or
stalled the thread gives up and logs, and nothing is lost: the database already says
what is due (recovery's evaluation_due_at, ...), and the periodic sweeps find it.
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


class Publisher:
    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._queue = None

    def submit(self, task, args):
        """Queue `task.apply_async(args)`; never blocks, never raises."""
        pending = self._start()
        try:
            pending.put_nowait((task, args))
        except queue.Full:
            log.warning("publish backlog full: %s%s left to the periodic sweep", task.name, args)

    def flush(self, timeout=10.0):
        """Wait until every task submitted so far was published or given up (tests, shutdown)."""
        if self._queue is None or self._pid != os.getpid():
            return True
        done = threading.Event()
        self._queue.put((None, done))
        return done.wait(timeout)

    def _start(self):
        # Once per process: a forked child (gunicorn, prefork) starts its own thread.
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._queue = queue.Queue(BACKLOG)
                    threading.Thread(target=self._run, args=(self._queue,), name="publisher", daemon=True).start()
                    self._pid = os.getpid()
        return self._queue

    @staticmethod
    def _run(pending):
        while True:
            task, args = pending.get()
            if task is None:
                args.set()  # a flush marker
                continue
            try:
                task.apply_async(args, retry=True, retry_policy=RETRY_POLICY)
            except Exception as exc:  # the broker's failure is never the user's: the sweep catches up
                log.warning("could not publish %s%s (%s: %s); the sweep will catch up", task.name, args,
                            type(exc).__name__, exc)  # fmt: skip


publisher = Publisher()
