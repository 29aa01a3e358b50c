"""The Celery worker's health check: a real task through this worker's own queue.

`celery inspect ping` is answered by the worker's control thread even when it consumes no
task at all; this sends `rebound.ping` to the worker's direct queue (CELERY_WORKER_DIRECT)
and waits for "pong", so it fails when the worker has stopped taking work.

    python -m config.worker_health [celery@HOSTNAME] [--timeout SECONDS]

Exits 0 when the worker answered in time, 1 otherwise (with one line saying why).
"""

import argparse
import socket
import sys

from celery.utils import worker_direct

from config.celery import ping
from config.env import load_settings_or_exit


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("worker", nargs="?", default=f"celery@{socket.gethostname()}")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args(argv)
    load_settings_or_exit()
    try:
        result = ping.apply_async(queue=worker_direct(args.worker), expires=args.timeout)
        answer = result.get(timeout=args.timeout)
    except Exception as exc:
        print(
            f"{args.worker}: no answer to a real task in {args.timeout:.0f} s ({type(exc).__name__})", file=sys.stderr
        )
        return 1
    if answer != "pong":
        print(f"{args.worker}: answered {answer!r}", file=sys.stderr)
        return 1
    print(f"{args.worker}: pong")
    return 0


if __name__ == "__main__":
    sys.exit(main())
