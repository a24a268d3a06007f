"""The contact pages, as each named person sees them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.contacts.services import contact_create, contact_role_add, contact_update
from keyaccount.core.models import AuditEvent
from keyaccount.core.tests.factories import AccountFactory, ContactFactory


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def text(response):
    return response.content.decode()


def listed(response):
    return [c.name for c in response.context["page"].object_list]


FORM = {"name": "Ivan Petrov", "attitude": "neutral", "influence": "3"}


@pytest.fixture
def ivan(alice, acme):
    return contact_create(actor=alice, account=acme, name="Ivan", title="CMO", decision_role="champion")


# --- the list --------------------------------------------------------------------------------------


def test_the_contact_list_shows_the_people_of_alices_accounts_only(client, alice, acme, globex, initech):
    ContactFactory(account=acme, name="Ivan")
    ContactFactory(account=globex, name="Gleb")
    ContactFactory(account=initech, name="Peter")
    assert listed(page(client, alice, "contacts:list")) == ["Ivan"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "cfo"}, ["Olga"]),
        ({"decision_role": "champion"}, ["Ivan"]),
        ({"attitude": "opponent"}, ["Olga"]),
        ({"has_left": "true"}, ["Boris"]),
        ({"has_left": "false"}, ["Ivan", "Olga"]),
        ({"account": "globex"}, ["Boris"]),
    ],
)
def test_the_contact_list_filters(client, carol, acme, globex, query, expected):
    ContactFactory(account=acme, name="Ivan", decision_role="champion")
    ContactFactory(account=acme, name="Olga", title="CFO", attitude="opponent")
    ContactFactory(account=globex, name="Boris", left_on=datetime.date(2025, 1, 1))
    if query.get("account") == "globex":
        query = {"account": globex.pk}
    assert listed(page(client, carol, "contacts:list", **query)) == expected


def test_the_contact_list_sorts_by_account(client, carol, acme, globex):
    ContactFactory(account=globex, name="Anna")
    ContactFactory(account=acme, name="Zoe")
    assert listed(page(client, carol, "contacts:list", ordering="account")) == ["Zoe", "Anna"]
    assert listed(page(client, carol, "contacts:list", ordering="-account")) == ["Anna", "Zoe"]


def test_an_htmx_request_gets_only_the_contact_table(client, alice, ivan):
    client.force_login(alice)
    response = client.get(reverse("contacts:list"), {"q": "iv"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert body.lstrip().startswith('<div id="contact-results"')
    assert "<html" not in body and "Ivan" in body


def test_a_client_gets_403_on_the_contact_list(client, clint):
    assert page(client, clint, "contacts:list").status_code == 403


def test_the_contact_list_runs_the_same_number_of_queries_for_3_and_30_contacts(client, carol, org):
    def add(n, start):
        for i in range(start, start + n):
            account = AccountFactory(organization=org, name=f"Client {i:03}")
            boss = ContactFactory(account=account, name=f"Boss {i:03}")
            ContactFactory(account=account, name=f"Person {i:03}", reports_to=boss)

    client.force_login(carol)
    url = reverse("contacts:list")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(2, 0)
    few = count()
    add(13, 2)
    lots = count()
    assert few == lots
    assert lots <= 12


# --- one person's page -----------------------------------------------------------------------------


def test_a_contact_page_shows_the_person_their_context_and_roles(client, carol, acme, globex):
    boss = contact_create(actor=carol, account=acme, name="Irina")
    ivan = contact_create(
        actor=carol,
        account=acme,
        name="Ivan",
        reports_to=boss,
        motivation="Wants a promotion",
        reporting_goals="Leads per month",
        boss="Irina, CEO",
    )
    contact_role_add(actor=carol, contact=ivan, account=globex, decision_role="influencer")
    body = text(page(client, carol, "contacts:detail", ivan.pk))
    for expected in ("Wants a promotion", "Leads per month", "Irina, CEO", "Globex", "Influencer", "Irina"):
        assert expected in body, expected
    assert "Ivan" in text(page(client, carol, "contacts:detail", boss.pk))


def test_mallory_gets_404_on_a_contact_of_acme(client, mallory, ivan):
    for name in ("contacts:detail", "contacts:edit", "contacts:delete"):
        assert page(client, mallory, name, ivan.pk).status_code == 404


def test_a_specialist_sees_a_contact_but_cannot_edit_it(client, sam, ivan):
    response = page(client, sam, "contacts:detail", ivan.pk)
    assert response.status_code == 200
    assert reverse("contacts:edit", args=[ivan.pk]) not in text(response)
    assert page(client, sam, "contacts:edit", ivan.pk).status_code == 403


# --- create, edit, delete --------------------------------------------------------------------------


def test_new_contact_without_an_account_asks_which_account(client, alice, acme, globex):
    response = page(client, alice, "contacts:create")
    assert list(response.context["form"].fields["account"].queryset) == [acme]


def test_alice_adds_a_contact_to_her_account(client, alice, acme):
    client.force_login(alice)
    url = reverse("contacts:create") + f"?account={acme.pk}"
    response = client.post(url, {**FORM, "decision_role": "decision_maker", "left_on": "2025-02-01"})
    contact = Contact.objects.get(name="Ivan Petrov")
    assert response["Location"] == reverse("contacts:detail", args=[contact.pk])
    assert (contact.account, contact.decision_role, contact.left_on) == (
        acme,
        "decision_maker",
        datetime.date(2025, 2, 1),
    )
    assert AuditEvent.objects.filter(object_type="contacts.contact", action="create").exists()


def test_adding_a_contact_to_another_organizations_account_is_404(client, alice, initech):
    client.force_login(alice)
    response = client.post(reverse("contacts:create") + f"?account={initech.pk}", FORM)
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_it_refuses_a_reports_to_from_another_account(client, carol, acme, globex):
    boss = ContactFactory(account=globex, name="Globex boss")
    client.force_login(carol)
    response = client.post(reverse("contacts:create") + f"?account={acme.pk}", {**FORM, "reports_to": boss.pk})
    assert response.status_code == 200
    assert "reports_to" in response.context["form"].errors
    assert not Contact.objects.filter(name="Ivan Petrov").exists()


def test_the_reports_to_choices_are_colleagues_at_the_same_account(client, alice, acme, globex, ivan):
    olga = ContactFactory(account=acme, name="Olga")
    ContactFactory(account=globex, name="Gleb")
    form = page(client, alice, "contacts:edit", ivan.pk).context["form"]
    assert list(form.fields["reports_to"].queryset) == [olga]


def test_influence_outside_one_to_five_shows_the_field_error(client, alice, acme):
    client.force_login(alice)
    response = client.post(reverse("contacts:create") + f"?account={acme.pk}", {**FORM, "influence": "9"})
    assert "influence" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_alice_edits_a_contact(client, alice, ivan):
    client.force_login(alice)
    response = client.post(
        reverse("contacts:edit", args=[ivan.pk]),
        {**FORM, "name": "Ivan", "title": "CEO", "attitude": "supporter", "version": ivan.version},
    )
    assert response.status_code == 302
    ivan.refresh_from_db()
    assert (ivan.title, ivan.attitude, ivan.version) == ("CEO", "supporter", 2)


def test_a_stale_contact_edit_shows_the_conflict_and_saves_nothing(client, alice, carol, ivan):
    opened = page(client, alice, "contacts:edit", ivan.pk).context["form"]["version"].value()
    contact_update(actor=carol, contact=Contact.objects.get(pk=ivan.pk), data={"title": "CFO"})
    response = client.post(reverse("contacts:edit", args=[ivan.pk]), {**FORM, "title": "CEO", "version": opened})
    assert response.status_code == 409
    assert "Someone else saved this record" in text(response)
    assert Contact.objects.get(pk=ivan.pk).title == "CFO"


def test_alice_deletes_a_contact_after_confirming(client, alice, acme, ivan):
    assert page(client, alice, "contacts:delete", ivan.pk).status_code == 200
    response = client.post(reverse("contacts:delete", args=[ivan.pk]))
    assert response["Location"] == reverse("accounts:detail", args=[acme.pk]) + "#contacts"
    assert not Contact.objects.filter(pk=ivan.pk).exists()


# --- roles on other accounts -----------------------------------------------------------------------


def test_carol_gives_a_contact_a_role_on_another_account(client, carol, acme, globex, ivan):
    form = page(client, carol, "contacts:detail", ivan.pk).context["role_form"]
    assert list(form.fields["account"].queryset) == [globex]
    response = client.post(
        reverse("contacts:role_add", args=[ivan.pk]),
        {
            "role-account": globex.pk,
            "role-decision_role": "economic_buyer",
            "role-attitude": "neutral",
            "role-influence": "4",
        },
    )
    assert response.status_code == 302
    role = ContactAccountRole.objects.get(contact=ivan)
    assert (role.account, role.decision_role, role.influence) == (globex, "economic_buyer", 4)
    client.post(reverse("contacts:role_remove", args=[ivan.pk, role.pk]))
    assert not ContactAccountRole.objects.exists()


def test_a_role_on_an_account_alice_cannot_change_is_refused(client, alice, ivan, globex, initech):
    client.force_login(alice)
    for account in (globex, initech):
        response = client.post(
            reverse("contacts:role_add", args=[ivan.pk]),
            {"role-account": account.pk, "role-attitude": "neutral", "role-influence": "3"},
        )
        assert "account" in response.context["role_form"].errors
    assert not ContactAccountRole.objects.exists()
