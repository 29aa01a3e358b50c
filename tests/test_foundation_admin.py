"""Staff can browse every model in the admin."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.urls import reverse

from clinic.models import AccessLogEntry
from notifications.models import Delivery, Notification, PushSubscription, ReminderSchedule
from recovery.models import Recovery
from tests.factories import AlertFactory, ExerciseFactory, PainLogFactory, UserFactory

pytestmark = pytest.mark.django_db
# Rows only the system writes: recovery's results, notifications' deliveries, the clinic's access
# log (evidence of who read what), django-axes' records.
READ_ONLY = {
    AccessLogEntry,
    Recovery,
    Notification,
    Delivery,
    PushSubscription,
    ReminderSchedule,
    AccessAttempt,
    AccessLog,
    AccessFailureLog,
}


@pytest.fixture
def staff_client(client):
    user = UserFactory(username="staff", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", [m for m in admin.site._registry], ids=lambda m: m._meta.label)
def test_admin_changelist_and_add_pages_render(staff_client, model):
    log = PainLogFactory()
    ExerciseFactory(workout=log.workout)
    AlertFactory(workout=log.workout)
    opts = model._meta
    assert staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    add = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # A model only the system writes (recovery's stored results, deliveries) is read-only for staff too.
    assert add.status_code == (200 if model not in READ_ONLY else 403)
    obj = model.objects.first()
    if obj is not None:
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert staff_client.get(change_url).status_code == 200


def test_app_models_are_registered():
    labels = {m._meta.label for m in admin.site._registry}
    assert {"accounts.User", "tracker.Workout", "tracker.PainLog", "recovery.Alert", "recovery.Recovery"} <= labels
