"""Factories of the money side. Rows built here skip the services: use them for the state a test
starts from, and the services for what the test is about."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from keyaccount.billing import calc
from keyaccount.billing.models import Contract, Invoice, InvoiceLine, Payment, PaymentAllocation


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    organization = factory.SelfAttribute("account.organization")
    number = factory.Sequence(lambda n: f"C-{n:04d}")
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    value = Decimal("100000.00")
    currency = "RUB"
    status = "active"


def invoice_with_lines(
    account: Any,
    lines: list[tuple[str, str, str]],
    *,
    number: str,
    issue_date: datetime.date,
    due_date: datetime.date | None = None,
    status: str = "issued",
    currency: str = "RUB",
    contract: Contract | None = None,
    paid: str = "0",
) -> Invoice:
    """An invoice of (quantity, unit price, tax rate %) lines with its totals computed as the services do."""
    amounts = [calc.line_amounts(Decimal(q), Decimal(p), Decimal(t), currency) for q, p, t in lines]
    totals = calc.invoice_totals(amounts)
    invoice = Invoice.objects.create(
        organization=account.organization,
        account=account,
        contract=contract,
        number=number,
        issue_date=issue_date,
        due_date=due_date or issue_date + datetime.timedelta(days=10),
        currency=currency,
        status=status,
        subtotal=totals.subtotal,
        tax_total=totals.tax_total,
        total=totals.total,
        paid_amount=Decimal(paid),
    )
    for position, ((q, p, t), a) in enumerate(zip(lines, amounts, strict=True)):
        InvoiceLine.objects.create(
            organization=account.organization,
            invoice=invoice,
            position=position,
            description=f"Line {position + 1}",
            quantity=Decimal(q),
            unit_price=Decimal(p),
            tax_rate=Decimal(t),
            net=a.net,
            tax=a.tax,
            total=a.total,
        )
    return invoice


def paid(invoice: Invoice, amount: str, on: datetime.date, *, payment_amount: str | None = None) -> Payment:
    """A payment of `payment_amount` (default: `amount`) on `on`, `amount` of it put against `invoice`."""
    payment = Payment.objects.create(
        organization=invoice.organization,
        account=invoice.account,
        date=on,
        amount=Decimal(payment_amount or amount),
        currency=invoice.currency,
        allocated_amount=Decimal(amount),
    )
    PaymentAllocation.objects.create(
        organization=invoice.organization, payment=payment, invoice=invoice, amount=Decimal(amount)
    )
    invoice.paid_amount += Decimal(amount)
    invoice.status = "paid" if invoice.paid_amount == invoice.total else "partially_paid"
    if invoice.status == "paid":
        invoice.paid_on = on
    invoice.save()
    return payment
