"""GET /healthz/: do the database, the broker and the cache answer, quickly?

Each check is a real round trip with a short timeout, so a stalled (not just a dead)
service shows as an error within a second or so, and the page itself never hangs.
"""

import logging
import os
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

log = logging.getLogger(__name__)

# The broker check's own connection: short timeouts, whatever the workers use.
BROKER_CHECK_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "max_retries": 0}


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker():
    with celery_app.connection_for_write(transport_options=BROKER_CHECK_OPTIONS) as conn:
        conn.ensure_connection(max_retries=1, timeout=1)
        client = getattr(conn.default_channel, "client", None)
        if client is not None:
            client.ping()  # Redis: a round trip, which a stalled server does not answer
        # The file-system transport "connects" without touching the disk: prove its
        # queue folder can take a message.
        folder = conn.transport_options.get("data_folder_out")
        if folder and not os.access(folder, os.W_OK):
            raise OSError(f"broker folder {folder} is not writable")


def check_cache():
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, timeout=5)
    if cache.get(key) != value:
        raise LookupError("the cache did not keep a value")
    cache.delete(key)


CHECKS = {"database": check_database, "broker": check_broker, "cache": check_cache}


@never_cache
@require_GET
def healthz(request):
    body, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            check()
            body[name] = "ok"
        except Exception as exc:  # any failure of a dependency is reported, not raised
            log.warning("health check %s failed: %s", name, exc)
            body[name] = f"error: {exc.__class__.__name__}"
            healthy = False
    return JsonResponse(body, status=200 if healthy else 503)
