"""The accounts API: creation rules, lifecycle and owner endpoints, filters, stale edits, audit trail."""

from datetime import datetime
from decimal import Decimal

import pytest

from keyaccount.accounts.models import (
    Account,
    AccountStatus,
    AccountStatusChange,
    AccountTeamMember,
    HandoverBrief,
    OnboardingItem,
    Tag,
    TeamRole,
)
from keyaccount.core.models import AuditEvent
from keyaccount.core.tests.factories import AccountFactory

URL = "/api/v1/accounts/"


def detail(account):
    return f"{URL}{account.pk}/"


@pytest.fixture
def as_alice(api, alice):
    api.force_authenticate(alice)
    return api


@pytest.fixture
def as_carol(api, carol):
    api.force_authenticate(carol)
    return api


@pytest.fixture
def tags(org):
    return {name: Tag.objects.create(organization=org, name=name) for name in ("e-commerce", "holding")}


# --- create -----------------------------------------------------------------------------------------


def test_an_account_manager_who_creates_an_account_owns_it_and_is_its_account_manager(as_alice, alice, tags):
    response = as_alice.post(
        URL, {"name": "Umbrella", "tier": "key", "currency": "EUR", "tags": ["E-commerce"]}, format="json"
    )

    assert response.status_code == 201, response.data
    body = response.data
    assert body["owner"] == alice.pk
    assert body["status"] == AccountStatus.ONBOARDING
    assert body["tags"] == ["e-commerce"]
    assert body["currency"] == "EUR"
    assert body["version"] == 1
    assert datetime.fromisoformat(body["created_at"]).tzinfo is not None
    account = Account.objects.get(pk=body["id"])
    assert AccountTeamMember.objects.filter(account=account, user=alice, role=TeamRole.ACCOUNT_MANAGER).exists()
    assert OnboardingItem.objects.filter(account=account).exists()


def test_a_new_account_defaults_to_roubles(as_alice):
    response = as_alice.post(URL, {"name": "Umbrella"}, format="json")

    assert response.status_code == 201
    assert response.data["currency"] == "RUB"


def test_an_account_manager_cannot_create_an_account_for_someone_else(as_alice, bob):
    response = as_alice.post(URL, {"name": "Umbrella", "owner": bob.pk}, format="json")

    assert response.status_code == 400
    assert "owner" in response.data
    assert not Account.objects.filter(name="Umbrella").exists()


def test_a_head_creates_an_account_for_an_account_manager(as_carol, bob):
    response = as_carol.post(URL, {"name": "Umbrella", "owner": bob.pk, "status": "active"}, format="json")

    assert response.status_code == 201, response.data
    assert response.data["owner"] == bob.pk
    assert response.data["status"] == "active"


