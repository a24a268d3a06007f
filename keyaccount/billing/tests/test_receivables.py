"""Receivables aging and DSO against a portfolio computed by hand (keyaccount/billing/receivables.py).

The portfolio, seen on 2026-03-31:

acme (alice), RUB
  A1  issued 01.01, due 11.01, 100 000.00; paid 30 000.00 on 01.02 and 20 000.00 on 05.04 (after as_of)
      open 70 000.00; 11.01→31.03 = 20 + 28 + 31 = 79 days            → 61–90
  A2  issued 01.03, due 11.03, 1 × 10 288.06 + 20 % tax (2 057.612 → 2 057.61) = 12 345.67
      open 12 345.67; 20 days                                          → 1–30
  A3  issued 25.03, due 04.04, 5 000.00; not yet due (−4 days)          → current
  A4  issued 01.02, 8 000.00, voided 15.02                              → not counted
  A5  a draft dated 01.03                                               → not counted
  A6  issued 02.04, after as_of                                         → not counted
  A7  issued 01.02, 4 000.00, paid in full 10.02                        → nothing open
  A8  issued 01.12.2025, due 11.12.2025, 3 000.00, voided 10.04 (after as_of)
      open 3 000.00; 11.12→31.03 = 20 + 31 + 28 + 31 = 110 days        → 90+
acme, USD
  U1  issued 10.02, due 20.02, 1 500.50; paid 500.25 on 01.03
      open 1 000.25; 20.02→31.03 = 8 + 31 = 39 days                    → 31–60
globex (bob), RUB
  G1  issued 20.03, due 31.03, 50 000.00; due today (0 days)            → current
  G2  issued 01.11.2025, due 30.11.2025, 20 000.00; paid 5 000.00 on 15.01
      open 15 000.00; 30.11→31.03 = 31 + 31 + 28 + 31 = 121 days       → 90+
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from keyaccount.billing import receivables
from keyaccount.billing.selectors import invoices_visible_to
from keyaccount.billing.tests.factories import invoice_with_lines, paid

D = datetime.date
AS_OF = D(2026, 3, 31)


def _one(account, number, total, issued, due, **kwargs):
    return invoice_with_lines(account, [("1", total, "0")], number=number, issue_date=issued, due_date=due, **kwargs)


@pytest.fixture
def portfolio(acme, globex):
    a1 = _one(acme, "A1", "100000.00", D(2026, 1, 1), D(2026, 1, 11))
    paid(a1, "30000.00", D(2026, 2, 1))
    paid(a1, "20000.00", D(2026, 4, 5))
    a2 = invoice_with_lines(
        acme, [("1", "10288.06", "20")], number="A2", issue_date=D(2026, 3, 1), due_date=D(2026, 3, 11)
    )
    _one(acme, "A3", "5000.00", D(2026, 3, 25), D(2026, 4, 4))
    a4 = _one(acme, "A4", "8000.00", D(2026, 2, 1), D(2026, 2, 11), status="void")
    a4.voided_on = D(2026, 2, 15)
    a4.save()
    _one(acme, "A5", "7000.00", D(2026, 3, 1), D(2026, 3, 11), status="draft")
    _one(acme, "A6", "9000.00", D(2026, 4, 2), D(2026, 4, 12))
    a7 = _one(acme, "A7", "4000.00", D(2026, 2, 1), D(2026, 2, 11))
    paid(a7, "4000.00", D(2026, 2, 10))
    a8 = _one(acme, "A8", "3000.00", D(2025, 12, 1), D(2025, 12, 11), status="void")
    a8.voided_on = D(2026, 4, 10)
    a8.save()
    u1 = _one(acme, "U1", "1500.50", D(2026, 2, 10), D(2026, 2, 20), currency="USD")
    paid(u1, "500.25", D(2026, 3, 1))
    _one(globex, "G1", "50000.00", D(2026, 3, 20), D(2026, 3, 31))
    g2 = _one(globex, "G2", "20000.00", D(2025, 11, 1), D(2025, 11, 30))
    paid(g2, "5000.00", D(2026, 1, 15))
    return {"a2": a2}


def buckets(row):
    return [row.current, row.days_1_30, row.days_31_60, row.days_61_90, row.days_90_plus, row.total, row.overdue]


def money(*values):
    return [Decimal(v) for v in values]


def test_it_ages_each_account_per_currency_as_computed_by_hand(portfolio, carol):
    rows = receivables.receivables_of(carol, AS_OF)

    assert [(r.account_name, r.currency) for r in rows] == [("Acme", "RUB"), ("Acme", "USD"), ("Globex", "RUB")]
    acme_rub, acme_usd, globex_rub = rows
    assert portfolio["a2"].total == Decimal("12345.67")
    #                                 current     1–30        31–60      61–90       90+         total        overdue
    assert buckets(acme_rub) == money("5000.00", "12345.67", "0.00", "70000.00", "3000.00", "90345.67", "85345.67")
    assert acme_rub.oldest_overdue.number == "A8"
    assert acme_rub.oldest_overdue_days == 110
    assert acme_rub.invoice_count == 4
    assert buckets(acme_usd) == money("0.00", "0.00", "1000.25", "0.00", "0.00", "1000.25", "1000.25")
    assert (acme_usd.oldest_overdue.number, acme_usd.oldest_overdue_days) == ("U1", 39)
    assert buckets(globex_rub) == money("50000.00", "0.00", "0.00", "0.00", "15000.00", "65000.00", "15000.00")
    assert (globex_rub.oldest_overdue.number, globex_rub.oldest_overdue_days) == ("G2", 121)


def test_a_payment_dated_after_as_of_counts_from_its_date(portfolio, carol):
    # On 05.04 the second payment of A1 (20 000.00) is in: 100 000 − 30 000 − 20 000 = 50 000.00,
    # and A1 is 11.01→05.04 = 20 + 28 + 31 + 5 = 84 days past due.
    rows = {(r.account_name, r.currency): r for r in receivables.receivables_of(carol, D(2026, 4, 5))}

    a1 = next(i for i in receivables.open_invoices(invoices_visible_to(carol), D(2026, 4, 5)) if i.number == "A1")
    assert (a1.open_amount, a1.days_past_due, a1.bucket) == (Decimal("50000.00"), 84, "days_61_90")
    # A6 (issued 02.04, due 12.04) is now billed and current; A3 is 1 day late; A8 still counts until 10.04.
    assert rows[("Acme", "RUB")].current == Decimal("9000.00")


def test_a_voided_invoice_stops_counting_on_the_day_it_was_voided(portfolio, carol):
    before = receivables.receivables_of(carol, D(2026, 4, 9), account__name="Acme", currency="RUB")[0]
    after = receivables.receivables_of(carol, D(2026, 4, 10), account__name="Acme", currency="RUB")[0]

    assert before.days_90_plus == Decimal("3000.00")
    assert after.days_90_plus == Decimal("0.00")


def test_totals_per_currency_and_per_account_manager_are_never_mixed(portfolio, carol):
    summary = receivables.summary(invoices_visible_to(carol), AS_OF)

    rub, usd = summary.totals
    assert (rub.currency, usd.currency) == ("RUB", "USD")
    # RUB: acme 90 345.67 + globex 65 000.00
    assert buckets(rub) == money("55000.00", "12345.67", "0.00", "70000.00", "18000.00", "155345.67", "100345.67")
    assert usd.total == Decimal("1000.25")
    # The oldest overdue of the organization in RUB is globex's G2 (due 30.11.2025).
    assert rub.oldest_overdue.number == "G2"
    owners = [(r.owner_name, r.currency, r.total) for r in summary.by_owner]
    assert owners == [
        ("Alice", "RUB", Decimal("90345.67")),
        ("Alice", "USD", Decimal("1000.25")),
        ("Bob", "RUB", Decimal("65000.00")),
    ]


def test_dso_for_a_quarter_matches_the_hand_computation(portfolio, carol):
    # 01.01–31.03 is 31 + 28 + 31 = 90 days. Invoiced in RUB: A1 100 000 + A2 12 345.67 + A3 5 000 + A7 4 000
    # + G1 50 000 = 171 345.67 (A4 voided, A5 a draft, A6 and A8/G2 outside the period).
    # DSO RUB = 155 345.67 ÷ 171 345.67 × 90 = 81.596 → 81.6
    # DSO USD = 1 000.25 ÷ 1 500.50 × 90 = 59.995 → 60.0
    # alice RUB = 90 345.67 ÷ 121 345.67 × 90 = 67.008 → 67.0; bob RUB = 65 000 ÷ 50 000 × 90 = 117.0
    summary = receivables.summary(invoices_visible_to(carol), AS_OF, D(2026, 1, 1), D(2026, 3, 31))

    assert receivables.period_days(summary.period_start, summary.period_end) == 90
    assert [(t.currency, t.invoiced, t.dso) for t in summary.totals] == [
        ("RUB", Decimal("171345.67"), Decimal("81.6")),
        ("USD", Decimal("1500.50"), Decimal("60.0")),
    ]
    assert [(r.owner_name, r.currency, r.dso) for r in summary.by_owner] == [
        ("Alice", "RUB", Decimal("67.0")),
        ("Alice", "USD", Decimal("60.0")),
        ("Bob", "RUB", Decimal("117.0")),
    ]


def test_the_default_dso_period_is_the_90_days_ending_at_as_of(portfolio, carol):
    summary = receivables.summary(invoices_visible_to(carol), AS_OF)

    assert (summary.period_start, summary.period_end) == (D(2026, 1, 1), D(2026, 3, 31))


def test_dso_is_none_when_nothing_was_invoiced_in_the_period(portfolio, carol):
    summary = receivables.summary(invoices_visible_to(carol), AS_OF, D(2025, 6, 1), D(2025, 6, 30))

    # Nothing was invoiced in June 2025: the rows of 31.03 say so instead of dividing by zero.
    assert [(t.currency, t.invoiced, t.dso) for t in summary.totals] == [
        ("RUB", Decimal("0.00"), None),
        ("USD", Decimal("0.00"), None),
    ]
    assert receivables.dso(Decimal("100.00"), Decimal("0"), 30) is None


def test_dso_of_a_period_ending_before_as_of_uses_the_receivables_at_the_period_end(portfolio, carol):
    # February: 28 days. Open on 28.02 in RUB: A1 70 000 (31–60) + A8 3 000 + G2 15 000 + A4 voided 15.02 (no)
    # = 88 000.00. Invoiced in February in RUB: A4 voided by 28.02 (no) + A7 4 000 = 4 000.00.
    # DSO = 88 000 ÷ 4 000 × 28 = 616.0
    summary = receivables.summary(invoices_visible_to(carol), AS_OF, D(2026, 2, 1), D(2026, 2, 28))

    rub = summary.totals[0]
    assert (rub.currency, rub.invoiced, rub.dso) == ("RUB", Decimal("4000.00"), Decimal("616.0"))


def test_each_person_sees_only_the_receivables_of_accounts_they_see(portfolio, alice, bob, sam, clint, mallory):
    assert {r.account_name for r in receivables.receivables_of(alice, AS_OF)} == {"Acme"}
    assert {r.account_name for r in receivables.receivables_of(bob, AS_OF)} == {"Globex"}
    assert receivables.receivables_of(sam, AS_OF) == []
    assert receivables.receivables_of(clint, AS_OF) == []
    assert receivables.receivables_of(mallory, AS_OF) == []


def test_amounts_round_to_the_currencys_minor_units(acme, carol):
    # JPY has no minor units: 3 × 333 yen + 10 % tax = 999 + 99.9 → 100 = 1 099 yen.
    invoice = invoice_with_lines(
        acme, [("3", "333", "10")], number="J1", issue_date=D(2026, 3, 1), due_date=D(2026, 3, 2), currency="JPY"
    )
    row = receivables.receivables_of(carol, AS_OF)[0]

    assert invoice.total == Decimal("1099")
    assert (row.currency, row.days_1_30, row.total) == ("JPY", Decimal("1099"), Decimal("1099"))
