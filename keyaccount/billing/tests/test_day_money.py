"""The money part of My day: invoices to issue, overdue invoices, acts to chase, renewals due, and the
overdue receivables a head sees per account manager; who gets what; the query budget."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyaccount.billing.day import money_day_for
from keyaccount.billing.models import Act, Amendment, BillingSettings, Renewal
from keyaccount.billing.summary import Amount
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines, paid
from keyaccount.core.tests.factories import AccountFactory, member, on_team
from keyaccount.day.selectors import day_for
from keyaccount.tenancy.models import Role

D = datetime.date
TODAY = D(2026, 6, 15)


def act(account, number, *, sent_on=None, signed_on=None, amount="10000.00"):
    return Act.objects.create(
        organization=account.organization,
        account=account,
        number=number,
        period_start=D(2026, 4, 1),
        period_end=D(2026, 4, 30),
        amount=Decimal(amount),
        sent_on=sent_on,
        signed_on=signed_on,
    )


def june_invoice(account, contract, number, status="paid"):
    paid_amount = "100.00" if status == "paid" else "0"
    invoice = invoice_with_lines(
        account,
        [("1", "100", "0")],
        number=number,
        issue_date=D(2026, 6, 1),
        contract=contract,
        status=status,
        paid=paid_amount,
    )
    invoice.period_start, invoice.period_end = D(2026, 6, 1), D(2026, 6, 30)
    invoice.save()
    return invoice


@pytest.fixture
def money(org, acme, globex):
    """acme's and globex's money on 15 June 2026."""
    billed = ContractFactory(account=acme, number="C-1")
    june_invoice(acme, billed, "J-1")
    ContractFactory(account=acme, number="C-2", end_date=D(2026, 7, 10))  # notice passed on 10 June
    long_notice = ContractFactory(account=acme, number="C-3", notice_days=180)  # notice by 4 July
    Amendment.objects.create(
        organization=org, contract=long_notice, effective_date=D(2026, 5, 1), new_value=Decimal("130000.00")
    )
    june_invoice(acme, long_notice, "J-3", status="void")
    decided = ContractFactory(account=acme, number="C-4", end_date=D(2026, 7, 1))
    june_invoice(acme, decided, "J-4")
    Renewal.objects.create(
        organization=org, contract=decided, term_end=D(2026, 7, 1), outcome="renewed", decided_on=D(2026, 6, 1)
    )
    ContractFactory(account=acme, number="C-5", start_date=D(2025, 1, 1), end_date=D(2025, 12, 31), status="expired")
    ContractFactory(account=acme, number="C-6", billing_model="fixed", end_date=D(2026, 9, 30))
    ContractFactory(account=acme, number="C-7", status="signed", end_date=D(2027, 6, 30))

    draft = invoice_with_lines(acme, [("1", "7000", "0")], number="D-1", issue_date=D(2026, 6, 14), status="draft")
    late = invoice_with_lines(acme, [("1", "50000", "20")], number="I-a", issue_date=D(2026, 4, 21))
    late.due_date = D(2026, 5, 1)
    late.save()
    partly = invoice_with_lines(
        acme, [("2", "12345.67", "20")], number="I-b", issue_date=D(2026, 6, 1), due_date=D(2026, 6, 10)
    )
    paid(partly, "10000.00", D(2026, 6, 12))
    invoice_with_lines(acme, [("1", "1000", "0")], number="I-c", issue_date=D(2026, 6, 5), due_date=TODAY)
    settled = invoice_with_lines(acme, [("1", "1000", "0")], number="I-d", issue_date=D(2026, 4, 1))
    paid(settled, "1000.00", D(2026, 5, 30))

    act(acme, "A-1", sent_on=D(2026, 5, 20))
    act(acme, "A-2", sent_on=D(2026, 6, 5))
    act(acme, "A-3", sent_on=D(2026, 5, 1), signed_on=D(2026, 5, 3))
    act(acme, "A-4")
    act(acme, "A-5", sent_on=D(2026, 6, 1))

    g = invoice_with_lines(
        globex, [("1", "1000", "0")], number="G-1", currency="USD", issue_date=D(2026, 5, 1), due_date=D(2026, 6, 1)
    )
    invoice_with_lines(globex, [("1", "10", "0")], number="G-D", issue_date=D(2026, 6, 1), status="draft")
    act(globex, "G-A", sent_on=D(2026, 4, 1))
    ContractFactory(account=globex, number="G-C", end_date=D(2026, 7, 1))
    return {"draft": draft, "late": late, "partly": partly, "globex_late": g}


def numbers(rows):
    return [row.number for row in rows]


def test_alice_gets_the_money_to_see_to_on_her_accounts(alice, money):
    day = money_day_for(alice, TODAY)

    assert numbers(day.invoices_to_issue) == ["D-1"]
    # C-1 and C-4 have June invoices; C-3's is void; C-6 is fixed, C-7 only signed, C-5 expired.
    assert numbers(day.contracts_to_invoice) == ["C-2", "C-3"]
    assert [c.current_value for c in day.contracts_to_invoice] == [Decimal("100000.00"), Decimal("130000.00")]
    assert numbers(day.overdue_invoices) == ["I-a", "I-b"]  # oldest first; I-c falls due today
    assert [i.days_overdue for i in day.overdue_invoices] == [45, 5]  # from 1 May and 10 June
    # I-b: 2 × 12 345.67 = 24 691.34 + 20 % (4 938.268 → 4 938.27) = 29 629.61, 10 000.00 paid.
    assert [i.open_amount for i in day.overdue_invoices] == [Decimal("60000.00"), Decimal("19629.61")]
    assert day.overdue_total == [Amount(Decimal("79629.61"), "RUB")]
    # Sent 26 and 14 days ago (chased after 14); A-2 was sent 10 days ago, A-3 is signed, A-4 not sent.
    assert numbers(day.acts_to_chase) == ["A-1", "A-5"]
    assert [a.days_waiting for a in day.acts_to_chase] == [26, 14]


def test_renewals_due_are_the_ends_and_notice_deadlines_within_30_days_without_an_outcome(alice, money):
    rows = money_day_for(alice, TODAY).renewals_due

    # C-3: 180 days' notice before 31 December is 4 July; C-2 ends on 10 July (its notice passed on 10 June);
    # C-4 ends on 1 July but its renewal is recorded; C-1 ends on 31 December with notice by 1 December.
    assert [r.contract.number for r in rows] == ["C-3", "C-2"]
    c3, c2 = rows
    assert (c3.notice_deadline, c3.days_to_notice, c3.days_to_end, c3.value) == (
        D(2026, 7, 4),
        19,
        199,
        Decimal("130000.00"),
    )
    assert (c2.end, c2.days_to_end, c2.notice_deadline, c2.days_to_notice) == (D(2026, 7, 10), 25, D(2026, 6, 10), -5)


def test_the_organizations_chase_period_decides_which_acts_are_chased(org, alice, money):
    BillingSettings.objects.create(organization=org, act_chase_days=20)
    assert numbers(money_day_for(alice, TODAY).acts_to_chase) == ["A-1"]


def test_ann_the_assistant_gets_acmes_money_too(ann, money):
    day = money_day_for(ann, TODAY)
    assert numbers(day.overdue_invoices) == ["I-a", "I-b"]


def test_bob_gets_globex_and_never_acme(bob, money):
    day = money_day_for(bob, TODAY)

    assert numbers(day.invoices_to_issue) == ["G-D"]
    assert numbers(day.overdue_invoices) == ["G-1"]
    assert numbers(day.acts_to_chase) == ["G-A"]
    assert [r.contract.number for r in day.renewals_due] == ["G-C"]
    assert numbers(day.contracts_to_invoice) == ["G-C"]
    assert day.overdue_total == [Amount(Decimal("1000.00"), "USD")]


@pytest.mark.parametrize("who", ["sam", "clint", "sally"])
def test_specialists_clients_and_sales_get_no_money_in_their_day(request, who, money):
    assert money_day_for(request.getfixturevalue(who), TODAY) is None


def test_mallory_never_sees_acmes_money_in_her_day(mallory, initech, money):
    day = day_for(mallory)
    assert day.money is not None
    assert day.money.overdue_invoices == day.money.invoices_to_issue == []


def test_the_head_sees_overdue_receivables_per_currency_and_per_account_manager(carol, alice, bob, money):
    day = money_day_for(carol, TODAY)

    assert day.invoices_to_issue == day.overdue_invoices == day.renewals_due == []
    # Never summed across currencies: 79 629.61 RUB of acme, 1 000.00 USD of globex.
    assert day.overdue_total == [Amount(Decimal("79629.61"), "RUB"), Amount(Decimal("1000.00"), "USD")]
    assert day.overdue_by_owner == {
        alice.pk: [Amount(Decimal("79629.61"), "RUB")],
        bob.pk: [Amount(Decimal("1000.00"), "USD")],
    }


def test_the_heads_team_rows_carry_each_managers_overdue_money(carol, alice, bob, sam, money):
    team = {row.user.name: row for row in day_for(carol).team}

    assert team["Alice"].overdue_money[0].currency == "RUB"
    assert team["Bob"].overdue_money == [Amount(Decimal("1000.00"), "USD")]
    assert team["Sam"].overdue_money == []


def test_my_day_api_returns_the_money_as_decimal_strings(api, alice, money):
    api.force_authenticate(alice)

    money_data = api.get("/api/v1/me/day/").data["money"]

    # Today is past 15 June 2026, so I-c is overdue here too.
    assert [i["number"] for i in money_data["overdue_invoices"]] == ["I-a", "I-b", "I-c"]
    assert money_data["overdue_invoices"][1]["open_amount"] == "19629.61"
    assert money_data["overdue_invoices"][1]["total"] == "29629.61"
    assert money_data["overdue_total"] == [{"amount": "80629.61", "currency": "RUB"}]
    assert set(money_data) == {
        "invoices_to_issue",
        "contracts_to_invoice",
        "overdue_invoices",
        "acts_to_chase",
        "renewals_due",
        "overdue_total",
    }


def test_my_day_api_has_no_money_for_sam(api, sam, money):
    api.force_authenticate(sam)
    assert api.get("/api/v1/me/day/").data["money"] is None


def test_the_day_page_shows_the_money_to_alice_and_not_to_sam(client, alice, sam, money):
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert 'id="money"' in page
    assert "I-a" in page

    client.force_login(sam)
    page = client.get("/").content.decode()
    assert 'id="money"' not in page
    assert "I-a" not in page


def test_the_day_page_shows_the_head_the_overdue_receivables(client, carol, alice, money):
    client.force_login(carol)
    page = client.get("/").content.decode()
    assert "Overdue receivables" in page
    assert "1,000.00\u00a0USD" in page


def test_the_money_of_the_day_runs_the_same_queries_for_few_and_many_records(org, alice, carol, acme, money):
    def count(actor) -> int:
        actor.refresh_from_db()
        with CaptureQueriesContext(connection) as ctx:
            day_for(actor, now=timezone.now())
        return len(ctx.captured_queries)

    few_am, few_head = count(alice), count(carol)
    for n in range(8):
        account = AccountFactory(organization=org, name=f"Client {n}", owner=alice)
        on_team(account, alice)
        other = member(org, Role.ACCOUNT_MANAGER, f"am{n}")
        contract = ContractFactory(account=account, number=f"X-{n}", end_date=TODAY + datetime.timedelta(days=10))
        Amendment.objects.create(organization=org, contract=contract, effective_date=D(2026, 3, 1))
        invoice_with_lines(account, [("1", "10", "0")], number=f"X-D-{n}", issue_date=TODAY, status="draft")
        invoice_with_lines(account, [("1", "10", "0")], number=f"X-I-{n}", issue_date=D(2026, 5, 1))
        act(account, f"X-A-{n}", sent_on=D(2026, 5, 1))
        theirs = AccountFactory(organization=org, name=f"Theirs {n}", owner=other)
        invoice_with_lines(theirs, [("1", "10", "0")], number=f"Y-I-{n}", issue_date=D(2026, 5, 1))
    many_am, many_head = count(alice), count(carol)

    assert len(money_day_for(alice, TODAY).acts_to_chase) == 10
    assert many_am == few_am
    assert many_head == few_head


def test_the_day_links_each_invoice_act_and_contract_to_its_page(client, alice, money):
    from django.urls import reverse

    client.force_login(alice)
    page = client.get("/").content.decode()

    assert f'href="{reverse("billing:invoice_detail", args=[money["late"].pk])}"' in page
    assert f'href="{reverse("billing:invoice_detail", args=[money["draft"].pk])}"' in page
    chased = Act.objects.get(number="A-1")
    assert f'href="{reverse("billing:act_edit", args=[chased.pk])}"' in page
