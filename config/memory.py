"""The cyclic garbage collector's pace during a batch job.

CPython collects its youngest generation every 700 new container objects (tuples, lists,
dicts, instances) and, every so often, traverses every object the process holds. A batch
job creates objects by the million that reference counting frees anyway (a sweep's logs,
one tuple each, and what the rules build from them), so the collector ran thousands of
times per run, and each batch's rows, still alive when it ran, were promoted to the older
generations and traversed again there: a quarter of a re-evaluation's time
(bench/sweep.py). Within `fewer_collections` the youngest generation is collected every
`YOUNG` new objects instead, more than one batch creates; cyclic garbage still goes,
a little later.

The thresholds are the process's: a job in a thread of a busy process slows no other
thread, it only lets their garbage wait as long. Nested or concurrent uses keep the raised
threshold until the last one ends, then the thresholds in force before the first return.
"""

import contextlib
import gc
import threading

YOUNG = 100_000

_lock = threading.Lock()
_depth = 0
_saved = None


@contextlib.contextmanager
def fewer_collections():
    """Collect the youngest generation every YOUNG new objects, not 700, while the block runs."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            if _saved[0]:  # 0: collection is off by threshold; leave it so
                gc.set_threshold(max(YOUNG, _saved[0]), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
                _saved = None
