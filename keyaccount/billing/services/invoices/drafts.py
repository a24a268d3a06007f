"""Draft invoices: creating one with its lines and totals, numbering, changing and deleting a draft."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.billing.models import BillingSettings, Contract, Invoice
from keyaccount.billing.services.invoices._checks import check_account, lock
from keyaccount.billing.services.invoices.lines import (
    LINE_FIELDS,
    apply_totals,
    build_lines,
    lines_snapshot,
    save_lines,
)
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import check_same_organization, claim_version, full_clean

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import Organization, User

INVOICE_FIELDS = [
    "account",
    "contract",
    "number",
    "issue_date",
    "due_date",
    "currency",
    "period_start",
    "period_end",
    "note",
    "subtotal",
    "tax_total",
    "total",
]
# What `invoice_update` may change on a draft; the account stays.
UPDATABLE_FIELDS = [
    "contract",
    "number",
    "issue_date",
    "due_date",
    "currency",
    "period_start",
    "period_end",
    "note",
    "lines",
]


def _require_draft(invoice: Invoice) -> None:
    if not invoice.is_draft:
        raise ValidationError(
            {
                "status": _(
                    "Only a draft invoice can be changed. This one is %(status)s: void it and issue a new one instead."
                )
                % {"status": invoice.get_status_display().lower()}
            }
        )


def next_invoice_number(organization: Organization | int, issue_date: datetime.date) -> str:
    """The next free number of the issue date's year: "YYYY-NNN", e.g. 2026-031 after 2026-030.

    Numbers typed by hand in the same "YYYY-NNN" shape count; other numbers are left alone.
    """
    organization_id = organization if isinstance(organization, int) else organization.pk
    prefix = f"{issue_date.year}-"
    pattern = re.compile(rf"^{issue_date.year}-(\d+)$")
    used = Invoice.objects.filter(organization_id=organization_id, number__startswith=prefix).values_list(
        "number", flat=True
    )
    highest = max((int(m.group(1)) for n in used if (m := pattern.match(n))), default=0)
    return f"{prefix}{highest + 1:03d}"


def _due_date(
    organization_id: int, issue_date: datetime.date, contract: Contract | None, terms: BillingSettings | None = None
) -> datetime.date:
    """Issue date + the contract's payment terms, or the organization's default terms without a contract."""
    if contract is not None:
        days = contract.payment_terms_days
    else:
        days = (terms or BillingSettings.objects.get_or_create(organization_id=organization_id)[0]).payment_terms_days
    return issue_date + datetime.timedelta(days=days)


def _check_header(
    *,
    account: Account,
    contract: Contract | None,
    currency: str,
    issue_date: datetime.date,
    due_date: datetime.date,
    period_start: datetime.date | None,
    period_end: datetime.date | None,
) -> None:
    errors: dict[str, str] = {}
    if contract is not None:
        if contract.account_id != account.pk:
            errors["contract"] = _("Choose a contract of the same account.")
        elif contract.currency != currency:
            errors["currency"] = _("The contract is in %(currency)s; invoice it in the same currency.") % {
                "currency": contract.currency
            }
    if due_date < issue_date:
        errors["due_date"] = _("The due date cannot be before the issue date.")
    if (period_start is None) != (period_end is None):
        errors["period_end" if period_end is None else "period_start"] = _("Give both ends of the period, or neither.")
    elif period_start is not None and period_end is not None and period_end < period_start:
        errors["period_end"] = _("The period cannot end before it starts.")
    if errors:
        raise ValidationError(errors)


def _check_number_free(organization_id: int, number: str, pk: int | None = None) -> None:
    clash = Invoice.objects.filter(organization_id=organization_id, number=number)
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ValidationError({"number": _("Another invoice already has this number.")})


def _numbering_lock(organization_id: int) -> BillingSettings:
    """Lock the organization's billing settings row: automatic numbers are handed out one at a time."""
    BillingSettings.objects.get_or_create(organization_id=organization_id)
    return BillingSettings.objects.select_for_update().get(organization_id=organization_id)


# --- writes -----------------------------------------------------------------------------------------


