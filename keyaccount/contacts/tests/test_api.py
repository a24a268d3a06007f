"""The contacts API: creation, the account filter, reports-to and roles on other accounts."""

import pytest

from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.core.models import AuditEvent
from keyaccount.core.tests.factories import AccountFactory, ContactFactory, on_team

URL = "/api/v1/contacts/"


@pytest.fixture
def as_alice(api, alice):
    api.force_authenticate(alice)
    return api


@pytest.fixture
def ivan(acme):
    return ContactFactory(account=acme, name="Ivan Petrov", decision_role="decision_maker")


def test_a_contact_is_created_with_an_account_and_a_name(as_alice, acme):
    response = as_alice.post(URL, {"account": acme.pk, "name": "Olga Smirnova"}, format="json")

    assert response.status_code == 201, response.data
    assert response.data["account"] == acme.pk
    assert response.data["attitude"] == "neutral"
    assert response.data["influence"] == 3
    assert response.data["version"] == 1
    contact = Contact.objects.get(pk=response.data["id"])
    assert contact.organization_id == acme.organization_id
    assert AuditEvent.objects.filter(object_type="contacts.contact", action="create").exists()


def test_every_contact_field_is_saved(as_alice, acme, ivan):
    payload = {
        "account": acme.pk,
        "name": "Olga Smirnova",
        "title": "CMO",
        "email": "olga@acme.example",
        "phones": "+7 900 000-00-00",
        "messengers": "Telegram @olga",
        "decision_role": "champion",
        "attitude": "supporter",
        "influence": 5,
        "reports_to": ivan.pk,
        "preferred_channel": "messenger",
        "cadence_days": 14,
        "is_urgent_contact": True,
        "boss": "Ivan Petrov",
        "reporting_goals": "Leads per month",
        "motivation": "Promotion",
        "personal_notes": "Two kids",
        "left_on": "2026-01-31",
    }

    response = as_alice.post(URL, payload, format="json")

    assert response.status_code == 201, response.data
    assert {k: response.data[k] for k in payload} == payload
    assert response.data["has_left"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "Olga"}, "account"),
        ({"account": "ACME"}, "account"),
        ({"account": "acme"}, "name"),
        ({"account": "acme", "name": "Olga", "influence": 6}, "influence"),
        ({"account": "acme", "name": "Olga", "email": "not-an-email"}, "email"),
        ({"account": "acme", "name": "Olga", "decision_role": "king"}, "decision_role"),
        ({"account": "acme", "name": "Olga", "cadence_days": 0}, "cadence_days"),
        ({"account": "acme", "name": "Olga", "left_on": "yesterday"}, "left_on"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(as_alice, acme, payload, field):
    payload = {k: (acme.pk if v == "acme" else v) for k, v in payload.items()}

    response = as_alice.post(URL, payload, format="json")

    assert response.status_code == 400
    assert field in response.data, response.data
    assert not Contact.objects.exists()


def test_an_account_of_another_organization_is_refused(as_alice, initech):
    response = as_alice.post(URL, {"account": initech.pk, "name": "Spy"}, format="json")

    assert response.status_code == 400
    assert "account" in response.data
    assert not Contact.objects.exists()


def test_an_account_outside_the_users_portfolio_is_refused(as_alice, globex):
    response = as_alice.post(URL, {"account": globex.pk, "name": "Olga"}, format="json")

    assert response.status_code == 400
    assert "account" in response.data


def test_reports_to_must_be_a_contact_of_the_same_account(as_alice, org, alice, acme, ivan):
    sister = AccountFactory(organization=org, name="Acme Labs", owner=alice)
    on_team(sister, alice)
    stranger = ContactFactory(account=sister, name="Stranger")

    response = as_alice.post(URL, {"account": acme.pk, "name": "Olga", "reports_to": stranger.pk}, format="json")

    assert response.status_code == 400
    assert "reports_to" in response.data
    assert not Contact.objects.filter(name="Olga").exists()


def test_reports_to_from_another_organization_is_refused(as_alice, acme, ivan, initech):
    spy = ContactFactory(account=initech, name="Spy")

    response = as_alice.patch(f"{URL}{ivan.pk}/", {"reports_to": spy.pk}, format="json")

    assert response.status_code == 400
    assert "reports_to" in response.data
    ivan.refresh_from_db()
    assert ivan.reports_to_id is None


def test_a_reporting_loop_is_refused(as_alice, acme, ivan):
    olga = ContactFactory(account=acme, name="Olga", reports_to=ivan)

    response = as_alice.patch(f"{URL}{ivan.pk}/", {"reports_to": olga.pk}, format="json")

    assert response.status_code == 400
    assert "reports_to" in response.data


def test_a_contact_does_not_move_to_another_account(as_alice, org, alice, acme, ivan):
    sister = AccountFactory(organization=org, name="Acme Labs", owner=alice)
    on_team(sister, alice)

    response = as_alice.patch(f"{URL}{ivan.pk}/", {"account": sister.pk}, format="json")

    assert response.status_code == 400
    assert "account" in response.data
    ivan.refresh_from_db()
    assert ivan.account_id == acme.pk


def test_a_stale_version_answers_409_and_changes_nothing(as_alice, ivan):
    Contact.objects.filter(pk=ivan.pk).update(version=3)

    response = as_alice.patch(f"{URL}{ivan.pk}/", {"title": "CEO", "version": 2}, format="json")

    assert response.status_code == 409
    ivan.refresh_from_db()
    assert ivan.title == ""


def test_the_account_filter_lists_people_who_work_there_or_have_a_role_there(as_alice, org, alice, acme, ivan):
    sister = AccountFactory(organization=org, name="Acme Labs", owner=alice)
    on_team(sister, alice)
    cfo = ContactFactory(account=sister, name="Anna CFO")
    ContactAccountRole.objects.create(organization=org, contact=cfo, account=acme, decision_role="economic_buyer")
    ContactFactory(account=sister, name="Lab worker")

    response = as_alice.get(URL, {"account": acme.pk})

    assert [c["name"] for c in response.data["results"]] == ["Anna CFO", "Ivan Petrov"]


def test_the_contact_list_filters_by_decision_role_attitude_and_text(as_alice, acme, ivan):
    ContactFactory(account=acme, name="Olga", attitude="opponent", email="olga@acme.example")

    def names(**query):
        return [c["name"] for c in as_alice.get(URL, query).data["results"]]

    assert names(decision_role="decision_maker") == ["Ivan Petrov"]
    assert names(attitude="opponent") == ["Olga"]
    assert names(q="olga@") == ["Olga"]
    assert names(search="petrov") == ["Ivan Petrov"]


def test_another_organizations_account_in_the_filter_matches_nothing(as_alice, ivan, initech):
    ContactFactory(account=initech, name="Spy")

    response = as_alice.get(URL, {"account": initech.pk})

    assert response.status_code == 200
    assert response.data["results"] == []


def test_a_role_on_another_account_is_added_and_audited(as_alice, org, alice, acme, ivan):
    sister = AccountFactory(organization=org, name="Acme Labs", owner=alice)
    on_team(sister, alice)

    response = as_alice.post(
        "/api/v1/contact-roles/",
        {"contact": ivan.pk, "account": sister.pk, "decision_role": "influencer", "influence": 4},
        format="json",
    )

    assert response.status_code == 201, response.data
    assert ContactAccountRole.objects.filter(contact=ivan, account=sister, influence=4).exists()
    assert AuditEvent.objects.filter(object_type="contacts.contactaccountrole", account=sister).exists()
    listed = as_alice.get("/api/v1/contact-roles/", {"account": sister.pk}).data["results"]
    assert [r["contact"] for r in listed] == [ivan.pk]


def test_a_role_on_the_contacts_own_account_is_refused(as_alice, acme, ivan):
    response = as_alice.post("/api/v1/contact-roles/", {"contact": ivan.pk, "account": acme.pk}, format="json")

    assert response.status_code == 400
    assert "account" in response.data


def test_a_role_for_another_organizations_contact_is_refused(as_alice, acme, initech):
    spy = ContactFactory(account=initech, name="Spy")

    response = as_alice.post("/api/v1/contact-roles/", {"contact": spy.pk, "account": acme.pk}, format="json")

    assert response.status_code == 400
    assert "contact" in response.data
    assert not ContactAccountRole.objects.exists()
