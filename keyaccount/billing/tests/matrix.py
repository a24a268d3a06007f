"""acme's money side for the API permission matrix (core/tests/test_api_matrix.py), and the rows of
the money endpoints. Each area keeps its rows in its own module; they are gathered here."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from keyaccount.billing.models import (
    Act,
    Amendment,
    BillingSettings,
    Contract,
    DunningRun,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Renewal,
)
from keyaccount.core.models import IdempotencyKey

BILLING_MODELS = [
    Contract,
    Amendment,
    Renewal,
    Act,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    BillingSettings,
    DunningRun,
    IdempotencyKey,
]


def billing_records(org: Any, acme: Any, alice: Any) -> dict[str, Any]:
    """A signed retainer with an amendment and a renewal, an act, a draft and an issued invoice, a payment."""
    d = datetime.date
    contract = Contract.objects.create(
        organization=org,
        account=acme,
        number="C-2026-01",
        start_date=d(2026, 1, 1),
        end_date=d(2026, 12, 31),
        value=Decimal("100000.00"),
        currency="RUB",
        status="active",
        signed_on=d(2025, 12, 20),
        auto_renew=True,
    )
    amendment = Amendment.objects.create(
        organization=org,
        contract=contract,
        number="A-1",
        effective_date=d(2026, 4, 1),
        new_value=Decimal("120000.00"),
        previous_value=Decimal("100000.00"),
    )
    old_contract = Contract.objects.create(
        organization=org,
        account=acme,
        number="C-2025-01",
        start_date=d(2025, 1, 1),
        end_date=d(2025, 12, 31),
        value=Decimal("80000.00"),
        status="expired",
    )
    draft_contract = Contract.objects.create(
        organization=org,
        account=acme,
        number="C-2027-01",
        start_date=d(2027, 1, 1),
        end_date=d(2027, 12, 31),
        value=Decimal("110000.00"),
        currency="RUB",
    )
    renewal = Renewal.objects.create(
        organization=org, contract=old_contract, term_end=d(2025, 12, 31), outcome="churned", decided_on=d(2025, 11, 1)
    )
    draft = Invoice.objects.create(
        organization=org,
        account=acme,
        contract=contract,
        number="2026-002",
        issue_date=d(2026, 2, 1),
        due_date=d(2026, 2, 11),
        total=Decimal("100000.00"),
        subtotal=Decimal("100000.00"),
    )
    draft_line = InvoiceLine.objects.create(
        organization=org,
        invoice=draft,
        description="SEO, February",
        quantity=Decimal("1"),
        unit_price=Decimal("100000.00"),
        net=Decimal("100000.00"),
        total=Decimal("100000.00"),
    )
    issued = Invoice.objects.create(
        organization=org,
        account=acme,
        contract=contract,
        number="2026-001",
        issue_date=d(2026, 1, 1),
        due_date=d(2026, 1, 11),
        status="partially_paid",
        total=Decimal("100000.00"),
        subtotal=Decimal("100000.00"),
        paid_amount=Decimal("40000.00"),
    )
    InvoiceLine.objects.create(
        organization=org,
        invoice=issued,
        description="SEO, January",
        quantity=Decimal("1"),
        unit_price=Decimal("100000.00"),
        net=Decimal("100000.00"),
        total=Decimal("100000.00"),
    )
    payment = Payment.objects.create(
        organization=org,
        account=acme,
        date=d(2026, 1, 20),
        amount=Decimal("50000.00"),
        allocated_amount=Decimal("40000.00"),
        reference="PP 123",
    )
    PaymentAllocation.objects.create(organization=org, payment=payment, invoice=issued, amount=Decimal("40000.00"))
    act = Act.objects.create(
        organization=org,
        account=acme,
        contract=contract,
        number="ACT-01",
        period_start=d(2026, 1, 1),
        period_end=d(2026, 1, 31),
        amount=Decimal("100000.00"),
        sent_on=d(2026, 2, 2),
    )
    return {
        "contract": contract,
        "amendment": amendment,
        "old_contract": old_contract,
        "draft_contract": draft_contract,
        "renewal": renewal,
        "draft_invoice": draft,
        "draft_line": draft_line,
        "issued_invoice": issued,
        "payment": payment,
        "act": act,
    }


def _gather() -> list[Any]:
    """Every money endpoint's rows, from the modules of each area (those that exist yet)."""
    import importlib

    rows: list[Any] = []
    for name in ("matrix_contracts", "matrix_invoices", "matrix_payments", "matrix_receivables"):
        try:
            module = importlib.import_module(f"keyaccount.billing.tests.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"keyaccount.billing.tests.{name}":
                raise
            continue
        rows.extend(module.ENDPOINTS)
    return rows


BILLING_ENDPOINTS = _gather()
