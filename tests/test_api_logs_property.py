"""Property: whatever JSON a client sends to the log endpoint, the server never answers 5xx,
and a 400 leaves the database exactly as it was."""

import datetime
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from recovery.models import Recovery
from tests.factories import WorkoutFactory
from tracker.api.serializers import SIGN_FIELDS, PainLogSerializer, validated_log_fields
from tracker.models import Location, PainLog, Quality, Workout

pytestmark = pytest.mark.django_db

FIELDS = ["pain", "locations", "quality", "notes", *SIGN_FIELDS]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)
plausible_values = {
    "pain": st.integers(-3, 13) | json_values,
    "locations": st.lists(st.sampled_from(["lower_back", "leg", "neck", "knee", ""]), max_size=4) | json_values,
    "quality": st.sampled_from(["ache", "stiffness", "sharp", "shooting", "burning", ""]) | json_values,
    "notes": st.text(max_size=50) | st.just("x" * 2001) | json_values,
    **{name: st.booleans() | json_values for name in SIGN_FIELDS},
}
log_bodies = st.fixed_dictionaries({}, optional=plausible_values) | st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=10), json_values, max_size=6
)
any_json = log_bodies | json_values
days = st.dates(datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)).map(str) | st.sampled_from(
    ["2026-02-30", "2026-13-01", "0000-00-00", "today", "2026-1-1"]
)


def snapshot():
    return (
        list(PainLog.objects.order_by("id").values()),
        list(Workout.objects.order_by("id").values("id", "updated_at")),
        list(Recovery.objects.order_by("pk").values()),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=any_json, day=days)
def test_no_json_body_causes_a_server_error_and_400_changes_nothing(api, patient, body, day):
    workout = Workout.objects.filter(owner=patient).first() or WorkoutFactory(
        owner=patient, performed_on=patient.local_today() - datetime.timedelta(days=3)
    )
    before = snapshot()
    response = api.put(f"/api/v1/workouts/{workout.pk}/logs/{day}/", json.dumps(body), content_type="application/json")
    assert response.status_code < 500, response.content
    assert response.status_code in {200, 201, 400}, response.content
    if response.status_code == 400:
        assert snapshot() == before
        assert isinstance(response.json(), dict) and response.json()


def serializer_answer(body):
    serializer = PainLogSerializer(data=body)
    if serializer.is_valid():
        return "valid", serializer.validated_fields()
    return "invalid", serializer.errors


def fast_path_answer(body):
    try:
        return "valid", validated_log_fields(body)
    except ValidationError as exc:
        return "invalid", exc.detail


phone_bodies = st.fixed_dictionaries(
    {"pain": st.integers(0, 10)},
    optional={
        "locations": st.lists(st.sampled_from(Location.values), max_size=6),
        "quality": st.sampled_from([*Quality.values, "", None]),
        "notes": st.text(max_size=40) | st.just(" padded ") | st.just("x" * 2000) | st.just("x" * 2001),
        **{name: st.booleans() for name in SIGN_FIELDS},
    },
)


@settings(max_examples=500, deadline=None)
@given(body=any_json | phone_bodies)
def test_the_log_bodys_fast_path_answers_exactly_as_the_serializer(body):
    """validated_log_fields reads a well-formed body without the serializer: the same fields
    for every body, and the same errors for every bad one."""
    assert fast_path_answer(body) == serializer_answer(body)
