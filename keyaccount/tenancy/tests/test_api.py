"""Signing in to the API, the signed-in user, colleagues and invitations."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from keyaccount.core.tests.factories import PASSWORD
from keyaccount.tenancy.models import Invitation

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def sign_in(client, email, password=PASSWORD):
    return client.post(TOKEN_URL, {"email": email, "password": password}, format="json")


# --- token ------------------------------------------------------------------------------------------


def test_the_right_email_and_password_give_a_token_that_signs_requests(api, alice):
    response = sign_in(api, alice.email)

    assert response.status_code == 200, response.data
    assert response.data == {"token": Token.objects.get(user=alice).key}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.data["email"] == alice.email


def test_signing_in_again_gives_the_same_token(api, alice):
    assert sign_in(api, alice.email).data == sign_in(api, alice.email).data


def test_the_email_is_not_case_sensitive(api, alice):
    assert sign_in(api, alice.email.upper()).status_code == 200


def test_a_wrong_password_answers_400_without_a_token(api, alice):
    response = sign_in(api, alice.email, "wrong password")

    assert response.status_code == 400
    assert "non_field_errors" in response.data
    assert not Token.objects.exists()


def test_a_missing_field_is_named(api):
    response = api.post(TOKEN_URL, {"email": "alice@demo-agency.example"}, format="json")

    assert response.status_code == 400
    assert "password" in response.data


def test_an_inactive_user_gets_no_token(api, alice):
    alice.is_active = False
    alice.save()

    assert sign_in(api, alice.email).status_code == 400


def test_a_bad_token_answers_401(api, alice):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api.get("/api/v1/me/").status_code == 401


def test_session_sign_in_works_for_the_browser(client, alice):
    client.force_login(alice)

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["email"] == alice.email


def test_repeated_failures_lock_the_email_out_with_429(api, alice, settings):
    settings.AXES_ENABLED = True
    limit = settings.AXES_FAILURE_LIMIT

    codes = [sign_in(api, alice.email, "wrong").status_code for _ in range(limit)]
    locked = sign_in(api, alice.email)  # even the right password waits for the cool-off

    assert codes == [400] * (limit - 1) + [429]
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.data["detail"]
    assert locked["Content-Type"].startswith("application/json")
    assert not Token.objects.exists()


def test_a_lockout_of_one_email_leaves_others_signing_in(api, alice, bob, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(api, alice.email, "wrong")

    assert sign_in(api, bob.email).status_code == 200


def test_the_token_endpoint_is_rate_limited(api, alice, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})

    codes = [sign_in(api, alice.email).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]


# --- me ---------------------------------------------------------------------------------------------


def test_me_shows_the_user_their_role_and_organization(api, alice, org):
    api.force_authenticate(alice)

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.data == {
        "id": alice.pk,
        "email": alice.email,
        "name": alice.name,
        "role": "account_manager",
        "organization": {"id": org.pk, "name": org.name},
        "timezone": alice.timezone,
        "language": alice.language,
        "calendar_feed_url": None,
    }


def test_me_changes_the_users_time_zone_and_language(api, alice):
    api.force_authenticate(alice)

    response = api.patch("/api/v1/me/", {"timezone": "Asia/Yekaterinburg", "language": "ru"}, format="json")

    assert response.status_code == 200, response.data
    alice.refresh_from_db()
    assert (alice.timezone, alice.language) == ("Asia/Yekaterinburg", "ru")


def test_an_unknown_time_zone_is_refused_naming_the_field(api, alice):
    api.force_authenticate(alice)

    response = api.patch("/api/v1/me/", {"timezone": "Mars/Olympus"}, format="json")

    assert response.status_code == 400
    assert "timezone" in response.data


def test_me_needs_a_sign_in(api):
    assert api.get("/api/v1/me/").status_code == 401


def test_the_role_and_email_cannot_be_changed_through_me(api, alice):
    api.force_authenticate(alice)

    api.patch("/api/v1/me/", {"role": "head", "email": "boss@example.com"}, format="json")

    alice.refresh_from_db()
    assert alice.membership.role == "account_manager"
    assert alice.email != "boss@example.com"


# --- colleagues -------------------------------------------------------------------------------------


def test_colleagues_are_the_people_of_the_users_organization(api, alice, bob, carol, mallory):
    api.force_authenticate(alice)

    response = api.get("/api/v1/users/")

    assert {u["email"] for u in response.data["results"]} == {alice.email, bob.email, carol.email}
    assert {u["role"] for u in response.data["results"]} == {"account_manager", "head"}


def test_colleagues_filter_by_role(api, alice, bob, carol):
    api.force_authenticate(alice)

    response = api.get("/api/v1/users/", {"role": "head"})

    assert [u["email"] for u in response.data["results"]] == [carol.email]


def test_a_client_sees_only_themselves(api, clint, alice):
    api.force_authenticate(clint)

    response = api.get("/api/v1/users/")

    assert [u["email"] for u in response.data["results"]] == [clint.email]


# --- invitations ------------------------------------------------------------------------------------


def test_an_admin_invites_a_colleague(api, dave):
    api.force_authenticate(dave)

    response = api.post(
        "/api/v1/invitations/", {"email": "Nina@Demo-Agency.example", "role": "specialist", "name": "Nina"}
    )

    assert response.status_code == 201, response.data
    assert response.data["email"] == "nina@demo-agency.example"
    assert response.data["invited_by"] == dave.pk
    assert response.data["is_open"] is True
    assert "token" not in response.data
    assert Invitation.objects.filter(email="nina@demo-agency.example", role="specialist").exists()


def test_a_client_invitation_needs_the_clients_account(api, dave):
    api.force_authenticate(dave)

    response = api.post("/api/v1/invitations/", {"email": "c@client.example", "role": "client"}, format="json")

    assert response.status_code == 400
    assert "client_account" in response.data
    assert not Invitation.objects.exists()


def test_a_client_account_of_another_organization_is_refused(api, dave, initech):
    api.force_authenticate(dave)

    response = api.post(
        "/api/v1/invitations/",
        {"email": "c@client.example", "role": "client", "client_account": initech.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "client_account" in response.data


def test_an_existing_users_email_is_refused(api, dave, alice):
    api.force_authenticate(dave)

    response = api.post("/api/v1/invitations/", {"email": alice.email, "role": "head"}, format="json")

    assert response.status_code == 400
    assert "email" in response.data


@pytest.mark.parametrize("person", ["alice", "carol"])
def test_only_an_admin_sees_and_sends_invitations(api, request, person):
    api.force_authenticate(request.getfixturevalue(person))

    assert api.get("/api/v1/invitations/").status_code == 403
    assert api.post("/api/v1/invitations/", {"email": "x@y.example", "role": "head"}).status_code == 403
    assert not Invitation.objects.exists()
