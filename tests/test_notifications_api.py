"""The push and feed endpoints for each persona: the owner, another user, no one; bad bodies are
400s that name the field and store nothing."""

import pytest

from notifications.models import Notification, PushSubscription
from tests.factories import UserFactory
from tests.notification_helpers import raise_alert, subscribe

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/push/subscriptions/"


@pytest.fixture
def browser(push):
    return push.subscribe()


def test_the_public_key_is_served_to_a_signed_in_user_only(api, anon_api, push, vapid_pair):
    assert api.get("/api/v1/push/key/").json() == {"public_key": vapid_pair.public_key}
    assert anon_api.get("/api/v1/push/key/").status_code == 401


def test_with_web_push_off_the_key_and_subscribing_say_so(api, settings, browser):
    settings.WEB_PUSH = False
    response = api.get("/api/v1/push/key/")
    assert response.status_code == 503
    assert "Web Push is off" in response.json()["detail"]
    assert api.post(SUBSCRIPTIONS, browser.to_json(), format="json").status_code == 503
    assert not PushSubscription.objects.exists()


def test_subscribing_stores_the_browsers_subscription(api, patient, browser):
    response = api.post(SUBSCRIPTIONS, browser.to_json(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["endpoint"] == browser.endpoint
    stored = PushSubscription.objects.get()
    assert (stored.user, stored.endpoint, stored.p256dh) == (patient, browser.endpoint, browser.p256dh)


def test_subscribing_again_with_the_same_endpoint_replaces_the_row(api, other_api, other_patient, push, browser):
    assert api.post(SUBSCRIPTIONS, browser.to_json(), format="json").status_code == 201
    renewed = {**browser.to_json(), "keys": push.subscribe().to_json()["keys"]}
    assert api.post(SUBSCRIPTIONS, renewed, format="json").status_code == 201
    assert PushSubscription.objects.get().p256dh == renewed["keys"]["p256dh"]
    # The browser signed in as someone else: the endpoint is theirs now.
    assert other_api.post(SUBSCRIPTIONS, renewed, format="json").status_code == 201
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [other_patient.pk]


def test_subscribing_needs_credentials(anon_api, browser):
    assert anon_api.post(SUBSCRIPTIONS, browser.to_json(), format="json").status_code == 401
    assert not PushSubscription.objects.exists()


def point_not_on_the_curve():
    return "BA" + "A" * 85  # 0x04 followed by 64 zero bytes


BAD_BODIES = [
    ("missing endpoint", lambda b: {"keys": b["keys"]}, "endpoint"),
    ("endpoint not a string", lambda b: {**b, "endpoint": 42}, "endpoint"),
    ("plain http", lambda b: {**b, "endpoint": b["endpoint"].replace("https:", "http:")}, "endpoint"),
    ("unknown host", lambda b: {**b, "endpoint": "https://push.attacker.example/x"}, "endpoint"),
    (
        "a real service not allowed here",
        lambda b: {**b, "endpoint": "https://fcm.googleapis.com/fcm/send/x"},
        "endpoint",
    ),
    ("user info", lambda b: {**b, "endpoint": b["endpoint"].replace("https://", "https://me@")}, "endpoint"),
    ("bad port", lambda b: {**b, "endpoint": "https://127.0.0.1:99999/push/x"}, "endpoint"),
    ("missing keys", lambda b: {"endpoint": b["endpoint"]}, "keys"),
    ("p256dh not base64", lambda b: {**b, "keys": {**b["keys"], "p256dh": "not*base64"}}, "keys"),
    ("p256dh too short", lambda b: {**b, "keys": {**b["keys"], "p256dh": b["keys"]["p256dh"][:40]}}, "keys"),
    ("p256dh off the curve", lambda b: {**b, "keys": {**b["keys"], "p256dh": point_not_on_the_curve()}}, "keys"),
    ("auth of 15 bytes", lambda b: {**b, "keys": {**b["keys"], "auth": "AAAAAAAAAAAAAAAAAAAA"}}, "keys"),
    ("unknown field", lambda b: {**b, "pushy": True}, "pushy"),
    ("unknown key field", lambda b: {**b, "keys": {**b["keys"], "extra": "x"}}, "keys"),
    ("not an object", lambda b: [b], "non_field_errors"),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD_BODIES, ids=[case for case, _, _ in BAD_BODIES])
def test_a_bad_subscription_is_a_400_naming_the_field_and_stores_nothing(api, browser, case, change, field):
    response = api.post(SUBSCRIPTIONS, change(browser.to_json()), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not PushSubscription.objects.exists()


def test_unsubscribing_deletes_only_the_callers_own(api, other_api, anon_api, patient, other_patient, push):
    mine, theirs = push.subscribe(), push.subscribe()
    subscribe(patient, mine), subscribe(other_patient, theirs)
    assert api.delete(SUBSCRIPTIONS, {"endpoint": theirs.endpoint}, format="json").status_code == 404
    assert anon_api.delete(SUBSCRIPTIONS, {"endpoint": mine.endpoint}, format="json").status_code == 401
    assert api.delete(SUBSCRIPTIONS, {"endpoint": 7}, format="json").status_code == 400
    assert PushSubscription.objects.count() == 2
    assert api.delete(SUBSCRIPTIONS, {"endpoint": mine.endpoint}, format="json").status_code == 204
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [other_patient.pk]
    assert api.delete(SUBSCRIPTIONS, {"endpoint": mine.endpoint}, format="json").status_code == 404


def test_the_feed_shows_the_callers_notifications_newest_first_with_the_unread_count(api, patient, other_patient):
    first, second = raise_alert(patient, "radiating_pain"), raise_alert(patient, "cauda_equina")
    raise_alert(other_patient, "sharp_pain")
    Notification.objects.filter(alert=first).update(read_at="2026-11-25T12:00:00Z")
    body = api.get("/api/v1/notifications/").json()
    assert (body["count"], body["unread"]) == (2, 1)
    assert [item["alert"] for item in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["title"] == "Get emergency care now"
    assert set(body["results"][0]) == {
        "id",
        "kind",
        "title",
        "body",
        "url",
        "urgency",
        "alert",
        "created_at",
        "read_at",
    }


def test_the_feed_needs_credentials(anon_api):
    assert anon_api.get("/api/v1/notifications/").status_code == 401


def test_the_feed_pages_with_a_constant_number_of_queries(api, patient, django_assert_max_num_queries):
    for reason in ("radiating_pain", "cauda_equina", "sharp_pain", "numbness_tingling", "worse_at_rest"):
        raise_alert(patient, reason)
    with django_assert_max_num_queries(5):
        body = api.get("/api/v1/notifications/?page_size=2").json()
    assert (body["count"], body["unread"], len(body["results"])) == (5, 5, 2)


def test_reading_one_marks_it_and_keeps_the_first_time(api, other_api, anon_api, patient):
    notification = Notification.objects.get(alert=raise_alert(patient))
    url = f"/api/v1/notifications/{notification.pk}/read/"
    assert other_api.post(url).status_code == 404
    assert anon_api.post(url).status_code == 401
    notification.refresh_from_db()
    assert notification.read_at is None
    first = api.post(url).json()["read_at"]
    assert first is not None
    assert api.post(url).json()["read_at"] == first
    assert api.post("/api/v1/notifications/999999/read/").status_code == 404


def test_read_all_marks_only_the_callers(api, anon_api, patient, other_patient):
    raise_alert(patient, "radiating_pain"), raise_alert(patient, "cauda_equina")
    raise_alert(other_patient, "sharp_pain")
    assert anon_api.post("/api/v1/notifications/read-all/").status_code == 401
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2, "unread": 0}
    assert Notification.objects.filter(read_at=None).get().recipient == other_patient
    assert api.get("/api/v1/notifications/").json()["unread"] == 0


def test_a_users_notifications_go_with_their_account(api, patient):
    raise_alert(patient)
    UserFactory(username="someone_else")
    assert api.delete("/api/v1/me/").status_code == 204
    assert not Notification.objects.exists()