def test_sales_who_create_an_account_keep_seeing_it_through_the_handover(api, sally):
    api.force_authenticate(sally)

    response = api.post(URL, {"name": "Umbrella"}, format="json")

    assert response.status_code == 201, response.data
    assert HandoverBrief.objects.filter(account_id=response.data["id"], sold_by=sally).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "Acme"}, "name"),  # duplicate of an existing account
        ({"name": "X", "website": "not a url"}, "website"),
        ({"name": "X", "tier": "platinum"}, "tier"),
        ({"name": "X", "currency": "XXX"}, "currency"),
        ({"name": "X", "status": "churned"}, "status"),
        ({"name": "X", "tags": ["no-such-tag"]}, "tags"),
        ({"name": "X", "tags": "e-commerce"}, "tags"),
        ({"name": "X", "parent": 999999}, "parent"),
        ({"name": "X", "kind": "b2g"}, "kind"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(as_alice, acme, tags, payload, field):
    before = Account.objects.count()

    response = as_alice.post(URL, payload, format="json")

    assert response.status_code == 400
    assert field in response.data, response.data
    assert Account.objects.count() == before
    assert not AuditEvent.objects.exists()


# --- foreign keys out of scope ----------------------------------------------------------------------


def test_a_parent_from_another_organization_is_refused(as_alice, acme, initech):
    response = as_alice.patch(detail(acme), {"parent": initech.pk}, format="json")

    assert response.status_code == 400
    assert "parent" in response.data
    acme.refresh_from_db()
    assert acme.parent_id is None


def test_a_parent_outside_the_users_accounts_is_refused(as_alice, acme, globex):
    response = as_alice.patch(detail(acme), {"parent": globex.pk}, format="json")

    assert response.status_code == 400
    assert "parent" in response.data


def test_an_owner_from_another_organization_is_refused(as_carol, mallory):
    response = as_carol.post(URL, {"name": "Umbrella", "owner": mallory.pk}, format="json")

    assert response.status_code == 400
    assert "owner" in response.data
    assert not Account.objects.filter(name="Umbrella").exists()


def test_a_tag_of_another_organization_is_unknown(as_alice, acme, other_org):
    foreign = Tag.objects.create(organization=other_org, name="secret")

    response = as_alice.patch(detail(acme), {"tags": [foreign.pk]}, format="json")

    assert response.status_code == 400
    assert "tags" in response.data
    assert list(acme.tags.all()) == []


# --- update and stale edits -------------------------------------------------------------------------


def test_an_update_with_the_current_version_is_saved_and_bumps_the_version(as_alice, acme, tags):
    response = as_alice.patch(
        detail(acme), {"legal_name": "Acme LLC", "tags": ["holding"], "version": acme.version}, format="json"
    )

    assert response.status_code == 200, response.data
    assert response.data["legal_name"] == "Acme LLC"
    assert response.data["tags"] == ["holding"]
    assert response.data["version"] == acme.version + 1


def test_a_stale_version_answers_409_and_changes_nothing(as_alice, acme):
    Account.objects.filter(pk=acme.pk).update(version=5)  # someone else saved meanwhile

    response = as_alice.patch(detail(acme), {"legal_name": "Acme LLC", "version": 4}, format="json")

    assert response.status_code == 409
    assert response.data["current_version"] == 5
    acme.refresh_from_db()
    assert acme.legal_name == ""
    assert acme.version == 5
    assert not AuditEvent.objects.exists()


def test_a_put_of_a_fetched_account_is_accepted(as_alice, acme):
    body = as_alice.get(detail(acme)).data
    body["notes"] = "Prefers calls in the morning"

    response = as_alice.put(detail(acme), body, format="json")

    assert response.status_code == 200, response.data
    assert response.data["notes"] == "Prefers calls in the morning"


def test_status_and_owner_do_not_change_through_an_update(as_carol, acme, bob):
    response = as_carol.patch(detail(acme), {"status": "churned", "owner": bob.pk}, format="json")

    assert response.status_code == 400
    assert set(response.data) == {"status", "owner"}
    acme.refresh_from_db()
    assert acme.status == AccountStatus.ONBOARDING


def test_an_account_cannot_be_its_own_parent(as_alice, acme):
    response = as_alice.patch(detail(acme), {"parent": acme.pk}, format="json")

    assert response.status_code == 400
    assert "parent" in response.data


# --- lifecycle and ownership ------------------------------------------------------------------------


def test_moving_the_status_records_the_history(as_alice, acme, alice):
    response = as_alice.post(f"{detail(acme)}status/", {"to": "active", "comment": "Kick-off done"}, format="json")

    assert response.status_code == 200, response.data
    assert response.data["status"] == "active"
    change = AccountStatusChange.objects.get(account=acme, to_status="active")
    assert change.changed_by == alice
    assert change.comment == "Kick-off done"


def test_a_move_that_is_not_allowed_lists_the_allowed_moves(as_alice, acme):
    response = as_alice.post(f"{detail(acme)}status/", {"to": "onboarding"}, format="json")

    assert response.status_code == 400
    message = str(response.data["to"])
    assert "active" in message
    assert "churned" in message


def test_churn_needs_a_reason(as_alice, acme):
    response = as_alice.post(f"{detail(acme)}status/", {"to": "churned"}, format="json")

    assert response.status_code == 400
    assert "churn_reason" in response.data
    acme.refresh_from_db()
    assert acme.status == AccountStatus.ONBOARDING


def test_churn_with_a_reason_is_shown_on_the_account(as_alice, acme):
    response = as_alice.post(f"{detail(acme)}status/", {"to": "churned", "churn_reason": "price"}, format="json")

    assert response.status_code == 200
    assert response.data["churn_reason"] == "price"


def test_a_stale_status_move_answers_409(as_alice, acme):
    response = as_alice.post(f"{detail(acme)}status/", {"to": "active", "version": acme.version + 3}, format="json")

    assert response.status_code == 409
    acme.refresh_from_db()
    assert acme.status == AccountStatus.ONBOARDING


def test_a_head_hands_the_account_to_another_account_manager(as_carol, acme, alice, bob):
    response = as_carol.post(f"{detail(acme)}owner/", {"owner": bob.pk}, format="json")

    assert response.status_code == 200, response.data
    assert response.data["owner"] == bob.pk
    assert AccountTeamMember.objects.filter(account=acme, user=bob, role=TeamRole.ACCOUNT_MANAGER).exists()
    assert not AccountTeamMember.objects.filter(account=acme, user=alice, role=TeamRole.ACCOUNT_MANAGER).exists()


def test_an_account_manager_cannot_hand_over_her_account(as_alice, acme, bob):
    response = as_alice.post(f"{detail(acme)}owner/", {"owner": bob.pk}, format="json")

    assert response.status_code == 403
    acme.refresh_from_db()
    assert acme.owner_id != bob.pk


def test_the_new_owner_must_be_of_the_organization(as_carol, acme, mallory):
    response = as_carol.post(f"{detail(acme)}owner/", {"owner": mallory.pk}, format="json")

    assert response.status_code == 400
    assert "owner" in response.data


# --- filters, search, ordering, pagination ----------------------------------------------------------


@pytest.fixture
def portfolio(org, alice, bob, acme, globex, tags):
    from keyaccount.core.tests.factories import on_team

    beta = AccountFactory(organization=org, name="Beta", owner=alice, status="active", tier="key")
    on_team(beta, alice)
    beta.tags.set([tags["holding"]])
    return beta


def test_the_list_is_paginated_with_count_next_and_results(as_carol, portfolio):
    response = as_carol.get(URL, {"page_size": 2})

    assert response.status_code == 200
    assert response.data["count"] == 3
    assert len(response.data["results"]) == 2
    assert "page=2" in response.data["next"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "active"}, ["Beta"]),
        ({"status": ["active", "onboarding"]}, ["Acme", "Beta", "Globex"]),
        ({"tier": "key"}, ["Beta"]),
        ({"owner": "bob"}, ["Globex"]),
        ({"tag": "holding"}, ["Beta"]),
        ({"q": "glob"}, ["Globex"]),
        ({"search": "acm"}, ["Acme"]),
        ({"mine": "true"}, []),
        ({"ordering": "-name"}, ["Globex", "Beta", "Acme"]),
    ],
)
def test_a_head_filters_searches_and_orders_the_portfolio(as_carol, portfolio, bob, tags, query, expected):
    query = dict(query)
    if query.get("owner") == "bob":
        query["owner"] = bob.pk
    if query.get("tag") == "holding":
        query["tag"] = tags["holding"].pk

    response = as_carol.get(URL, query)

    assert response.status_code == 200, response.data
    assert [a["name"] for a in response.data["results"]] == expected


