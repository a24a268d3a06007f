"""Payments from the client and their allocation to the account's invoices.

A payment is put against one or more open invoices of the same account and currency; what is not
allocated stays as the account's credit and can be put against invoices later. An invoice is never
allocated more than it has open, even by two payments recorded at the same moment: the invoices are
locked (in primary-key order, so two writers never wait on each other in a circle) before their open
amount is read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils.translation import gettext as _

from keyaccount.billing import calc
from keyaccount.billing.models import (
    BILLED_INVOICE_STATUSES,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
)
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import full_clean
from keyaccount.tenancy.permissions import require_on_account

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

ZERO = Decimal("0.00")
PAYMENT_FIELDS = ["account", "date", "amount", "currency", "reference", "note"]
# A payment dated a day ahead is accepted: the client's bank may already be in tomorrow.
_DATE_SKEW = datetime.timedelta(days=1)


@dataclass(frozen=True)
class AllocationRequest:
    """One requested allocation: `amount` of the payment against `invoice` (an Invoice or its id)."""

    invoice: Invoice | int
    amount: Decimal


def _check_money_on(actor: User, account_id: int) -> None:
    require_on_account(actor, account_id, "manage_money", message=_("You cannot change this account's money."))


def _requests(allocations: Iterable[Mapping[str, Any] | AllocationRequest]) -> list[AllocationRequest]:
    result = []
    for item in allocations:
        if isinstance(item, AllocationRequest):
            result.append(item)
        else:
            result.append(AllocationRequest(invoice=item["invoice"], amount=item["amount"]))
    return result


def _invoice_id(invoice: Invoice | int) -> int:
    return invoice if isinstance(invoice, int) else invoice.pk


def _check_amount(amount: Any, currency: str, field: str) -> Decimal:
    """A positive Decimal within the currency's minor units; else a ValidationError on `field`."""
    if isinstance(amount, float) or not isinstance(amount, (Decimal, int, str)):
        raise ValidationError({field: _("Give the amount as a decimal number.")})
    try:
        value = Decimal(amount)
    except ArithmeticError:
        raise ValidationError({field: _("Give the amount as a decimal number.")}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({field: _("The amount must be greater than zero.")})
    if not calc.check_minor_units(value, currency):
        raise ValidationError(
            {field: _("%(currency)s amounts have no more decimals than its smallest unit.") % {"currency": currency}}
        )
    return value


def _lock_invoices(organization_id: int, ids: list[int]) -> dict[int, Invoice]:
    """The invoices, locked for this transaction in primary-key order, read after the lock."""
    rows = Invoice.objects.select_for_update().filter(organization_id=organization_id, pk__in=ids).order_by("pk")
    return {invoice.pk: invoice for invoice in rows}


def _allocate(actor: User, payment: Payment, allocations: list[AllocationRequest]) -> list[PaymentAllocation]:
    """Validate and write allocations of `payment` (already saved and, if it existed, locked).

    Every problem is collected under "allocations", each message naming its invoice; nothing is
    written unless all of them are right.
    """
    if not allocations:
        return []
    ids = [_invoice_id(a.invoice) for a in allocations]
    invoices = _lock_invoices(payment.organization_id, sorted(set(ids)))
    errors: list[str] = []
    seen: set[int] = set()
    total = ZERO
    checked: list[tuple[Invoice, Decimal]] = []
    for request, invoice_id in zip(allocations, ids, strict=True):
        invoice = invoices.get(invoice_id)
        if invoice is None:
            errors.append(_("Invoice %(id)s does not exist.") % {"id": invoice_id})
            continue
        label = {"number": invoice.number}
        if invoice_id in seen:
            errors.append(_("Invoice %(number)s is listed twice; give it one amount.") % label)
            continue
        seen.add(invoice_id)
        if invoice.account_id != payment.account_id:
            errors.append(_("Invoice %(number)s belongs to another account.") % label)
            continue
        if invoice.currency != payment.currency:
            errors.append(
                _("Invoice %(number)s is in %(invoice)s, the payment in %(payment)s.")
                % {**label, "invoice": invoice.currency, "payment": payment.currency}
            )
            continue
        if not invoice.is_payable:
            errors.append(_why_not_payable(invoice) % label)
            continue
        try:
            amount = _check_amount(request.amount, payment.currency, "allocations")
        except ValidationError as e:
            errors.extend(f"{invoice.number}: {m}" for m in e.messages)
            continue
        if amount > invoice.open_amount:
            errors.append(
                _("Invoice %(number)s has %(open)s %(currency)s open; %(amount)s cannot be put against it.")
                % {**label, "open": invoice.open_amount, "currency": invoice.currency, "amount": amount}
            )
            continue
        total += amount
        checked.append((invoice, amount))
    if not errors and total > payment.unallocated:
        errors.append(
            _("The allocations add up to %(total)s %(currency)s, more than the %(left)s left of the payment.")
            % {"total": total, "currency": payment.currency, "left": payment.unallocated}
        )
    if errors:
        raise ValidationError({"allocations": errors})

    existing = {a.invoice_id: a for a in PaymentAllocation.objects.filter(payment=payment)}
    written = []
    for invoice, amount in checked:
        allocation = existing.get(invoice.pk)
        if allocation is None:
            allocation = PaymentAllocation(
                organization_id=payment.organization_id, payment=payment, invoice=invoice, amount=amount
            )
        else:
            allocation.amount += amount
        full_clean(allocation)
        allocation.save()
        written.append(allocation)
        refresh_invoice_payment_state(invoice)
    Payment.objects.filter(pk=payment.pk).update(allocated_amount=F("allocated_amount") + total)
    payment.allocated_amount += total
    return written


def _why_not_payable(invoice: Invoice) -> str:
    """Why no payment can be put against an invoice that is not `is_payable`, with `%(number)s` in it."""
    if invoice.is_draft:
        return _("Invoice %(number)s is a draft: issue it before taking payment for it.")
    if invoice.is_void:
        return _("Invoice %(number)s is void.")
    return _("Invoice %(number)s is already paid in full.")


def refresh_invoice_payment_state(invoice: Invoice) -> Invoice:
    """Set the invoice's paid amount, status and paid-in-full date from its allocations.

    The one place for the rule: nothing paid is issued, something paid is partially paid, all paid is
    paid, on the date of the latest payment put against it (not before the invoice was issued, for a
    prepayment kept as credit). Drafts and void invoices keep their status. Call it with the invoice
    locked (`select_for_update`) inside the writing transaction.
    """
    paid = PaymentAllocation.objects.filter(invoice=invoice).aggregate(total=Sum("amount"), last=Max("payment__date"))
    paid_amount = paid["total"] or ZERO
    status, paid_on = invoice.status, None
    if invoice.status in BILLED_INVOICE_STATUSES:
        if paid_amount > 0 and paid_amount >= invoice.total:
            status = InvoiceStatus.PAID
            paid_on = max(paid["last"], invoice.issue_date)
        elif paid_amount > 0:
            status = InvoiceStatus.PARTIALLY_PAID
        else:
            status = InvoiceStatus.ISSUED
    Invoice.objects.filter(pk=invoice.pk).update(
        paid_amount=paid_amount, status=status, paid_on=paid_on, version=F("version") + 1, updated_at=clock.now()
    )
    invoice.paid_amount, invoice.status, invoice.paid_on = paid_amount, status, paid_on
    invoice.version += 1
    return invoice


@transaction.atomic
def payment_record(
    *,
    actor: User,
    account: Account,
    date: datetime.date,
    amount: Decimal,
    currency: str,
    reference: str = "",
    note: str = "",
    allocations: Iterable[Mapping[str, Any] | AllocationRequest] = (),
) -> Payment:
    """Record money received from the client and put it against its open invoices; the rest is credit."""
    _check_money_on(actor, account.pk)
    errors: dict[str, Any] = {}
    try:
        amount = _check_amount(amount, currency, "amount")
    except ValidationError as e:
        errors.update(e.message_dict)
    if date and date > clock.today_for(actor) + _DATE_SKEW:
        errors["date"] = [_("A payment cannot be dated in the future.")]
    payment = Payment(
        organization_id=account.organization_id,
        account=account,
        date=date,
        amount=amount if "amount" not in errors else Decimal("1"),
        currency=currency,
        reference=(reference or "").strip(),
        note=note or "",
        recorded_by=actor,
    )
    try:
        full_clean(payment, exclude=list(errors))
    except ValidationError as e:
        errors.update(e.message_dict)
    if errors:
        raise ValidationError(errors)
    payment.save()
    _allocate(actor, payment, _requests(allocations))
    audit_create(actor=actor, instance=payment, fields=[*PAYMENT_FIELDS, "allocated_amount"], account_id=account.pk)
    return payment


@transaction.atomic
def payment_allocate(
    *, actor: User, payment: Payment, allocations: Iterable[Mapping[str, Any] | AllocationRequest]
) -> Payment:
    """Put (part of) a payment's remaining credit against open invoices of its account."""
    _check_money_on(actor, payment.account_id)
    requests = _requests(allocations)
    if not requests:
        raise ValidationError({"allocations": _("Choose at least one invoice and an amount.")})
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    before = locked.allocated_amount
    _allocate(actor, locked, requests)
    audit_record(
        actor=actor,
        organization_id=locked.organization_id,
        action=AuditAction.UPDATE,
        instance=locked,
        changes={"allocated_amount": [str(before), str(locked.allocated_amount)]},
        account_id=locked.account_id,
    )
    payment.allocated_amount = locked.allocated_amount
    return locked


@transaction.atomic
def payment_delete(*, actor: User, payment: Payment) -> None:
    """Remove a payment recorded by mistake: its allocations are reversed and its invoices open again."""
    _check_money_on(actor, payment.account_id)
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    invoice_ids = sorted(PaymentAllocation.objects.filter(payment=locked).values_list("invoice_id", flat=True))
    invoices = _lock_invoices(locked.organization_id, invoice_ids)
    audit_delete(
        actor=actor, instance=locked, fields=[*PAYMENT_FIELDS, "allocated_amount"], account_id=locked.account_id
    )
    locked.delete()
    for invoice in invoices.values():
        refresh_invoice_payment_state(invoice)
