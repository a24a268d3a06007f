"""The money words, each defined once in `billing/models.py` (and the point-in-time ones in
`billing/receivables.py`): what an open, overdue, payable or deletable invoice is, how many days it is
overdue, and when a contract's notice deadline is and whether it is coming up. Fixed dates only."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from keyaccount.billing.day import OverdueInvoice
from keyaccount.billing.filtersets.invoices import overdue_q
from keyaccount.billing.models import (
    NOTICE_WINDOW_DAYS,
    Contract,
    Invoice,
    InvoiceStatus,
    days_past_due,
    notice_deadline_of,
    notice_is_soon,
)
from keyaccount.billing.receivables import OpenInvoice, oldest_overdue, open_invoices
from keyaccount.billing.selectors import invoice_totals_by_currency
from keyaccount.billing.summary import contract_in_force
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines, paid

D = datetime.date
TODAY = D(2026, 6, 15)
YESTERDAY = D(2026, 6, 14)
TOMORROW = D(2026, 6, 16)
MAY_1 = D(2026, 5, 1)
ALL_STATUSES = [s.value for s in InvoiceStatus]
OPEN = {InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID}


def invoice(status: str, due: datetime.date) -> Invoice:
    """An unsaved invoice: the model's words need no database."""
    return Invoice(status=status, issue_date=D(2026, 5, 1), due_date=due, total=Decimal("100.00"))


# --- days past due, overdue, days overdue -----------------------------------------------------------


def test_days_past_due_count_whole_days_and_are_negative_before_the_due_date():
    assert days_past_due(YESTERDAY, TODAY) == 1
    assert days_past_due(TODAY, TODAY) == 0
    assert days_past_due(TOMORROW, TODAY) == -1
    assert days_past_due(D(2026, 5, 1), TODAY) == 45


def test_an_invoice_due_yesterday_is_one_day_overdue_and_a_paid_one_never_is():
    late = invoice(InvoiceStatus.ISSUED, YESTERDAY)
    assert late.is_overdue(on=TODAY) is True
    assert late.days_overdue(on=TODAY) == 1

    settled = invoice(InvoiceStatus.PAID, D(2025, 1, 1))
    assert settled.is_overdue(on=TODAY) is False
    assert settled.days_overdue(on=TODAY) == 0


def test_an_invoice_due_today_is_not_overdue_until_tomorrow():
    due_today = invoice(InvoiceStatus.ISSUED, TODAY)
    assert (due_today.is_overdue(on=TODAY), due_today.days_overdue(on=TODAY)) == (False, 0)
    assert (due_today.is_overdue(on=TOMORROW), due_today.days_overdue(on=TOMORROW)) == (True, 1)


def test_an_invoice_not_yet_due_has_zero_days_overdue_never_negative():
    assert invoice(InvoiceStatus.ISSUED, TOMORROW).days_overdue(on=TODAY) == 0


def test_a_partially_paid_invoice_past_due_is_overdue_as_an_issued_one():
    part = invoice(InvoiceStatus.PARTIALLY_PAID, D(2026, 6, 5))
    assert (part.is_overdue(on=TODAY), part.days_overdue(on=TODAY)) == (True, 10)


@pytest.mark.parametrize("status", [InvoiceStatus.DRAFT, InvoiceStatus.VOID, InvoiceStatus.PAID])
def test_drafts_void_and_paid_invoices_are_never_overdue_however_old(status):
    old = invoice(status, D(2020, 1, 1))
    assert (old.is_overdue(on=TODAY), old.days_overdue(on=TODAY)) == (False, 0)


# --- open, payable, deletable ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_only_issued_and_partially_paid_invoices_are_open_and_payable(status):
    inv = invoice(status, TODAY)
    assert inv.is_open is (status in OPEN)
    assert inv.is_payable is (status in OPEN)
    assert (inv.open_amount > 0) is (status in OPEN)


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_only_a_draft_is_deletable(status):
    inv = invoice(status, TODAY)
    assert inv.is_deletable is (status == InvoiceStatus.DRAFT)
    assert inv.is_draft is (status == InvoiceStatus.DRAFT)
    assert inv.is_void is (status == InvoiceStatus.VOID)


# --- the queryset says the same as the model ------------------------------------------------------


@pytest.fixture
def every_kind(acme):
    """One invoice per status due yesterday, today and tomorrow (15 rows)."""
    rows = []
    for status in ALL_STATUSES:
        for due in (YESTERDAY, TODAY, TOMORROW):
            paid_amount = "50" if status == InvoiceStatus.PARTIALLY_PAID else "0"
            if status == InvoiceStatus.PAID:
                paid_amount = "100"
            rows.append(
                invoice_with_lines(
                    acme,
                    [("1", "100", "0")],
                    number=f"{status}-{due.isoformat()}",
                    issue_date=D(2026, 6, 1),
                    due_date=due,
                    status=status,
                    paid=paid_amount,
                )
            )
    return rows


def test_the_overdue_queryset_holds_exactly_the_invoices_the_model_calls_overdue(every_kind):
    expected = {i.number for i in every_kind if i.is_overdue(on=TODAY)}
    assert expected == {"issued-2026-06-14", "partially_paid-2026-06-14"}
    assert set(Invoice.objects.overdue(on=TODAY).values_list("number", flat=True)) == expected
    assert set(Invoice.objects.filter(overdue_q(TODAY)).values_list("number", flat=True)) == expected
    rest = set(Invoice.objects.not_overdue(on=TODAY).values_list("number", flat=True))
    assert rest == {i.number for i in every_kind} - expected