def test_my_accounts_are_those_where_i_am_on_the_team(as_alice, portfolio, globex):
    response = as_alice.get(URL, {"mine": "true"})

    assert [a["name"] for a in response.data["results"]] == ["Acme", "Beta"]


def test_another_organizations_id_in_a_filter_matches_nothing(as_alice, acme, mallory, other_org):
    foreign_tag = Tag.objects.create(organization=other_org, name="secret")

    assert as_alice.get(URL, {"owner": mallory.pk}).data["results"] == []
    assert as_alice.get(URL, {"tag": foreign_tag.pk}).data["results"] == []


def test_a_malformed_filter_value_answers_400_naming_the_filter(as_alice, acme):
    response = as_alice.get(URL, {"status": "bogus"})

    assert response.status_code == 400
    assert "status" in response.data


# --- audit trail ------------------------------------------------------------------------------------


def test_changes_through_the_api_are_in_the_audit_trail_for_the_team_only(api, alice, bob, carol, acme, globex):
    api.force_authenticate(alice)
    created = api.post(URL, {"name": "Umbrella"}, format="json").data
    api.patch(detail(acme), {"legal_name": "Acme LLC"}, format="json")

    events = api.get("/api/v1/audit-events/", {"account": acme.pk}).data["results"]
    assert [(e["action"], e["object_type"]) for e in events] == [("update", "accounts.account")]
    assert events[0]["changes"] == {"legal_name": ["", "Acme LLC"]}
    assert events[0]["actor"] == alice.pk
    assert events[0]["object_id"] == str(acme.pk)
    created_events = api.get("/api/v1/audit-events/", {"object_id": created["id"], "action": "create"}).data
    assert created_events["results"][0]["changes"]["name"] == [None, "Umbrella"]

    api.force_authenticate(bob)
    assert api.get("/api/v1/audit-events/", {"account": acme.pk}).data["results"] == []
    assert api.get("/api/v1/audit-events/", {"object_type": "accounts.account"}).data["count"] == 0

    api.force_authenticate(carol)
    assert api.delete(f"{URL}{created['id']}/").status_code == 204
    deleted = api.get("/api/v1/audit-events/", {"object_id": created["id"], "action": "delete"}).data["results"]
    assert deleted[0]["changes"]["name"] == ["Umbrella", None]
    assert deleted[0]["actor"] == carol.pk


