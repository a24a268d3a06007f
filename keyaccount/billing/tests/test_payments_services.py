"""Recording payments, allocating them to invoices, credit, and deleting a payment recorded by mistake."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyaccount.billing import selectors
from keyaccount.billing.models import Invoice, Payment, PaymentAllocation
from keyaccount.billing.services.payments import payment_allocate, payment_delete, payment_record
from keyaccount.billing.tests.factories import invoice_with_lines
from keyaccount.core.models import AuditEvent

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.fixture
def jan(acme):
    """100 000.00 + 20 % VAT = 120 000.00, due 11 January."""
    return invoice_with_lines(acme, [("1", "100000.00", "20")], number="2026-001", issue_date=d(2026, 1, 1))


@pytest.fixture
def feb(acme):
    """2 × 15 000.50 = 30 001.00, + 20 % = 6 000.20 → 36 001.20."""
    return invoice_with_lines(acme, [("2", "15000.50", "20")], number="2026-002", issue_date=d(2026, 2, 1))


def fresh(invoice: Invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)


def test_a_partial_payment_leaves_the_invoice_partially_paid(alice, acme, jan):
    payment = payment_record(
        actor=alice,
        account=acme,
        date=d(2026, 1, 20),
        amount=Decimal("50000.00"),
        currency="RUB",
        reference="PP 1",
        allocations=[{"invoice": jan, "amount": Decimal("50000.00")}],
    )

    jan = fresh(jan)
    assert jan.total == Decimal("120000.00")
    assert (jan.status, jan.paid_amount, jan.open_amount, jan.paid_on) == (
        "partially_paid",
        Decimal("50000.00"),
        Decimal("70000.00"),
        None,
    )
    assert payment.allocated_amount == Decimal("50000.00")
    assert Payment.objects.get(pk=payment.pk).unallocated == Decimal("0.00")
    assert payment.recorded_by == alice


def test_the_payment_that_completes_an_invoice_marks_it_paid_on_its_date(alice, acme, jan):
    payment_record(
        actor=alice,
        account=acme,
        date=d(2026, 1, 20),
        amount=Decimal("50000.00"),
        currency="RUB",
        allocations=[{"invoice": jan, "amount": Decimal("50000.00")}],
    )
    payment_record(
        actor=alice,
        account=acme,
        date=d(2026, 2, 3),
        amount=Decimal("70000.00"),
        currency="RUB",
        allocations=[{"invoice": jan, "amount": Decimal("70000.00")}],
    )

    jan = fresh(jan)
    assert (jan.status, jan.paid_amount, jan.open_amount, jan.paid_on) == (
        "paid",
        Decimal("120000.00"),
        Decimal("0.00"),
        d(2026, 2, 3),
    )


def test_one_payment_covers_two_invoices_and_the_rest_is_credit(alice, acme, jan, feb):
    # 160 000.00 received: 120 000.00 settles January, 36 001.20 settles February, 3 998.80 is left.
    payment = payment_record(
        actor=alice,
        account=acme,
        date=d(2026, 2, 10),
        amount=Decimal("160000.00"),
        currency="RUB",
        allocations=[
            {"invoice": jan, "amount": Decimal("120000.00")},
            {"invoice": feb, "amount": Decimal("36001.20")},
        ],
    )

    assert payment.allocated_amount == Decimal("156001.20")
    assert payment.unallocated == Decimal("3998.80")
    assert fresh(jan).status == fresh(feb).status == "paid"
    assert selectors.account_credit(alice, acme) == {"RUB": Decimal("3998.80")}


def test_credit_is_put_against_an_invoice_later(alice, acme, jan, feb):
    payment = payment_record(
        actor=alice, account=acme, date=d(2025, 12, 20), amount=Decimal("130000.00"), currency="RUB"
    )
    assert selectors.account_credit(alice, acme) == {"RUB": Decimal("130000.00")}

    payment_allocate(actor=alice, payment=payment, allocations=[{"invoice": jan, "amount": Decimal("120000.00")}])
    payment_allocate(actor=alice, payment=payment, allocations=[{"invoice": feb, "amount": Decimal("6000.00")}])
    payment_allocate(actor=alice, payment=payment, allocations=[{"invoice": feb, "amount": Decimal("4000.00")}])

    payment.refresh_from_db()
    assert payment.allocated_amount == Decimal("130000.00")
    # One allocation row per invoice, topped up: 6 000.00 + 4 000.00.
    assert PaymentAllocation.objects.get(payment=payment, invoice=feb).amount == Decimal("10000.00")
    assert (fresh(feb).status, fresh(feb).open_amount) == ("partially_paid", Decimal("26001.20"))
    # A prepayment does not make an invoice paid before it was issued.
    assert fresh(jan).paid_on == d(2026, 1, 1)
    assert selectors.account_credit(alice, acme) == {}


def test_it_refuses_allocating_more_credit_than_is_left(alice, acme, jan):
    payment = payment_record(actor=alice, account=acme, date=d(2026, 1, 5), amount=Decimal("1000.00"), currency="RUB")

    with pytest.raises(ValidationError) as e:
        payment_allocate(actor=alice, payment=payment, allocations=[{"invoice": jan, "amount": Decimal("1000.01")}])

    assert "1000.01 RUB, more than the 1000.00 left" in str(e.value.message_dict["allocations"])
    assert fresh(jan).paid_amount == Decimal("0.00")


def test_it_refuses_allocations_above_the_payment(alice, acme, jan):
    with pytest.raises(ValidationError) as e:
        payment_record(
            actor=alice,
            account=acme,
            date=d(2026, 1, 20),
            amount=Decimal("100.00"),
            currency="RUB",
            allocations=[{"invoice": jan, "amount": Decimal("100.01")}],
        )
    assert "allocations" in e.value.message_dict
    assert not Payment.objects.exists()


def test_it_refuses_allocating_more_than_an_invoice_has_open(alice, acme, jan):
    payment_record(
        actor=alice,
        account=acme,
        date=d(2026, 1, 20),
        amount=Decimal("100000.00"),
        currency="RUB",
        allocations=[{"invoice": jan, "amount": Decimal("100000.00")}],
    )

    with pytest.raises(ValidationError) as e:
        payment_record(
            actor=alice,
            account=acme,
            date=d(2026, 1, 21),
            amount=Decimal("30000.00"),
            currency="RUB",
            allocations=[{"invoice": jan, "amount": Decimal("20000.01")}],
        )

    assert e.value.message_dict["allocations"] == [
        "Invoice 2026-001 has 20000.00 RUB open; 20000.01 cannot be put against it."
    ]
    assert Payment.objects.count() == 1
    assert fresh(jan).paid_amount == Decimal("100000.00")


def test_it_refuses_an_invoice_of_another_account(alice, carol, acme, globex):
    theirs = invoice_with_lines(globex, [("1", "500.00", "0")], number="G-1", issue_date=d(2026, 1, 1))

    with pytest.raises(ValidationError) as e:
        payment_record(
            actor=carol,
            account=acme,
            date=d(2026, 1, 20),
            amount=Decimal("500.00"),
            currency="RUB",
            allocations=[{"invoice": theirs, "amount": Decimal("500.00")}],
        )

    assert e.value.message_dict == {"allocations": ["Invoice G-1 belongs to another account."]}
    assert not Payment.objects.exists()
    assert fresh(theirs).status == "issued"


def test_it_refuses_an_invoice_in_another_currency(alice, acme):
    eur = invoice_with_lines(acme, [("1", "500.00", "0")], number="E-1", issue_date=d(2026, 1, 1), currency="EUR")

    with pytest.raises(ValidationError) as e:
        payment_record(
            actor=alice,
            account=acme,
            date=d(2026, 1, 20),
            amount=Decimal("500.00"),
            currency="RUB",
            allocations=[{"invoice": eur, "amount": Decimal("500.00")}],
        )

    assert e.value.message_dict == {"allocations": ["Invoice E-1 is in EUR, the payment in RUB."]}
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("draft", "Invoice X-1 is a draft: issue it before taking payment for it."),
        ("void", "Invoice X-1 is void."),
        ("paid", "Invoice X-1 is already paid in full."),
    ],
)
def test_it_refuses_invoices_that_take_no_payment(alice, acme, status, message):
    invoice = invoice_with_lines(acme, [("1", "500.00", "0")], number="X-1", issue_date=d(2026, 1, 1), status=status)

    with pytest.raises(ValidationError) as e:
        payment_record(
            actor=alice,
            account=acme,
            date=d(2026, 1, 20),
            amount=Decimal("500.00"),
            currency="RUB",
            allocations=[{"invoice": invoice, "amount": Decimal("500.00")}],
        )

    assert e.value.message_dict == {"allocations": [message]}


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        (Decimal("0"), "RUB", "The amount must be greater than zero."),
        (Decimal("-5.00"), "RUB", "The amount must be greater than zero."),
        (Decimal("10.005"), "RUB", "RUB amounts have no more decimals than its smallest unit."),
        (Decimal("10.5"), "JPY", "JPY amounts have no more decimals than its smallest unit."),
        (10.5, "RUB", "Give the amount as a decimal number."),
    ],
)
def test_it_refuses_amounts_that_are_not_money(alice, acme, amount, currency, message):
    with pytest.raises(ValidationError) as e:
        payment_record(actor=alice, account=acme, date=d(2026, 1, 20), amount=amount, currency=currency)

    assert e.value.message_dict == {"amount": [message]}
    assert not Payment.objects.exists()


def test_it_accepts_whole_yen(alice, acme):
    payment = payment_record(actor=alice, account=acme, date=d(2026, 1, 20), amount=Decimal("15000"), currency="JPY")
    assert selectors.account_credit(alice, acme) == {"JPY": Decimal("15000.00")}
    assert payment.currency == "JPY"


def test_it_refuses_zero_allocations_and_the_same_invoice_twice(alice, acme, jan):
    with pytest.raises(ValidationError) as e:
        payment_record(
            actor=alice,
            account=acme,
            date=d(2026, 1, 20),
            amount=Decimal("500.00"),
            currency="RUB",
            allocations=[{"invoice": jan, "amount": Decimal("0")}, {"invoice": jan, "amount": Decimal("1.00")}],
        )

    assert e.value.message_dict == {
        "allocations": [
            "2026-001: The amount must be greater than zero.",
            "Invoice 2026-001 is listed twice; give it one amount.",
        ]
    }


def test_it_refuses_a_payment_dated_in_the_future_and_an_unknown_currency(alice, acme):
    with pytest.raises(ValidationError) as e:
        payment_record(actor=alice, account=acme, date=d(2099, 1, 1), amount=Decimal("5.00"), currency="XXX")

    assert set(e.value.message_dict) == {"date", "currency"}


def test_people_who_may_not_manage_the_account_money_are_refused(bob, sam, sally, acme, jan):
    for person in (bob, sam, sally):
        with pytest.raises(PermissionDenied):
            payment_record(actor=person, account=acme, date=d(2026, 1, 20), amount=Decimal("5.00"), currency="RUB")
    assert not Payment.objects.exists()


def test_deleting_a_payment_opens_its_invoices_again(alice, acme, jan, feb):
    first = payment_record(
        actor=alice,
        account=acme,
        date=d(2026, 1, 20),
        amount=Decimal("150000.00"),
        currency="RUB",
        allocations=[
            {"invoice": jan, "amount": Decimal("120000.00")},
            {"invoice": feb, "amount": Decimal("30000.00")},
        ],
    )
    payment_record(
        actor=alice,
        account=acme,
        date=d(2026, 2, 20),
        amount=Decimal("6001.20"),
        currency="RUB",
        allocations=[{"invoice": feb, "amount": Decimal("6001.20")}],
    )
    assert fresh(feb).status == "paid"

    payment_delete(actor=alice, payment=first)

    assert (fresh(jan).status, fresh(jan).paid_amount, fresh(jan).paid_on) == ("issued", Decimal("0.00"), None)
    assert (fresh(feb).status, fresh(feb).paid_amount, fresh(feb).paid_on) == (
        "partially_paid",
        Decimal("6001.20"),
        None,
    )
    assert not PaymentAllocation.objects.filter(invoice=jan).exists()
    assert AuditEvent.objects.filter(object_type="billing.payment", action="delete").count() == 1


def test_recording_writes_one_audit_event_with_the_amounts(alice, acme, jan):
    payment = payment_record(
        actor=alice,
        account=acme,
        date=d(2026, 1, 20),
        amount=Decimal("500.00"),
        currency="RUB",
        allocations=[{"invoice": jan, "amount": Decimal("400.00")}],
    )

    event = AuditEvent.objects.get(object_type="billing.payment", object_id=str(payment.pk))
    assert event.account_id == acme.pk
    assert event.changes["amount"] == [None, "500.00"]
    assert event.changes["allocated_amount"] == [None, "400.00"]


def test_last_payment_and_credit_by_account(alice, carol, acme, globex):
    payment_record(actor=alice, account=acme, date=d(2026, 1, 20), amount=Decimal("10.00"), currency="RUB")
    latest = payment_record(actor=alice, account=acme, date=d(2026, 3, 1), amount=Decimal("20.00"), currency="USD")
    payment_record(actor=carol, account=globex, date=d(2026, 2, 1), amount=Decimal("30.00"), currency="RUB")

    assert selectors.last_payment(alice, acme) == latest
    assert {k: v.pk for k, v in selectors.last_payments(carol, [acme.pk, globex.pk]).items()} == {
        acme.pk: latest.pk,
        globex.pk: Payment.objects.get(account=globex).pk,
    }
    assert selectors.last_payments(alice, [globex.pk]) == {}
    assert selectors.credit_by_account(carol, [acme.pk, globex.pk]) == {
        acme.pk: {"RUB": Decimal("10.00"), "USD": Decimal("20.00")},
        globex.pk: {"RUB": Decimal("30.00")},
    }