@transaction.atomic
def invoice_create(
    *,
    actor: User,
    account: Account,
    issue_date: datetime.date,
    lines: list[dict[str, Any]],
    contract: Contract | None = None,
    number: str = "",
    due_date: datetime.date | None = None,
    currency: str = "",
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    note: str = "",
) -> Invoice:
    """A draft invoice with its lines and totals.

    A blank number takes the next of the issue year ("2026-031"); no due date means issue date + the
    contract's payment terms (the organization's default terms without a contract); no currency means
    the contract's, else the account's.
    """
    check_account(actor, account.pk)
    organization_id = account.organization_id
    check_same_organization(organization_id, contract=contract)
    currency = currency or (contract.currency if contract is not None else account.currency)
    number = (number or "").strip()
    terms = _numbering_lock(organization_id) if not number else None
    due = due_date or _due_date(organization_id, issue_date, contract, terms)
    _check_header(
        account=account,
        contract=contract,
        currency=currency,
        issue_date=issue_date,
        due_date=due,
        period_start=period_start,
        period_end=period_end,
    )
    built = build_lines(organization_id, currency, lines)
    if number:
        _check_number_free(organization_id, number)
    else:
        number = next_invoice_number(organization_id, issue_date)
    invoice = Invoice(
        organization_id=organization_id,
        account=account,
        contract=contract,
        number=number,
        issue_date=issue_date,
        due_date=due,
        currency=currency,
        period_start=period_start,
        period_end=period_end,
        note=note,
        created_by=actor,
    )
    apply_totals(invoice, built)
    full_clean(invoice)
    invoice.save()
    save_lines(invoice, built)
    audit_create(actor=actor, instance=invoice, fields=INVOICE_FIELDS, account_id=account.pk)
    return invoice


@transaction.atomic
def invoice_update(
    *, actor: User, invoice: Invoice, data: dict[str, Any], expected_version: int | None = None
) -> Invoice:
    """Change a draft: its header fields and, when `lines` is given, all its lines at once.

    An issued, paid or void invoice is refused (void it and issue a new one). Moving the issue date
    keeps the same number of days to pay unless a due date is given; changing the contract without a
    due date takes the new contract's payment terms.
    """
    check_account(actor, invoice.account_id)
    unknown = set(data) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    current = lock(invoice)
    _require_draft(current)
    check_same_organization(current.organization_id, contract=data.get("contract"))
    before = {
        **{name: getattr(current, f"{name}_id" if name == "contract" else name) for name in UPDATABLE_FIELDS[:-1]},
        "lines": lines_snapshot(list(current.lines.all())),
        "total": current.total,
    }
    contract = data.get("contract", current.contract)
    issue_date = data.get("issue_date") or current.issue_date
    currency = data.get("currency") or current.currency
    if data.get("due_date"):
        due = data["due_date"]
    elif "due_date" in data or ("contract" in data and getattr(contract, "pk", None) != current.contract_id):
        due = _due_date(current.organization_id, issue_date, contract)
    else:
        due = issue_date + (current.due_date - current.issue_date)
    period_start = data.get("period_start", current.period_start)
    period_end = data.get("period_end", current.period_end)
    _check_header(
        account=current.account,
        contract=contract,
        currency=currency,
        issue_date=issue_date,
        due_date=due,
        period_start=period_start,
        period_end=period_end,
    )
    if "lines" in data:
        built = build_lines(current.organization_id, currency, data["lines"])
    else:
        existing = list(current.lines.all())
        raw = [{name: getattr(li, name) for name in LINE_FIELDS} for li in existing]
        built = build_lines(current.organization_id, currency, raw)  # the currency may have changed
    number = (data.get("number") or "").strip() if "number" in data else current.number
    if not number:
        _numbering_lock(current.organization_id)
        number = next_invoice_number(current.organization_id, issue_date)
    elif number != current.number:
        _check_number_free(current.organization_id, number, current.pk)
    current.contract = contract
    current.number = number
    current.issue_date = issue_date
    current.due_date = due
    current.currency = currency
    current.period_start = period_start
    current.period_end = period_end
    if "note" in data:
        current.note = data["note"] or ""
    apply_totals(current, built)
    full_clean(current)
    claim_version(current, expected_version)
    current.save()
    current.lines.all().delete()
    save_lines(current, built)
    after = {
        **{name: getattr(current, f"{name}_id" if name == "contract" else name) for name in UPDATABLE_FIELDS[:-1]},
        "lines": lines_snapshot(built),
        "total": current.total,
    }
    changes = {k: [_plain(before[k]), _plain(v)] for k, v in after.items() if before[k] != v}
    if changes:
        audit_record(
            actor=actor,
            organization_id=current.organization_id,
            action=AuditAction.UPDATE,
            instance=current,
            changes=changes,
            account_id=current.account_id,
        )
    return current


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, Decimal)):
        return str(value)
    return value


@transaction.atomic
def invoice_delete(*, actor: User, invoice: Invoice) -> None:
    """Remove a draft made by mistake; an issued invoice stays on record and is voided instead."""
    check_account(actor, invoice.account_id)
    current = lock(invoice)
    if not current.is_deletable:
        raise ValidationError({"status": _("Only a draft can be deleted; void an issued invoice instead.")})
    audit_delete(actor=actor, instance=current, fields=INVOICE_FIELDS, account_id=current.account_id)
    current.delete()
