"""Invoice services: totals and rounding per currency, numbering, due dates, every bad input, the
draft → issued → void rules, and invoicing a retainer for a period. Numbers are computed by hand below."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyaccount.billing.models import Amendment, BillingSettings, Invoice, InvoiceLine
from keyaccount.billing.services.invoices import (
    invoice_create,
    invoice_delete,
    invoice_generate_from_contract,
    invoice_issue,
    invoice_update,
    invoice_void,
    next_invoice_number,
    period_label,
)
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines, paid
from keyaccount.core.models import AuditEvent
from keyaccount.core.services import ConflictError
from keyaccount.work.models import Service

D = Decimal
day = datetime.date


def line(q="1", p="100.00", t="20", description="SEO"):
    return {"description": description, "quantity": D(q), "unit_price": D(p), "tax_rate": D(t)}


def make(actor, account, **kwargs):
    kwargs.setdefault("issue_date", day(2026, 3, 2))
    kwargs.setdefault("lines", [line()])
    return invoice_create(actor=actor, account=account, **kwargs)


def errors_of(excinfo):
    return excinfo.value.message_dict


# --- totals and rounding ----------------------------------------------------------------------------


def test_it_rounds_each_line_half_up_to_kopecks_and_adds_the_rounded_lines(alice, acme):
    invoice = make(
        alice,
        acme,
        currency="RUB",
        lines=[line("3", "33.33", "20"), line("1.5", "10.01", "20"), line("2", "0.05", "10")],
    )
    # 3 × 33.33 = 99.99, tax 19.998 → 20.00, total 119.99
    # 1.5 × 10.01 = 15.015 → 15.02, tax 3.004 → 3.00, total 18.02
    # 2 × 0.05 = 0.10, tax 0.01, total 0.11
    assert [(li.net, li.tax, li.total) for li in invoice.lines.all()] == [
        (D("99.99"), D("20.00"), D("119.99")),
        (D("15.02"), D("3.00"), D("18.02")),
        (D("0.10"), D("0.01"), D("0.11")),
    ]
    invoice.refresh_from_db()
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (D("115.11"), D("23.01"), D("138.12"))
    assert invoice.status == "draft"
    assert invoice.open_amount == D("0")  # a draft owes nothing yet


def test_it_rounds_yen_to_whole_units(alice, acme):
    invoice = make(alice, acme, currency="JPY", lines=[line("3", "333", "10"), line("0.5", "101", "10")])
    # 3 × 333 = 999, tax 99.9 → 100, total 1099; 0.5 × 101 = 50.5 → 51, tax 5.1 → 5, total 56
    assert [(li.net, li.tax, li.total) for li in invoice.lines.all()] == [
        (D("999"), D("100"), D("1099")),
        (D("51"), D("5"), D("56")),
    ]
    invoice.refresh_from_db()
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (D("1050"), D("105"), D("1155"))


def test_it_refuses_a_yen_price_with_decimals(alice, acme):
    with pytest.raises(ValidationError) as e:
        make(alice, acme, currency="JPY", lines=[line("1", "100", "0"), line("1", "10.5", "0")])
    assert list(errors_of(e)) == ["lines[1].unit_price"]
    assert Invoice.objects.count() == 0


def test_it_refuses_a_price_in_fractions_of_a_kopeck(alice, acme):
    with pytest.raises(ValidationError) as e:
        make(alice, acme, lines=[line("1", "10.005", "0")])
    assert list(errors_of(e)) == ["lines[0].unit_price"]


# --- numbering and due dates ------------------------------------------------------------------------


def test_it_numbers_invoices_by_year_after_the_highest_used(alice, acme, initech):
    for number in ("2026-030", "2026-7", "INV-99", "2025-100"):
        invoice_with_lines(acme, [("1", "10", "0")], number=number, issue_date=day(2026, 1, 1))
    invoice_with_lines(initech, [("1", "10", "0")], number="2026-050", issue_date=day(2026, 1, 1))

    assert next_invoice_number(acme.organization, day(2026, 5, 1)) == "2026-031"
    assert next_invoice_number(acme.organization, day(2027, 1, 1)) == "2027-001"
    assert make(alice, acme, issue_date=day(2026, 5, 1)).number == "2026-031"
    assert make(alice, acme, issue_date=day(2026, 5, 2)).number == "2026-032"


def test_it_keeps_a_number_typed_by_hand_and_refuses_a_duplicate(alice, acme):
    assert make(alice, acme, number="A-17").number == "A-17"
    with pytest.raises(ValidationError) as e:
        make(alice, acme, number="A-17")
    assert list(errors_of(e)) == ["number"]
    assert Invoice.objects.count() == 1


def test_it_takes_the_due_date_from_the_contracts_payment_terms(alice, acme):
    contract = ContractFactory(account=acme, payment_terms_days=15)
    invoice = make(alice, acme, contract=contract, issue_date=day(2026, 3, 20))
    assert invoice.due_date == day(2026, 4, 4)  # 20 March + 15 days
    assert invoice.currency == "RUB"


def test_it_takes_the_organizations_terms_without_a_contract(alice, acme, org):
    BillingSettings.objects.create(organization=org, payment_terms_days=20)
    assert make(alice, acme, issue_date=day(2026, 3, 20)).due_date == day(2026, 4, 9)
    assert make(alice, acme, issue_date=day(2026, 3, 20), due_date=day(2026, 3, 25)).due_date == day(2026, 3, 25)


def test_it_records_the_creation_in_the_audit_trail(alice, acme):
    invoice = make(alice, acme)
    event = AuditEvent.objects.get(object_type="billing.invoice", object_id=str(invoice.pk))
    assert event.action == "create"
    assert event.account_id == acme.pk
    assert event.changes["total"] == [None, "120.00"]


# --- bad input: a field error and nothing written ---------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([line(q="0")], "lines[0].quantity"),
        ([line(q="-1")], "lines[0].quantity"),
        ([line(), line(p="0")], "lines[1].unit_price"),
        ([line(p="-5.00")], "lines[0].unit_price"),
        ([line(t="-1")], "lines[0].tax_rate"),
        ([line(t="100.01")], "lines[0].tax_rate"),
        ([line(description="  ")], "lines[0].description"),
        ([line(q="0.0001")], "lines[0].quantity"),
        ([{**line(), "quantity": 1.5}], "lines[0].quantity"),
    ],
)
def test_it_refuses_a_bad_line_naming_the_line_and_field(alice, acme, lines, field):
    with pytest.raises(ValidationError) as e:
        make(alice, acme, lines=lines)
    assert field in errors_of(e)
    assert Invoice.objects.count() == 0
    assert InvoiceLine.objects.count() == 0


def test_it_refuses_a_currency_other_than_the_contracts(alice, acme):
    contract = ContractFactory(account=acme, currency="RUB")
    with pytest.raises(ValidationError) as e:
        make(alice, acme, contract=contract, currency="USD")
    assert list(errors_of(e)) == ["currency"]


def test_it_refuses_a_contract_of_another_account(alice, acme, globex):
    contract = ContractFactory(account=globex)
    with pytest.raises(ValidationError) as e:
        make(alice, acme, contract=contract)
    assert list(errors_of(e)) == ["contract"]


def test_it_refuses_a_contract_of_another_organization(alice, acme, initech):
    with pytest.raises(ValidationError) as e:
        make(alice, acme, contract=ContractFactory(account=initech))
    assert list(errors_of(e)) == ["contract"]


def test_it_refuses_dates_out_of_order(alice, acme):
    with pytest.raises(ValidationError) as e:
        make(alice, acme, issue_date=day(2026, 3, 10), due_date=day(2026, 3, 9))
    assert list(errors_of(e)) == ["due_date"]
    with pytest.raises(ValidationError) as e:
        make(alice, acme, period_start=day(2026, 3, 31), period_end=day(2026, 3, 1))
    assert list(errors_of(e)) == ["period_end"]
    with pytest.raises(ValidationError) as e:
        make(alice, acme, period_start=day(2026, 3, 1))
    assert list(errors_of(e)) == ["period_end"]
    assert Invoice.objects.count() == 0


def test_it_refuses_people_who_may_not_bill_the_account(acme, bob, sam, sally, clint, mallory):
    for person in (bob, sam, sally, clint, mallory):
        with pytest.raises(PermissionDenied):
            make(person, acme)
    assert Invoice.objects.count() == 0


def test_a_head_and_an_assistant_may_bill_the_account(acme, carol, ann):
    assert make(carol, acme).created_by == carol
    assert make(ann, acme).created_by == ann


# --- changing a draft -------------------------------------------------------------------------------


def test_it_replaces_the_lines_of_a_draft_and_recomputes_the_totals(alice, acme):
    invoice = make(alice, acme, lines=[line(), line("2", "50.00", "0")])
    updated = invoice_update(
        actor=alice, invoice=invoice, data={"lines": [line("4", "25.25", "20")]}, expected_version=invoice.version
    )
    # 4 × 25.25 = 101.00, tax 20.20, total 121.20
    assert [li.total for li in updated.lines.all()] == [D("121.20")]
    assert (updated.subtotal, updated.tax_total, updated.total) == (D("101.00"), D("20.20"), D("121.20"))
    assert updated.version == 2
    event = AuditEvent.objects.filter(action="update", object_id=str(invoice.pk)).get()
    assert event.changes["total"] == ["220.00", "121.20"]  # 120.00 + 2 × 50.00 before


def test_moving_the_issue_date_keeps_the_days_to_pay(alice, acme):
    invoice = make(alice, acme, issue_date=day(2026, 3, 2), due_date=day(2026, 3, 9))
    updated = invoice_update(actor=alice, invoice=invoice, data={"issue_date": day(2026, 3, 10)})
    assert updated.due_date == day(2026, 3, 17)


def test_it_refuses_a_stale_edit(alice, acme):
    invoice = make(alice, acme)
    invoice_update(actor=alice, invoice=invoice, data={"note": "first"}, expected_version=1)
    with pytest.raises(ConflictError):
        invoice_update(actor=alice, invoice=invoice, data={"note": "second"}, expected_version=1)
    assert Invoice.objects.get().note == "first"


def test_it_refuses_to_edit_an_issued_invoice(alice, acme):
    invoice = invoice_issue(actor=alice, invoice=make(alice, acme))
    with pytest.raises(ValidationError) as e:
        invoice_update(actor=alice, invoice=invoice, data={"note": "late change"})
    assert "void it and issue a new one" in errors_of(e)["status"][0]
    with pytest.raises(ValidationError):
        invoice_delete(actor=alice, invoice=invoice)
    assert Invoice.objects.get().note == ""


def test_it_refuses_a_bad_line_on_update_and_keeps_the_old_ones(alice, acme):
    invoice = make(alice, acme)
    with pytest.raises(ValidationError) as e:
        invoice_update(actor=alice, invoice=invoice, data={"lines": [line(), line(q="0")]})
    assert list(errors_of(e)) == ["lines[1].quantity"]
    assert [li.total for li in InvoiceLine.objects.all()] == [D("120.00")]


def test_a_draft_is_deleted_with_its_lines(alice, acme):
    invoice_delete(actor=alice, invoice=make(alice, acme))
    assert Invoice.objects.count() == 0
    assert InvoiceLine.objects.count() == 0


# --- issuing and voiding ----------------------------------------------------------------------------


def test_issuing_a_draft_makes_it_owed(alice, acme):
    invoice = invoice_issue(actor=alice, invoice=make(alice, acme))
    invoice.refresh_from_db()
    assert invoice.status == "issued"
    assert invoice.issued_at is not None
    assert invoice.open_amount == D("120.00")


def test_it_refuses_to_issue_twice_or_a_zero_total(alice, acme):
    invoice = invoice_issue(actor=alice, invoice=make(alice, acme))
    with pytest.raises(ValidationError) as e:
        invoice_issue(actor=alice, invoice=invoice)
    assert list(errors_of(e)) == ["status"]
    # 0.001 × 1 yen rounds to a zero line.
    zero = make(alice, acme, currency="JPY", lines=[line("0.001", "1", "0")])
    assert zero.total == D("0")
    with pytest.raises(ValidationError) as e:
        invoice_issue(actor=alice, invoice=zero)
    assert list(errors_of(e)) == ["total"]
    assert Invoice.objects.get(pk=zero.pk).status == "draft"


def test_voiding_needs_a_reason_and_keeps_it(alice, acme):
    invoice = invoice_issue(actor=alice, invoice=make(alice, acme))
    with pytest.raises(ValidationError) as e:
        invoice_void(actor=alice, invoice=invoice, reason="  ")
    assert list(errors_of(e)) == ["reason"]
    voided = invoice_void(actor=alice, invoice=invoice, reason="Wrong legal entity", voided_on=day(2026, 3, 5))
    voided.refresh_from_db()
    assert (voided.status, voided.void_reason, voided.voided_on) == ("void", "Wrong legal entity", day(2026, 3, 5))
    assert voided.open_amount == D("0")
    with pytest.raises(ValidationError):
        invoice_void(actor=alice, invoice=voided, reason="again")


def test_it_refuses_to_void_an_invoice_with_payments_allocated(alice, acme):
    invoice = invoice_with_lines(acme, [("1", "1000.00", "0")], number="2026-001", issue_date=day(2026, 3, 1))
    paid(invoice, "400.00", day(2026, 3, 5))
    with pytest.raises(ValidationError) as e:
        invoice_void(actor=alice, invoice=invoice, reason="Duplicate")
    assert "Remove the allocations" in errors_of(e)["status"][0]
    assert Invoice.objects.get().status == "partially_paid"


def test_bob_may_not_issue_or_void_acmes_invoice(alice, bob, acme):
    invoice = make(alice, acme)
    with pytest.raises(PermissionDenied):
        invoice_issue(actor=bob, invoice=invoice)
    with pytest.raises(PermissionDenied):
        invoice_void(actor=bob, invoice=invoice, reason="x")
    assert Invoice.objects.get().status == "draft"


# --- invoicing a retainer for a period --------------------------------------------------------------


@pytest.fixture
def retainer(acme, org):
    contract = ContractFactory(
        account=acme, value=D("100000.00"), tax_rate=D("20"), payment_terms_days=5, start_date=day(2026, 1, 15)
    )
    contract.services.set([Service.objects.create(organization=org, name="SEO")])
    Amendment.objects.create(organization=org, contract=contract, effective_date=day(2026, 4, 1), new_value=D("120000"))
    return contract


def test_it_invoices_a_retainer_for_a_month_at_its_value_then(alice, retainer):
    invoice = invoice_generate_from_contract(
        actor=alice, contract=retainer, period_start=day(2026, 3, 1), issue_date=day(2026, 3, 1)
    )
    assert (invoice.period_start, invoice.period_end) == (day(2026, 3, 1), day(2026, 3, 31))
    assert invoice.due_date == day(2026, 3, 6)
    (only,) = invoice.lines.all()
    assert only.description == "SEO — March 2026"
    assert (only.quantity, only.unit_price, only.tax_rate) == (D("1"), D("100000.00"), D("20.00"))
    # 100 000.00 + 20 % = 120 000.00
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (D("100000.00"), D("20000.00"), D("120000.00"))

    april = invoice_generate_from_contract(
        actor=alice, contract=retainer, period_start=day(2026, 4, 1), issue_date=day(2026, 4, 1)
    )
    assert april.lines.get().unit_price == D("120000.00")  # the amendment from 1 April


def test_it_refuses_a_second_invoice_for_an_overlapping_period(alice, retainer):
    invoice_generate_from_contract(actor=alice, contract=retainer, period_start=day(2026, 3, 1))
    with pytest.raises(ValidationError) as e:
        invoice_generate_from_contract(
            actor=alice, contract=retainer, period_start=day(2026, 3, 15), period_end=day(2026, 4, 14)
        )
    assert list(errors_of(e)) == ["period_start"]
    assert Invoice.objects.count() == 1


def test_a_voided_period_invoice_may_be_generated_again(alice, retainer):
    first = invoice_generate_from_contract(actor=alice, contract=retainer, period_start=day(2026, 3, 1))
    invoice_void(actor=alice, invoice=first, reason="Wrong amount", voided_on=first.issue_date)
    again = invoice_generate_from_contract(actor=alice, contract=retainer, period_start=day(2026, 3, 1))
    assert again.pk != first.pk


def test_it_invoices_only_retainers_in_force(alice, acme, retainer):
    with pytest.raises(ValidationError) as e:
        invoice_generate_from_contract(actor=alice, contract=retainer, period_start=day(2027, 1, 1))
    assert list(errors_of(e)) == ["period_start"]
    with pytest.raises(ValidationError) as e:
        invoice_generate_from_contract(actor=alice, contract=retainer, period_start=day(2025, 12, 1))
    assert list(errors_of(e)) == ["period_start"]
    fixed = ContractFactory(account=acme, billing_model="fixed")
    with pytest.raises(ValidationError) as e:
        invoice_generate_from_contract(actor=alice, contract=fixed, period_start=day(2026, 3, 1))
    assert list(errors_of(e)) == ["contract"]
    draft = ContractFactory(account=acme, status="draft")
    with pytest.raises(ValidationError) as e:
        invoice_generate_from_contract(actor=alice, contract=draft, period_start=day(2026, 3, 1))
    assert list(errors_of(e)) == ["period_start"]
    assert Invoice.objects.count() == 0


def test_a_contract_starting_mid_month_is_invoiced_for_that_month(alice, retainer):
    # Starts 15 January: in force during January.
    invoice = invoice_generate_from_contract(actor=alice, contract=retainer, period_start=day(2026, 1, 1))
    assert invoice.total == D("120000.00")


def test_a_period_other_than_a_month_is_written_as_dates():
    assert period_label(day(2026, 3, 1), day(2026, 3, 31)) == "March 2026"
    assert period_label(day(2026, 3, 1), day(2026, 3, 15)) == "03/01/2026 – 03/15/2026"


# --- what to issue this month (My day) --------------------------------------------------------------


def test_invoices_to_issue_lists_drafts_and_retainers_without_this_months_invoice(alice, acme, globex):
    from keyaccount.billing.selectors import invoices_to_issue

    billed = ContractFactory(account=acme, number="C-BILLED")
    ContractFactory(account=acme, number="C-UNBILLED")
    voided = ContractFactory(account=acme, number="C-VOIDED")
    ContractFactory(account=acme, number="C-FIXED", billing_model="fixed")
    ContractFactory(account=acme, number="C-ENDED", end_date=day(2026, 2, 28))
    ContractFactory(account=globex, number="C-BOBS")
    for contract, status in ((billed, "issued"), (voided, "void")):
        invoice_with_lines(
            acme,
            [("1", "10", "0")],
            number=contract.number,
            issue_date=day(2026, 3, 1),
            status=status,
            contract=contract,
        )
        Invoice.objects.filter(number=contract.number).update(period_start=day(2026, 3, 1), period_end=day(2026, 3, 31))
    draft = invoice_with_lines(acme, [("1", "10", "0")], number="D-1", issue_date=day(2026, 3, 5), status="draft")

    todo = invoices_to_issue(alice, day(2026, 3, 15))
    assert todo["drafts"] == [draft]
    assert [c.number for c in todo["contracts"]] == ["C-UNBILLED", "C-VOIDED"]
