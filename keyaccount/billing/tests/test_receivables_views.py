"""The receivables page with its export, the acts pages with inline "sent"/"signed", the billing settings."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyaccount.billing.models import Act, BillingSettings
from keyaccount.billing.tests.factories import invoice_with_lines, paid
from keyaccount.core.tests.factories import AccountFactory, on_team

D = datetime.date


@pytest.fixture
def owed(acme, globex):
    invoice = invoice_with_lines(
        acme, [("1", "10000.00", "0")], number="INV-1", issue_date=D(2026, 1, 1), due_date=D(2026, 1, 11)
    )
    paid(invoice, "2500.50", D(2026, 2, 1))
    invoice_with_lines(
        globex, [("1", "5000.00", "0")], number="INV-4", issue_date=D(2026, 3, 5), due_date=D(2026, 3, 15)
    )


def test_the_receivables_page_shows_buckets_totals_and_the_managers_to_a_head(client, owed, carol, acme):
    client.force_login(carol)

    response = client.get(reverse("billing:receivables"), {"as_of": "2026-03-31"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "7,499.50" in page and "5,000.00" in page and "12,499.50" in page
    assert 'id="by-owner"' in page and "Bob" in page
    assert "receivables/export/?format=xlsx" in page
    assert f"{reverse('billing:invoice_list')}?account={acme.pk}&amp;overdue=true" in page


def test_the_first_visit_without_filters_shows_what_is_owed_today(client, owed, carol):
    client.force_login(carol)

    page = client.get(reverse("billing:receivables")).content.decode()

    assert "Nothing is owed" not in page
    assert "12,499.50" in page


def test_an_account_manager_sees_only_their_accounts_without_the_managers_section(client, owed, alice):
    client.force_login(alice)

    page = client.get(reverse("billing:receivables"), {"as_of": "2026-03-31"}).content.decode()

    assert "Acme" in page and "Globex" not in page
    assert 'id="by-owner"' not in page


def test_an_htmx_filter_change_gets_only_the_results(client, owed, carol):
    client.force_login(carol)

    response = client.get(reverse("billing:receivables"), {"as_of": "2026-03-31"}, headers={"HX-Request": "true"})

    assert response.content.decode().lstrip().startswith('<div id="receivables-results"')


def test_specialists_and_clients_do_not_open_the_money_pages(client, owed, sam, clint):
    for person in (sam, clint):
        client.force_login(person)
        for name in ("billing:receivables", "billing:receivables_export", "billing:act_list", "billing:settings"):
            assert client.get(reverse(name)).status_code == 403, (person, name)


def test_the_page_export_keeps_the_filters(client, owed, carol, acme):
    client.force_login(carol)

    response = client.get(
        reverse("billing:receivables_export"), {"format": "csv", "as_of": "2026-03-31", "account": acme.pk}
    )

    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Acme,Alice,RUB,0.00,0.00,0.00,7499.50")


def test_the_receivables_page_runs_the_same_queries_for_2_and_20_accounts(client, org, alice, carol):
    client.force_login(carol)
    url = reverse("billing:receivables")
    client.get(url)

    def add(n):
        for _ in range(n):
            account = AccountFactory(organization=org, owner=alice)
            on_team(account, alice)
            invoice_with_lines(account, [("1", "100.00", "0")], number=f"N-{account.pk}", issue_date=D(2026, 1, 1))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"as_of": "2026-03-31"}).status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = count()
    add(18)
    assert count() == few


# --- acts -------------------------------------------------------------------------------------------


@pytest.fixture
def act(acme):
    return Act.objects.create(
        organization=acme.organization,
        account=acme,
        number="ACT-1",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        amount=Decimal("1000.00"),
        sent_on=D(2026, 2, 2),
    )


def test_the_acts_list_flags_acts_to_chase_and_filters_them(client, act, alice, acme):
    Act.objects.create(
        organization=acme.organization,
        account=acme,
        number="ACT-0",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        amount=Decimal("5.00"),
    )
    client.force_login(alice)

    page = client.get(reverse("billing:act_list")).content.decode()
    assert "to chase" in page and "ACT-1" in page and "ACT-0" in page
    chasing = client.get(reverse("billing:act_list"), {"needs_chasing": "true"}).content.decode()
    assert "ACT-1" in chasing and "ACT-0" not in chasing


def test_an_act_is_signed_inline_and_the_row_comes_back(client, act, alice):
    client.force_login(alice)
    url = reverse("billing:act_sign", args=[act.pk])

    early = client.post(url, {"on": "2026-02-01", "version": act.version}, headers={"HX-Request": "true"})
    assert "cannot be signed before it was sent" in early.content.decode()
    assert Act.objects.get(pk=act.pk).signed_on is None

    response = client.post(url, {"on": "2026-02-10", "version": act.version}, headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith(f'<tr id="act-{act.pk}"')
    assert Act.objects.get(pk=act.pk).signed_on == D(2026, 2, 10)


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/", "http://testserver.evil.example/"])
def test_marking_an_act_sent_never_redirects_to_another_site(client, act, alice, target):
    client.force_login(alice)

    response = client.post(reverse("billing:act_send", args=[act.pk]), {"on": "2026-02-03", "next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("billing:act_list")
    assert Act.objects.get(pk=act.pk).sent_on == D(2026, 2, 3)


def test_marking_an_act_sent_goes_back_to_the_page_it_came_from(client, act, alice, acme):
    client.force_login(alice)
    back = reverse("billing:act_list") + f"?account={acme.pk}"

    response = client.post(reverse("billing:act_send", args=[act.pk]), {"on": "2026-02-03", "next": back})

    assert response["Location"] == back


def test_an_act_is_recorded_and_corrected_through_its_form(client, alice, acme):
    client.force_login(alice)
    create = reverse("billing:act_create") + f"?account={acme.pk}"
    data = {"number": "ACT-5", "period_start": "2026-02-01", "period_end": "2026-02-28", "amount": "500.00"}

    refused = client.post(create, {**data, "amount": "-1"})
    assert refused.status_code == 200 and not Act.objects.exists()

    assert client.post(create, {**data, "currency": "RUB"}).status_code == 302
    act = Act.objects.get()
    edit = reverse("billing:act_edit", args=[act.pk])
    saved = client.post(edit, {**data, "currency": "RUB", "amount": "450.00", "version": act.version})
    assert saved.status_code == 302
    assert Act.objects.get().amount == Decimal("450.00")


def test_a_sales_person_reads_an_act_but_cannot_change_it(client, act, sally):
    client.force_login(sally)

    assert client.get(reverse("billing:act_edit", args=[act.pk])).status_code == 200
    assert client.post(reverse("billing:act_edit", args=[act.pk]), {"note": "x"}).status_code == 403


# --- settings ---------------------------------------------------------------------------------------


def test_a_head_edits_the_collection_steps_on_the_settings_page(client, carol, alice, org):
    client.force_login(alice)
    assert client.get(reverse("billing:settings")).status_code == 403
    client.force_login(carol)
    page = client.get(reverse("billing:settings"))
    assert page.status_code == 200
    assert not BillingSettings.objects.exists()  # reading writes nothing

    form = {
        "payment_terms_days": "14",
        "act_chase_days": "10",
        "version": "1",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "10",
        "steps-0-days": "5",
        "steps-1-days": "20",
        "steps-1-escalate": "on",
        "steps-2-days": "",
    }
    assert client.post(reverse("billing:settings"), form).status_code == 302
    saved = BillingSettings.objects.get(organization=org)
    assert saved.dunning_steps == [{"days": 5, "escalate": False}, {"days": 20, "escalate": True}]

    duplicate = client.post(reverse("billing:settings"), {**form, "version": "2", "steps-1-days": "5"})
    assert duplicate.status_code == 200
    assert "Each step needs its own number of days." in duplicate.content.decode()
