"""Issuing a draft invoice to the client, voiding an invoice (with the reason on record), and billing a
retainer for a period (a draft with one line: the contract's value on the period's first day)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from keyaccount.billing import calc
from keyaccount.billing.models import (
    BINDING_STATUSES,
    BillingModel,
    Contract,
    Invoice,
    InvoiceStatus,
    PaymentAllocation,
)
from keyaccount.billing.services.invoices._checks import check_account, lock
from keyaccount.billing.services.invoices.drafts import invoice_create
from keyaccount.core import clock
from keyaccount.core.audit import audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import claim_version

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


@transaction.atomic
def invoice_issue(*, actor: User, invoice: Invoice, expected_version: int | None = None) -> Invoice:
    """Send a draft to the client: it becomes issued, owed from its due date and counted in receivables."""
    check_account(actor, invoice.account_id)
    current = lock(invoice)
    if not current.is_draft:
        raise ValidationError({"status": _("Only a draft can be issued.")})
    if current.total <= 0:
        raise ValidationError({"total": _("An invoice with a zero total cannot be issued.")})
    claim_version(current, expected_version)
    current.status = InvoiceStatus.ISSUED
    current.issued_at = clock.now()
    current.save(update_fields=["status", "issued_at", "updated_at"])
    audit_record(
        actor=actor,
        organization_id=current.organization_id,
        action=AuditAction.UPDATE,
        instance=current,
        changes={"status": [InvoiceStatus.DRAFT, InvoiceStatus.ISSUED]},
        account_id=current.account_id,
    )
    return current


@transaction.atomic
def invoice_void(
    *,
    actor: User,
    invoice: Invoice,
    reason: str,
    voided_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Invoice:
    """Cancel an invoice, with the reason on record; it no longer counts as owed. Its number stays used.

    An invoice with payments put against it is refused: remove those allocations first.
    """
    check_account(actor, invoice.account_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the invoice is voided.")})
    current = lock(invoice)
    if current.is_void:
        raise ValidationError({"status": _("This invoice is already void.")})
    if PaymentAllocation.objects.filter(invoice_id=current.pk).exists():
        raise ValidationError(
            {
                "status": _(
                    "Payments are allocated to this invoice. Remove the allocations on the payments first, "
                    "then void it."
                )
            }
        )
    day = voided_on or clock.today_for(actor)
    if day < current.issue_date:
        raise ValidationError({"voided_on": _("An invoice cannot be voided before its issue date.")})
    claim_version(current, expected_version)
    before = current.status
    current.status = InvoiceStatus.VOID
    current.void_reason = reason
    current.voided_on = day
    current.save(update_fields=["status", "void_reason", "voided_on", "updated_at"])
    audit_record(
        actor=actor,
        organization_id=current.organization_id,
        action=AuditAction.UPDATE,
        instance=current,
        changes={"status": [before, InvoiceStatus.VOID], "void_reason": ["", reason]},
        account_id=current.account_id,
    )
    return current


def period_label(start: datetime.date, end: datetime.date) -> str:
    """A period as the client reads it: "March 2026" for a calendar month, else "01.03.2026 – 15.03.2026"."""
    if start == calc.month_start(start) and end == calc.month_end(start):
        return formats.date_format(start, "YEAR_MONTH_FORMAT")
    return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} – {formats.date_format(end, 'SHORT_DATE_FORMAT')}"


def _in_force_during(contract: Contract, start: datetime.date, end: datetime.date) -> bool:
    if contract.status not in BINDING_STATUSES or contract.start_date > end:
        return False
    last = calc.last_day(contract)
    return last is None or last >= start


@transaction.atomic
def invoice_generate_from_contract(
    *,
    actor: User,
    contract: Contract,
    period_start: datetime.date,
    period_end: datetime.date | None = None,
    issue_date: datetime.date | None = None,
) -> Invoice:
    """A draft invoice of a retainer for a period (default: to the end of that month): one line, the
    contract's value on the period's first day (amendments included) at the contract's tax rate.

    Refused for a contract that is not a retainer, not in force in the period, or already invoiced for
    an overlapping period.
    """
    check_account(actor, contract.account_id)
    locked = Contract.objects.select_for_update(of=("self",)).select_related("account").get(pk=contract.pk)
    period_end = period_end or calc.month_end(period_start)
    issue_date = issue_date or clock.today_for(actor)
    if locked.billing_model != BillingModel.RETAINER:
        raise ValidationError({"contract": _("Only a monthly retainer is invoiced by period.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    if not _in_force_during(locked, period_start, period_end):
        raise ValidationError({"period_start": _("The contract is not in force in this period.")})
    clash = (
        Invoice.objects.filter(contract_id=locked.pk, period_start__lte=period_end, period_end__gte=period_start)
        .exclude(status=InvoiceStatus.VOID)
        .order_by("period_start")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "period_start": _("This contract is already invoiced for an overlapping period: invoice %(number)s.")
                % {"number": clash.number}
            }
        )
    names = [s.name for s in locked.services.order_by("name")]
    what = ", ".join(names) or locked.title or _("Services under contract %(number)s") % {"number": locked.number}
    value = calc.value_on(locked, period_start)
    return invoice_create(
        actor=actor,
        account=locked.account,
        contract=locked,
        issue_date=issue_date,
        currency=locked.currency,
        period_start=period_start,
        period_end=period_end,
        lines=[
            {
                "description": f"{what} — {period_label(period_start, period_end)}",
                "quantity": Decimal("1"),
                "unit_price": value,
                "tax_rate": locked.tax_rate,
            }
        ],
    )
