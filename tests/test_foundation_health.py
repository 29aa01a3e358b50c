import pytest
from django.db.utils import OperationalError

from config import health
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_both_ok(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "cache": "ok"}


def test_healthz_names_an_unreachable_broker(client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_healthz_names_a_failing_database(client, monkeypatch):
    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"database": "error: OperationalError", "broker": "ok", "cache": "ok"}


def test_healthz_is_not_cached(client):
    assert "no-cache" in client.get("/healthz/")["Cache-Control"]