def test_open_drafts_and_billed_querysets_follow_the_statuses(every_kind, acme):
    def numbers(qs):
        return {n.split("-")[0] for n in qs.values_list("number", flat=True)}

    assert numbers(Invoice.objects.open()) == {"issued", "partially_paid"}
    assert numbers(Invoice.objects.drafts()) == {"draft"}
    assert numbers(Invoice.objects.billed()) == {"issued", "partially_paid", "paid"}
    # Related managers speak the same words.
    assert acme.invoices.overdue(on=TODAY).count() == 2


def test_the_overdue_total_per_currency_is_what_the_overdue_invoices_still_owe(every_kind):
    [row] = invoice_totals_by_currency(Invoice.objects.all(), TODAY)
    owed = sum((i.open_amount for i in Invoice.objects.overdue(on=TODAY)), Decimal(0))
    assert row["overdue"] == owed == Decimal("150.00")  # 100 issued + 50 left on the partly paid one


def test_on_my_day_an_overdue_invoice_reads_as_the_invoice_with_its_days_overdue(acme):
    inv = invoice_with_lines(acme, [("1", "100", "0")], number="I-1", issue_date=D(2026, 5, 1), due_date=D(2026, 6, 5))
    row = OverdueInvoice(inv, inv.days_overdue(on=TODAY))
    assert (row.number, row.account, row.open_amount, row.days_overdue) == ("I-1", acme, Decimal("100.00"), 10)


# --- receivables at a day: overdue at D and the oldest overdue invoice ------------------------------


def open_invoice(pk: int, due: datetime.date, as_of: datetime.date, issued: datetime.date = MAY_1) -> OpenInvoice:
    return OpenInvoice(
        id=pk,
        number=f"I-{pk}",
        account_id=1,
        account_name="Acme",
        owner_id=None,
        owner_name="",
        currency="RUB",
        issue_date=issued,
        due_date=due,
        total=Decimal("100.00"),
        open_amount=Decimal("100.00"),
        days_past_due=days_past_due(due, as_of),
        bucket="",
    )


def test_in_the_receivables_an_invoice_is_overdue_at_a_day_from_the_day_after_its_due_date():
    assert open_invoice(1, TODAY, TODAY).is_overdue is False
    assert open_invoice(1, YESTERDAY, TODAY).is_overdue is True


def test_the_oldest_overdue_invoice_is_the_earliest_due_then_issued_then_entered():
    rows = [
        open_invoice(3, D(2026, 6, 1), TODAY),
        open_invoice(2, D(2026, 6, 1), TODAY),
        open_invoice(1, D(2026, 6, 1), TODAY, issued=D(2026, 5, 2)),
        open_invoice(4, TODAY, TODAY),  # due today: not overdue
    ]
    assert oldest_overdue(rows).id == 2
    assert oldest_overdue([open_invoice(4, TODAY, TODAY)]) is None


def test_an_invoice_paid_after_the_day_counts_as_overdue_at_that_day(acme):
    """The receivables look back: the model's `is_overdue` is about the invoice as it stands now."""
    inv = invoice_with_lines(acme, [("1", "100", "0")], number="I-1", issue_date=D(2026, 5, 1), due_date=D(2026, 5, 11))
    paid(inv, "100.00", D(2026, 6, 1))
    assert inv.status == InvoiceStatus.PAID
    [at_may_20] = open_invoices(Invoice.objects.all(), D(2026, 5, 20))
    assert (at_may_20.is_overdue, at_may_20.days_past_due) == (True, 9)
    assert inv.is_overdue(on=D(2026, 5, 20)) is False


# --- contracts: the notice deadline and its window -------------------------------------------------


def test_the_notice_deadline_is_the_notice_period_before_the_end_and_none_when_open_ended():
    contract = Contract(end_date=D(2026, 12, 31), notice_days=30)
    assert contract.notice_deadline == D(2026, 12, 1) == notice_deadline_of(D(2026, 12, 31), 30)
    assert contract.days_to_notice(on=D(2026, 11, 30)) == 1
    assert contract.days_to_notice(on=D(2026, 12, 2)) == -1
    open_ended = Contract(end_date=None, notice_days=30)
    assert (open_ended.notice_deadline, open_ended.days_to_notice(on=TODAY)) == (None, None)


def test_a_notice_deadline_is_soon_from_the_window_of_30_days_to_the_day_itself():
    assert NOTICE_WINDOW_DAYS == 30
    assert [notice_is_soon(d) for d in (-1, 0, 30, 31, None)] == [False, True, True, False, False]


def test_the_account_page_flags_a_notice_deadline_passed_or_coming_up(acme):
    def row(end, terminated=None):
        contract = ContractFactory(account=acme, end_date=end, notice_days=30, terminated_on=terminated)
        return contract_in_force(contract, TODAY)

    soon = row(D(2026, 7, 15))  # deadline today
    assert (soon.days_to_notice, soon.notice_soon, soon.notice_passed) == (0, True, False)
    later = row(D(2026, 8, 15))  # deadline in 31 days
    assert (later.days_to_notice, later.notice_soon, later.notice_passed) == (31, False, False)
    passed = row(D(2026, 7, 14))
    assert (passed.days_to_notice, passed.notice_soon, passed.notice_passed) == (-1, False, True)
    terminated = row(D(2026, 7, 15), terminated=D(2026, 6, 1))
    assert (terminated.notice_deadline, terminated.notice_soon, terminated.notice_passed) == (None, False, False)


def test_a_draft_contract_is_the_only_one_that_is_a_draft():
    assert Contract(status="draft").is_draft is True
    assert Contract(status="active").is_draft is False
