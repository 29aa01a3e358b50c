"""The care-team API by persona: invitations, linking, revoking, the access log, resolving alerts."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from clinic.api.throttling import InvitationCodeThrottle
from clinic.models import AccessLogEntry, CareLink, Invitation
from clinic.services import create_invitation
from recovery.models import Alert
from tests import clinic_helpers
from tests.conftest import NOW, client_for
from tests.factories import AlertFactory, PhysioFactory, UserFactory, WorkoutFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
care_link, personas = clinic_helpers.care_link, clinic_helpers.personas
revoked_physio, unlinked_physio = clinic_helpers.revoked_physio, clinic_helpers.unlinked_physio

EVERYONE_BUT_THE_LINKED_PHYSIO = ["patient", "other_patient", "unlinked_physio", "revoked_physio"]


# -- create_physio -------------------------------------------------------------------------


def test_create_physio_makes_a_physiotherapist_who_can_sign_in():
    call_command("create_physio", "dr_who", "--password", "a long tardis password", "--email", "who@example.com")
    user = User.objects.get(username="dr_who")
    assert user.is_physio and user.email == "who@example.com" and user.check_password("a long tardis password")
    response = client_for(None).post(
        "/api/v1/auth/token/", {"username": "dr_who", "password": "a long tardis password"}, format="json"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("is_physio", [False, True])
def test_create_physio_refuses_an_existing_username_and_changes_nothing(is_physio):
    existing = UserFactory(username="sam", is_physio=is_physio)
    with pytest.raises(CommandError, match="'sam' already exists"):
        call_command("create_physio", "SAM", "--password", "a long tardis password")
    existing.refresh_from_db()
    assert existing.is_physio is is_physio
    assert existing.check_password("correct horse battery staple")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dr who", "--password", "a long tardis password"], "username:"),
        (["dr_who", "--password", "short"], "password:"),
        (["dr_who", "--password", "a long tardis password", "--email", "not-an-address"], "email:"),
        (["dr_who", "--password", "a long tardis password", "--timezone", "Mars/Olympus"], "timezone:"),
        (["dr_who"], "give --password"),
    ],
)
def test_create_physio_explains_what_is_wrong_and_stores_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_physio", *args)
    assert not User.objects.filter(is_physio=True).exists()


# -- invitations ---------------------------------------------------------------------------


def test_a_physio_makes_a_single_use_code_valid_for_seven_days(physio):
    response = client_for(physio).post("/api/v1/clinic/invitations/")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"code", "expires_at"} and len(body["code"]) == 8
    assert datetime.datetime.fromisoformat(body["expires_at"]) == NOW + datetime.timedelta(days=7)
    assert Invitation.objects.get(code=body["code"]).physio == physio


def test_codes_differ_and_avoid_look_alike_characters(physio):
    codes = {create_invitation(physio).code for _ in range(50)}
    assert len(codes) == 50
    assert not set("".join(codes)) & set("01ILO")


@pytest.mark.parametrize("who", ["patient", "other_patient"])
def test_a_non_physio_gets_404_from_invitations(personas, who):
    assert personas[who].post("/api/v1/clinic/invitations/").status_code == 404
    assert not Invitation.objects.exists()


def test_anonymous_gets_401_from_invitations(personas):
    assert personas["anonymous"].post("/api/v1/clinic/invitations/").status_code == 401


# -- linking -------------------------------------------------------------------------------


def test_a_patient_links_a_physio_with_a_code(patient, physio):
    code = create_invitation(physio).code
    response = client_for(patient).post("/api/v1/care-team/", {"code": code}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["physio"] == "dr_carol" and body["active"] is True
    link = CareLink.objects.get(pk=body["id"])
    assert (link.physio, link.patient, link.invitation.code) == (physio, patient, code)
    invitation = Invitation.objects.get(code=code)
    assert invitation.accepted_by == patient and invitation.accepted_at == NOW


def test_a_code_is_read_as_people_type_it(patient, physio):
    code = create_invitation(physio).code
    typed = f" {code[:4].lower()}-{code[4:].lower()} "
    assert client_for(patient).post("/api/v1/care-team/", {"code": typed}, format="json").status_code == 201


def test_replaying_the_same_code_finds_the_same_link(patient, physio):
    code = create_invitation(physio).code
    api = client_for(patient)
    first = api.post("/api/v1/care-team/", {"code": code}, format="json")
    again = api.post("/api/v1/care-team/", {"code": code}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert CareLink.objects.count() == 1


def test_another_code_of_a_physio_already_linked_answers_the_link_and_stays_unused(patient, physio, care_link):
    code = create_invitation(physio).code
    response = client_for(patient).post("/api/v1/care-team/", {"code": code}, format="json")
    assert response.status_code == 200 and response.json()["id"] == care_link.pk
    assert Invitation.objects.get(code=code).accepted_at is None


def _expired(physio):
    return Invitation.objects.create(
        physio=physio, created_at=NOW - datetime.timedelta(days=8), expires_at=NOW - datetime.timedelta(days=1)
    ).code


def _used(physio):
    code = create_invitation(physio).code
    client_for(UserFactory(username="zoe")).post("/api/v1/care-team/", {"code": code}, format="json")
    return code


@pytest.mark.parametrize(
    "make_code",
    [_expired, _used, lambda physio: "ZZZZZZZZ", lambda physio: create_invitation(UserFactory(username="fake")).code],
    ids=["expired", "used", "unknown", "made_by_a_non_physio"],
)
def test_a_code_that_is_not_valid_is_a_400_naming_code(patient, physio, make_code):
    code = make_code(physio)
    links = CareLink.objects.count()
    response = client_for(patient).post("/api/v1/care-team/", {"code": code}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["code"]
    assert CareLink.objects.count() == links
    assert not CareLink.objects.filter(patient=patient).exists()


def test_a_physio_cannot_link_to_themselves(physio):
    code = create_invitation(physio).code
    response = client_for(physio).post("/api/v1/care-team/", {"code": code}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["code"]
    assert Invitation.objects.get(code=code).accepted_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "code"), ({"code": 12345678}, "code"), ({"code": None}, "code"), ({"code": "x" * 33}, "code"),
     ({"code": "ABCDEFGH", "physio": 1}, "physio")],
)  # fmt: skip
def test_bad_input_to_care_team_is_a_400_naming_the_field(api, body, field):
    response = api.post("/api/v1/care-team/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not CareLink.objects.exists()


def test_entering_codes_is_throttled_per_user(api, other_api, monkeypatch):
    monkeypatch.setattr(InvitationCodeThrottle, "THROTTLE_RATES", {"invitation_code": "2/min"})
    statuses = [api.post("/api/v1/care-team/", {"code": "ZZZZZZZZ"}, format="json").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert int(api.post("/api/v1/care-team/", {"code": "ZZZZZZZZ"}, format="json")["Retry-After"]) > 0
    assert api.get("/api/v1/care-team/").status_code == 200  # the list is not counted
    assert other_api.post("/api/v1/care-team/", {"code": "ZZZZZZZZ"}, format="json").status_code == 400


def test_anonymous_cannot_use_the_care_team(personas, care_link):
    anonymous = personas["anonymous"]
    assert anonymous.get("/api/v1/care-team/").status_code == 401
    assert anonymous.post("/api/v1/care-team/", {"code": "ZZZZZZZZ"}, format="json").status_code == 401
    assert anonymous.delete(f"/api/v1/care-team/{care_link.pk}/").status_code == 401


# -- the care team list and revoking -------------------------------------------------------


def test_the_patient_lists_active_and_revoked_links(personas, care_link):
    body = personas["patient"].get("/api/v1/care-team/").json()
    assert body["count"] == 2
    by_physio = {row["physio"]: row for row in body["results"]}
    assert by_physio["dr_carol"]["active"] is True and by_physio["dr_carol"]["revoked_at"] is None
    assert by_physio["dr_eve"]["active"] is False and by_physio["dr_eve"]["revoked_at"] is not None


@pytest.mark.parametrize("who", ["other_patient", "linked_physio", "unlinked_physio"])
def test_no_one_else_sees_or_revokes_the_patients_links(personas, care_link, who):
    assert personas[who].get("/api/v1/care-team/").json()["count"] == 0
    assert personas[who].delete(f"/api/v1/care-team/{care_link.pk}/").status_code == 404
    care_link.refresh_from_db()
    assert care_link.revoked_at is None


def test_revoking_cuts_the_physios_access_in_the_next_request(personas, patient, care_link):
    alert = AlertFactory(workout=WorkoutFactory(owner=patient))
    physio = personas["linked_physio"]
    resolve = f"/api/v1/clinic/alerts/{alert.pk}/resolve/"
    assert physio.post(resolve, {}, format="json").status_code == 200
    assert personas["patient"].delete(f"/api/v1/care-team/{care_link.pk}/").status_code == 204
    care_link.refresh_from_db()
    assert care_link.revoked_at == NOW
    assert physio.post(resolve, {}, format="json").status_code == 404
    # Revoking again is harmless and keeps the first time.
    assert personas["patient"].delete(f"/api/v1/care-team/{care_link.pk}/").status_code == 204
    care_link.refresh_from_db()
    assert care_link.revoked_at == NOW


def test_a_revoked_physio_can_be_linked_again_with_a_new_code(patient, revoked_physio):
    code = create_invitation(revoked_physio).code
    assert client_for(patient).post("/api/v1/care-team/", {"code": code}, format="json").status_code == 201
    assert CareLink.objects.filter(patient=patient, physio=revoked_physio).count() == 2


# -- resolving alerts ----------------------------------------------------------------------


@pytest.fixture
def alert(patient):
    return AlertFactory(workout=WorkoutFactory(owner=patient))


def test_the_linked_physio_resolves_an_alert_with_a_note(personas, alert, patient):
    url = f"/api/v1/clinic/alerts/{alert.pk}/resolve/"
    response = personas["linked_physio"].post(url, {"note": "Seen in clinic; nerve glide exercises."}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["resolved_by"] == "dr_carol" and body["resolution_note"] == "Seen in clinic; nerve glide exercises."
    alert.refresh_from_db()
    assert alert.resolved_at == NOW and alert.resolved_by.username == "dr_carol"
    entry = AccessLogEntry.objects.get()
    assert (entry.patient, entry.physio_username, entry.path) == (patient, "dr_carol", url)


def test_resolving_again_keeps_the_first_resolution(personas, alert):
    url = f"/api/v1/clinic/alerts/{alert.pk}/resolve/"
    first = personas["linked_physio"].post(url, {"note": "first"}, format="json").json()
    again = personas["linked_physio"].post(url, {"note": "second"}, format="json")
    assert again.status_code == 200
    assert again.json()["resolution_note"] == "first" and again.json()["resolved_at"] == first["resolved_at"]


@pytest.mark.parametrize("who", EVERYONE_BUT_THE_LINKED_PHYSIO)
def test_no_one_else_resolves_the_alert(personas, alert, who):
    response = personas[who].post(f"/api/v1/clinic/alerts/{alert.pk}/resolve/", {}, format="json")
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.resolved_at is None
    assert not AccessLogEntry.objects.exists()


def test_anonymous_cannot_resolve(personas, alert):
    response = personas["anonymous"].post(f"/api/v1/clinic/alerts/{alert.pk}/resolve/", {}, format="json")
    assert response.status_code == 401


def test_an_alert_of_an_unlinked_patient_or_none_at_all_is_a_404(personas, other_patient):
    other = AlertFactory(workout=WorkoutFactory(owner=other_patient))
    physio = personas["linked_physio"]
    assert physio.post(f"/api/v1/clinic/alerts/{other.pk}/resolve/", {}, format="json").status_code == 404
    assert physio.post("/api/v1/clinic/alerts/999999/resolve/", {}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"), [({"note": 5}, "note"), ({"note": "x" * 2001}, "note"), ({"resolved_at": "now"}, "resolved_at")]
)
def test_bad_input_to_resolve_is_a_400_and_stores_nothing(personas, alert, body, field):
    response = personas["linked_physio"].post(f"/api/v1/clinic/alerts/{alert.pk}/resolve/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Alert.objects.get(pk=alert.pk).resolved_at is None
    assert not AccessLogEntry.objects.exists()


def test_resolving_flags_the_workout_for_evaluation(personas, alert):
    personas["linked_physio"].post(f"/api/v1/clinic/alerts/{alert.pk}/resolve/", {}, format="json")
    alert.workout.recovery.refresh_from_db()
    assert alert.workout.recovery.evaluation_due_at == NOW


# -- the access log ------------------------------------------------------------------------


def test_the_patient_sees_who_read_what_and_when_newest_first(personas, patient, alert):
    physio = personas["linked_physio"]
    for note in ("one", "two"):
        physio.post(f"/api/v1/clinic/alerts/{alert.pk}/resolve/", {"note": note}, format="json")
    body = personas["patient"].get("/api/v1/me/access-log/").json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 2
    first = body["results"][0]
    assert first["physio"] == "dr_carol" and first["what"] == "api_detail"
    assert first["path"] == f"/api/v1/clinic/alerts/{alert.pk}/resolve/"
    assert datetime.datetime.fromisoformat(first["at"]) == NOW
    assert body["results"][0]["id"] > body["results"][1]["id"]


@pytest.mark.parametrize("who", ["other_patient", "linked_physio", "unlinked_physio"])
def test_no_one_else_sees_the_patients_access_log(personas, alert, who):
    personas["linked_physio"].post(f"/api/v1/clinic/alerts/{alert.pk}/resolve/", {}, format="json")
    assert personas[who].get("/api/v1/me/access-log/").json()["count"] == 0


def test_the_access_log_needs_credentials(personas):
    assert personas["anonymous"].get("/api/v1/me/access-log/").status_code == 401


def test_the_access_log_keeps_who_read_after_their_account_is_gone(personas, alert, physio, patient):
    personas["linked_physio"].post(f"/api/v1/clinic/alerts/{alert.pk}/resolve/", {}, format="json")
    physio.delete()
    assert personas["patient"].get("/api/v1/me/access-log/").json()["results"][0]["physio"] == "dr_carol"


def test_a_physio_made_by_the_admin_gets_clinic_endpoints(db):
    physio = PhysioFactory(username="dr_admin_made")
    assert client_for(physio).post("/api/v1/clinic/invitations/").status_code == 201
