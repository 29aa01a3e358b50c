"""GET /healthz/: does the database answer, does the broker answer?"""

import logging
import os

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

log = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker():
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        # The file-system transport "connects" without touching the disk: prove its
        # queue folder can take a message.
        folder = conn.transport_options.get("data_folder_out")
        if folder and not os.access(folder, os.W_OK):
            raise OSError(f"broker folder {folder} is not writable")


CHECKS = {"database": check_database, "broker": check_broker}


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