# --- handover money ---------------------------------------------------------------------------------


def test_the_deal_value_is_a_decimal_string_in_the_accounts_currency(api, sally, alice, acme):
    api.force_authenticate(alice)
    brief = HandoverBrief.objects.get(account=acme)

    response = api.patch(f"/api/v1/handovers/{brief.pk}/", {"deal_value": "1250000.50"}, format="json")

    assert response.status_code == 200, response.data
    assert response.data["deal_value"] == "1250000.50"
    assert response.data["currency"] == "RUB"
    brief.refresh_from_db()
    assert brief.deal_value == Decimal("1250000.50")


def test_a_negative_deal_value_is_refused(api, sally, alice, acme):
    api.force_authenticate(alice)
    brief = HandoverBrief.objects.get(account=acme)

    response = api.patch(f"/api/v1/handovers/{brief.pk}/", {"deal_value": "-1"}, format="json")

    assert response.status_code == 400
    assert "deal_value" in response.data


def test_a_second_handover_for_an_account_is_refused(api, sally, alice, acme):
    api.force_authenticate(alice)

    response = api.post("/api/v1/handovers/", {"account": acme.pk, "what_was_sold": "PPC"}, format="json")

    assert response.status_code == 400
    assert "account" in response.data
    assert HandoverBrief.objects.filter(account=acme).count() == 1


def test_ticking_an_onboarding_step_records_who_and_when(api, alice, acme):
    api.force_authenticate(alice)
    item = OnboardingItem.objects.create(organization=acme.organization, account=acme, title="Introduce the team")

    response = api.patch(f"/api/v1/onboarding-items/{item.pk}/", {"done": True}, format="json")

    assert response.status_code == 200, response.data
    assert response.data["done"] is True
    assert response.data["done_by"] == alice.pk
    assert response.data["done_at"] is not None
    response = api.patch(f"/api/v1/onboarding-items/{item.pk}/", {"done": False}, format="json")
    assert response.data["done"] is False
    assert response.data["done_at"] is None


def test_a_team_member_from_another_organization_is_refused(api, alice, acme, mallory):
    api.force_authenticate(alice)

    response = api.post(
        "/api/v1/team-members/", {"account": acme.pk, "user": mallory.pk, "role": "specialist"}, format="json"
    )

    assert response.status_code == 400
    assert "user" in response.data
    assert not AccountTeamMember.objects.filter(user=mallory, account=acme).exists()


def test_the_owners_seat_on_the_team_is_not_removed_directly(api, alice, acme):
    api.force_authenticate(alice)
    seat = AccountTeamMember.objects.get(account=acme, user=alice)

    response = api.delete(f"/api/v1/team-members/{seat.pk}/")

    assert response.status_code == 400
    assert "user" in response.data
    assert AccountTeamMember.objects.filter(pk=seat.pk).exists()
