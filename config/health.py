"""GET /healthz/: do the database, the broker and the cache answer, quickly?

Each check is a real round trip with a short timeout, so a stalled (not just a dead)
service shows as an error within a second or so, and the page itself never hangs.
"""

import logging
import os
import uuid

import redis
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis.backoff import NoBackoff
from redis.retry import Retry

from config.celery import app as celery_app

log = logging.getLogger(__name__)

# The checks' own Redis connection: short timeouts and one try, whatever the workers use.
REDIS_CHECK_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": Retry(NoBackoff(), 0)}


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker():
    url = celery_app.conf.broker_url
    if url.startswith("redis"):
        # A round trip (PING), which a stalled server does not answer in time.
        with redis.Redis.from_url(url, **REDIS_CHECK_OPTIONS) as client:
            client.ping()
        return
    # The file-system transport: prove its queue folder can take a message.
    folder = celery_app.conf.broker_transport_options.get("data_folder_out")
    if not folder or not os.access(folder, os.W_OK):
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
