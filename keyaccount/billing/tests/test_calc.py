"""Money arithmetic against hand-computed cases."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from keyaccount.billing import calc

D = Decimal


def test_it_rounds_half_up_to_the_currencys_minor_units():
    assert calc.round_money(D("10.005"), "RUB") == D("10.01")
    assert calc.round_money(D("10.004"), "RUB") == D("10.00")
    assert calc.round_money(D("1234.5"), "JPY") == D("1235")
    assert calc.round_money(D("-2.675"), "USD") == D("-2.68")


def test_it_refuses_decimals_the_currency_does_not_have():
    assert calc.check_minor_units(D("10.50"), "RUB")
    assert not calc.check_minor_units(D("10.505"), "RUB")
    assert not calc.check_minor_units(D("10.5"), "JPY")


def test_a_lines_tax_is_rounded_per_line_and_the_total_adds_the_rounded_lines():
    # 3 × 333.33 = 999.99; VAT 20 % = 199.998 → 200.00; line total 1199.99
    first = calc.line_amounts(D("3"), D("333.33"), D("20"), "RUB")
    assert (first.net, first.tax, first.total) == (D("999.99"), D("200.00"), D("1199.99"))
    # 0.5 h × 1 500.01 = 750.005 → 750.01; no tax
    second = calc.line_amounts(D("0.5"), D("1500.01"), D("0"), "RUB")
    assert (second.net, second.tax, second.total) == (D("750.01"), D("0.00"), D("750.01"))
    totals = calc.invoice_totals([first, second])
    assert (totals.subtotal, totals.tax_total, totals.total) == (D("1750.00"), D("200.00"), D("1950.00"))


def test_yen_lines_have_no_minor_units():
    line = calc.line_amounts(D("1"), D("1001"), D("10"), "JPY")  # tax 100.1 → 100
    assert (line.net, line.tax, line.total) == (D("1001"), D("100"), D("1101"))


def _contract(**kwargs):
    base = {
        "account_id": 1,
        "currency": "RUB",
        "billing_model": "retainer",
        "status": "active",
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2026, 12, 31),
        "terminated_on": None,
        "value": D("100000.00"),
    }
    base.update(kwargs)
    amendments = base.pop("amendments", [])
    contract = SimpleNamespace(**base)
    contract.amendments = SimpleNamespace(all=lambda: amendments)
    return contract


def test_the_value_on_a_day_follows_the_amendments_effective_by_then():
    amendments = [
        SimpleNamespace(effective_date=datetime.date(2026, 7, 1), new_value=D("90000.00")),
        SimpleNamespace(effective_date=datetime.date(2026, 4, 1), new_value=D("120000.00")),
        SimpleNamespace(effective_date=datetime.date(2026, 5, 1), new_value=None),  # scope only
    ]
    contract = _contract(amendments=amendments)
    assert calc.value_on(contract, datetime.date(2026, 3, 31)) == D("100000.00")
    assert calc.value_on(contract, datetime.date(2026, 4, 1)) == D("120000.00")
    assert calc.value_on(contract, datetime.date(2026, 6, 30)) == D("120000.00")
    assert calc.value_on(contract, datetime.date(2026, 7, 1)) == D("90000.00")
    assert calc.value_history(contract) == [
        (datetime.date(2026, 1, 1), D("100000.00")),
        (datetime.date(2026, 4, 1), D("120000.00")),
        (datetime.date(2026, 7, 1), D("90000.00")),
    ]


def test_only_signed_retainers_in_force_count_as_recurring_revenue():
    day = datetime.date(2026, 6, 15)
    assert calc.mrr_on(_contract(), day) == D("100000.00")
    assert calc.mrr_on(_contract(status="draft"), day) == 0
    assert calc.mrr_on(_contract(billing_model="fixed"), day) == 0
    assert calc.mrr_on(_contract(start_date=datetime.date(2026, 7, 1)), day) == 0
    assert calc.mrr_on(_contract(terminated_on=datetime.date(2026, 6, 14), status="terminated"), day) == 0
    assert calc.mrr_on(_contract(end_date=None), datetime.date(2030, 1, 1)) == D("100000.00")


def test_movements_classify_each_accounts_change():
    before = {(1, "RUB"): D("100"), (2, "RUB"): D("50"), (3, "RUB"): D("70"), (5, "USD"): D("10")}
    after = {(1, "RUB"): D("150"), (2, "RUB"): D("20"), (4, "RUB"): D("30"), (5, "USD"): D("10")}
    kinds = {(m.account_id, m.kind, m.amount) for m in calc.movements(before, after)}
    assert kinds == {
        (1, "expansion", D("50")),
        (2, "contraction", D("-30")),
        (3, "churn", D("-70")),
        (4, "new", D("30")),
    }


def test_aging_buckets_count_whole_days_past_due():
    due = datetime.date(2026, 1, 31)
    as_of = lambda days: due + datetime.timedelta(days=days)  # noqa: E731
    assert [calc.bucket_of(due, as_of(d)) for d in (-5, 0, 1, 30, 31, 60, 61, 90, 91)] == [
        "current",
        "current",
        "days_1_30",
        "days_1_30",
        "days_31_60",
        "days_31_60",
        "days_61_90",
        "days_61_90",
        "days_90_plus",
    ]


def test_month_bounds():
    assert calc.month_end(datetime.date(2024, 2, 10)) == datetime.date(2024, 2, 29)
    assert calc.month_end(datetime.date(2026, 12, 1)) == datetime.date(2026, 12, 31)
    assert calc.month_start(datetime.date(2026, 12, 17)) == datetime.date(2026, 12, 1)


def test_amounts_show_with_their_currencys_decimals_in_the_users_language():
    from django.utils import translation

    from keyaccount.core.money import format_money

    with translation.override("en"):
        assert format_money(D("1234567.5"), "RUB") == "1,234,567.50\u00a0RUB"
        assert format_money(D("7700.00"), "JPY") == "7,700\u00a0JPY"
    with translation.override("ru"):
        assert format_money(D("1234567.5"), "RUB") == "1\u00a0234\u00a0567,50\u00a0RUB"
    assert format_money(None, "RUB") == ""
