"""An account's money at a glance: contracts in force, MRR, open and overdue amounts, credit, last payment."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.billing.models import Amendment, Payment
from keyaccount.billing.summary import Amount, account_money
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines, paid

D = datetime.date
TODAY = D(2026, 6, 15)


@pytest.fixture(autouse=True)
def on_june_15(time_machine):
    """The account page reads the real clock: it is 15 June 2026 for every test here."""
    time_machine.move_to(datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC))


@pytest.fixture
def acme_money(org, acme, globex):
    """acme on 15 June 2026: two retainers (one amended), a fixed project, an old and a draft contract;
    invoices in every status in RUB and USD; a payment with a remainder."""
    retainer = ContractFactory(account=acme, number="C-1", value=Decimal("100000.00"))
    Amendment.objects.create(
        organization=org,
        contract=retainer,
        effective_date=D(2026, 4, 1),
        new_value=Decimal("120000.00"),
        previous_value=Decimal("100000.00"),
    )
    ContractFactory(account=acme, number="C-2", currency="USD", value=Decimal("2000.00"), start_date=D(2026, 3, 1))
    ContractFactory(
        account=acme, number="C-2-open", currency="USD", value=Decimal("10.00"), start_date=D(2026, 3, 1), end_date=None
    )
    ContractFactory(account=acme, number="C-3", billing_model="fixed", value=Decimal("500000.00"))
    ContractFactory(account=acme, number="C-old", start_date=D(2025, 1, 1), end_date=D(2025, 12, 31), status="expired")
    ContractFactory(account=acme, number="C-draft", status="draft")
    ContractFactory(account=globex, number="G-1")

    rub = {"issue_date": D(2026, 5, 1)}
    due_soon = invoice_with_lines(acme, [("1", "100000", "20")], number="I-1", due_date=D(2026, 6, 20), **rub)
    late = invoice_with_lines(acme, [("3", "33333.33", "20")], number="I-2", due_date=D(2026, 5, 10), **rub)
    paid(late, "50000.00", D(2026, 5, 20), payment_amount="60000.00")
    invoice_with_lines(acme, [("1", "1500", "0")], number="I-3", currency="USD", due_date=D(2026, 6, 1), **rub)
    settled = invoice_with_lines(acme, [("1", "5000", "0")], number="I-4", due_date=D(2026, 5, 11), **rub)
    last = paid(settled, "5000.00", D(2026, 6, 2))
    invoice_with_lines(acme, [("1", "7000", "0")], number="I-5", status="draft", due_date=D(2026, 5, 11), **rub)
    invoice_with_lines(acme, [("1", "9000", "0")], number="I-6", status="void", due_date=D(2026, 5, 11), **rub)
    invoice_with_lines(globex, [("1", "4444", "0")], number="G-I", due_date=D(2026, 5, 11), **rub)
    return {"retainer": retainer, "late": late, "due_soon": due_soon, "last_payment": last}


def test_it_sums_what_acme_owes_per_currency_to_the_kopeck(alice, acme, acme_money):
    money = account_money(alice, acme, TODAY)

    # I-1: 100 000.00 + 20 % = 120 000.00, due in five days.
    # I-2: 3 × 33 333.33 = 99 999.99 + 20 % (19 999.998 → 20 000.00) = 119 999.99, 50 000.00 paid: 69 999.99 open.
    # I-3: 1 500.00 USD, due on 1 June. Paid, draft and void invoices and globex's owe nothing here.
    assert money.open == [Amount(Decimal("189999.99"), "RUB"), Amount(Decimal("1500.00"), "USD")]
    assert money.overdue == [Amount(Decimal("69999.99"), "RUB"), Amount(Decimal("1500.00"), "USD")]
    assert (money.open_invoices, money.overdue_invoices) == (3, 2)
    assert money.oldest_overdue == acme_money["late"]
    assert money.oldest_overdue_days == 36  # 10 May → 15 June


def test_it_shows_the_contracts_in_force_with_their_amended_value_and_deadlines(alice, acme, acme_money):
    money = account_money(alice, acme, TODAY)

    numbers = [c.contract.number for c in money.contracts]
    assert sorted(numbers) == ["C-1", "C-2", "C-2-open", "C-3"]  # not the expired one, not the draft
    c1 = next(c for c in money.contracts if c.contract.number == "C-1")
    assert c1.value == Decimal("120000.00")  # amended from 1 April
    assert c1.end == D(2026, 12, 31)
    assert c1.days_to_end == 199  # 15 + 31 + 31 + 30 + 31 + 30 + 31
    assert c1.notice_deadline == D(2026, 12, 1)  # 30 days' notice
    assert c1.days_to_notice == 169
    open_ended = next(c for c in money.contracts if c.contract.number == "C-2-open")
    assert (open_ended.end, open_ended.days_to_end, open_ended.notice_deadline) == (None, None, None)


def test_mrr_counts_retainers_only_per_currency(alice, acme, acme_money):
    money = account_money(alice, acme, TODAY)

    # C-1 at its amended 120 000.00 RUB; C-2 2 000.00 + C-2-open 10.00 USD; the fixed C-3 is not recurring.
    assert money.mrr == [Amount(Decimal("120000.00"), "RUB"), Amount(Decimal("2010.00"), "USD")]
    assert account_money(alice, acme, D(2026, 3, 31)).mrr[0] == Amount(Decimal("100000.00"), "RUB")


def test_it_keeps_the_unallocated_part_of_a_payment_as_credit_and_shows_the_last_payment(alice, acme, acme_money):
    money = account_money(alice, acme, TODAY)

    assert money.credit == [Amount(Decimal("10000.00"), "RUB")]  # 60 000.00 received, 50 000.00 allocated
    assert money.last_payment == acme_money["last_payment"]
    assert money.last_payment.date == D(2026, 6, 2)


def test_the_head_sees_the_same_numbers(carol, acme, acme_money):
    money = account_money(carol, acme, TODAY)
    assert money.open[0] == Amount(Decimal("189999.99"), "RUB")


@pytest.mark.parametrize("who", ["sam", "clint"])
def test_specialists_and_clients_see_no_money(request, who, acme, acme_money):
    actor = request.getfixturevalue(who)
    with CaptureQueriesContext(connection) as ctx:
        assert account_money(actor, acme, TODAY) is None
    assert len(ctx.captured_queries) == 0


def test_bob_reads_nothing_of_acmes_money(bob, acme, acme_money):
    money = account_money(bob, acme, TODAY)
    assert money.is_empty
    assert money.open == money.mrr == money.credit == []


def test_mallory_reads_nothing_of_acmes_money(mallory, acme, acme_money):
    assert account_money(mallory, acme, TODAY).is_empty


def test_an_account_without_money_records_is_empty(alice, acme):
    money = account_money(alice, acme, TODAY)
    assert money.is_empty
    assert money.oldest_overdue is None


def test_it_reads_the_summary_in_the_same_queries_for_few_and_many_records(alice, acme, acme_money):
    def count() -> int:
        alice.refresh_from_db()
        with CaptureQueriesContext(connection) as ctx:
            account_money(alice, acme, TODAY)
        return len(ctx.captured_queries)

    few = count()
    for n in range(10):
        contract = ContractFactory(account=acme, number=f"X-{n}")
        Amendment.objects.create(organization=acme.organization, contract=contract, effective_date=D(2026, 2, 1))
        invoice = invoice_with_lines(
            acme, [("1", "10", "0")], number=f"X-I-{n}", issue_date=D(2026, 4, 1), due_date=D(2026, 4, 2)
        )
        paid(invoice, "5.00", D(2026, 4, 3), payment_amount="6.00")
    many = count()

    assert Payment.objects.filter(account=acme).count() == 12
    assert many == few
    assert many <= 8


# --- the money panel of the account page -------------------------------------------------------------


def account_page(client, actor, account):
    client.force_login(actor)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/accounts/{account.pk}/")
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_alice_sees_the_money_panel_on_acmes_page(client, alice, acme, acme_money):
    page, _queries = account_page(client, alice, acme)

    assert 'id="money"' in page
    assert "C-1" in page
    assert "189,999.99\u00a0RUB" in page  # open on 15 June, and still open today
    assert "I-2" in page  # the oldest overdue invoice


@pytest.mark.parametrize("who", ["sam", "clint"])
def test_specialists_and_clients_see_no_money_panel_and_pay_no_query_for_it(request, client, who, acme):
    actor = request.getfixturevalue(who)
    _page, before = account_page(client, actor, acme)
    request.getfixturevalue("acme_money")

    page, after = account_page(client, actor, acme)

    assert 'id="money"' not in page
    assert "C-1" not in page and "I-2" not in page
    assert after == before


def test_the_money_panel_keeps_its_query_count_as_records_grow(client, alice, acme, acme_money):
    _page, few = account_page(client, alice, acme)
    for n in range(6):
        ContractFactory(account=acme, number=f"P-{n}")
        invoice = invoice_with_lines(
            acme, [("1", "10", "0")], number=f"P-I-{n}", issue_date=D(2026, 4, 1), due_date=D(2026, 4, 2)
        )
        paid(invoice, "5.00", D(2026, 4, 3), payment_amount="6.00")
    _page, many = account_page(client, alice, acme)
    assert many == few


def test_the_money_panel_links_to_the_accounts_money_pages_that_open(client, alice, acme, acme_money):
    from django.urls import reverse

    page, _queries = account_page(client, alice, acme)
    links = [
        reverse("billing:contract_detail", args=[acme_money["retainer"].pk]),
        f"{reverse('billing:invoice_list')}?account={acme.pk}",
        f"{reverse('billing:receivables')}?account={acme.pk}",
        reverse("billing:invoice_detail", args=[acme_money["late"].pk]),
        reverse("billing:payment_detail", args=[acme_money["last_payment"].pk]),
    ]
    for url in links:
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200, url
