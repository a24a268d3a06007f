"""Invoices: drafting with lines, numbering, issuing, voiding, and billing a retainer for a period.

Only a draft changes; an issued invoice is voided (with a reason) and a new one issued instead, so what
the client received is never rewritten. Totals are computed here with `keyaccount.billing.calc` (tax
rounded per line, half up, to the currency's minor units) and kept on the row.

Errors name the field. An error inside a line names the line by its 0-based position and the field:
``"lines[1].quantity"`` is the quantity of the second line. The API answers them in the nested shape of
its own input errors (``{"lines": [{}, {"quantity": ["…"]}]}``) and the invoice form shows them on the
line's field.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from keyaccount.billing import calc
from keyaccount.billing.models import (
    BINDING_STATUSES,
    BillingModel,
    BillingSettings,
    Contract,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    PaymentAllocation,
)
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.money import CURRENCY_MINOR_UNITS
from keyaccount.core.services import check_same_organization, claim_version, full_clean
from keyaccount.tenancy.permissions import require_on_account

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
LINE_FIELDS = ["description", "quantity", "unit_price", "tax_rate"]
MAX_LINES = 200


def line_error_key(index: int, field: str) -> str:
    """The error key of `field` in the line at 0-based `index`: ``lines[1].quantity``."""
    return f"lines[{index}].{field}"


LINE_ERROR_KEY = re.compile(r"^lines\[(\d+)\]\.(\w+)$")


# --- shared checks ----------------------------------------------------------------------------------


def _check_account(actor: User, account_id: int) -> None:
    require_on_account(actor, account_id, "manage_money", message=_("You cannot change this account's money."))


def _lock(invoice: Invoice) -> Invoice:
    """The invoice re-read under a row lock: concurrent writes to one invoice queue up behind each other."""
    return Invoice.objects.select_for_update(of=("self",)).select_related("account", "contract").get(pk=invoice.pk)


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


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return None  # money is never a float: refused as not a number
    try:
        return Decimal(str(value).strip())
    except ArithmeticError:
        return None


def _build_lines(organization_id: int, currency: str, lines: Any) -> list[InvoiceLine]:
    """Checked, unsaved lines with their amounts; every problem names its line and field."""
    errors: dict[str, list[str]] = {}
    if not lines:
        raise ValidationError({"lines": _("Add at least one line.")})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": _("An invoice has at most %(count)d lines.") % {"count": MAX_LINES}})
    built = []
    for index, raw in enumerate(lines):
        line_errors: dict[str, str] = {}
        raw = dict(raw)
        unknown = sorted(set(raw) - set(LINE_FIELDS) - {"id", "net", "tax", "total"})
        for name in unknown:
            line_errors[name] = _("This field cannot be set on a line.")
        description = str(raw.get("description") or "").strip()
        if not description:
            line_errors["description"] = _("Describe what is billed.")
        quantity = _to_decimal(raw.get("quantity"))
        if quantity is None or not quantity.is_finite():
            line_errors["quantity"] = _("Enter a number.")
        elif quantity <= 0:
            line_errors["quantity"] = _("The quantity must be greater than zero.")
        unit_price = _to_decimal(raw.get("unit_price"))
        if unit_price is None or not unit_price.is_finite():
            line_errors["unit_price"] = _("Enter an amount.")
        elif unit_price <= 0:
            line_errors["unit_price"] = _("The unit price must be greater than zero.")
        elif not calc.check_minor_units(unit_price, currency):
            line_errors["unit_price"] = _("%(currency)s has %(digits)d decimal places; this price has more.") % {
                "currency": currency,
                "digits": CURRENCY_MINOR_UNITS.get(currency, 2),
            }
        raw_rate = raw.get("tax_rate")
        tax_rate = Decimal("0") if raw_rate in (None, "") else _to_decimal(raw_rate)
        if tax_rate is None or not tax_rate.is_finite():
            line_errors["tax_rate"] = _("Enter a percentage.")
        elif not Decimal("0") <= tax_rate <= Decimal("100"):
            line_errors["tax_rate"] = _("The tax rate is a percentage from 0 to 100.")
        if not line_errors:
            assert quantity is not None and unit_price is not None and tax_rate is not None
            amounts = calc.line_amounts(quantity, unit_price, tax_rate, currency)
            line = InvoiceLine(
                organization_id=organization_id,
                position=index,
                description=description,
                quantity=quantity,
                unit_price=unit_price,
                tax_rate=tax_rate,
                net=amounts.net,
                tax=amounts.tax,
                total=amounts.total,
            )
            try:
                full_clean(line, exclude=["invoice"])
            except ValidationError as e:
                line_errors.update({name: " ".join(m for m in msgs) for name, msgs in e.message_dict.items()})
            built.append(line)
        for name, message in line_errors.items():
            errors[line_error_key(index, name)] = [message]
    if errors:
        raise ValidationError(errors)
    return built


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


def _apply_totals(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    totals = calc.invoice_totals(calc.LineAmounts(net=li.net, tax=li.tax, total=li.total) for li in lines)
    invoice.subtotal, invoice.tax_total, invoice.total = totals.subtotal, totals.tax_total, totals.total


def _save_lines(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)


def _lines_snapshot(lines: list[InvoiceLine]) -> list[str]:
    """How the audit trail records the lines: one readable string each."""
    return [f"{li.description}: {li.quantity} × {li.unit_price} +{li.tax_rate}% = {li.total}" for li in lines]


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
    _check_account(actor, account.pk)
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
    built = _build_lines(organization_id, currency, lines)
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
    _apply_totals(invoice, built)
    full_clean(invoice)
    invoice.save()
    _save_lines(invoice, built)
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
    _check_account(actor, invoice.account_id)
    unknown = set(data) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    current = _lock(invoice)
    _require_draft(current)
    check_same_organization(current.organization_id, contract=data.get("contract"))
    before = {
        **{name: getattr(current, f"{name}_id" if name == "contract" else name) for name in UPDATABLE_FIELDS[:-1]},
        "lines": _lines_snapshot(list(current.lines.all())),
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
        built = _build_lines(current.organization_id, currency, data["lines"])
    else:
        existing = list(current.lines.all())
        raw = [{name: getattr(li, name) for name in LINE_FIELDS} for li in existing]
        built = _build_lines(current.organization_id, currency, raw)  # the currency may have changed
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
    _apply_totals(current, built)
    full_clean(current)
    claim_version(current, expected_version)
    current.save()
    current.lines.all().delete()
    _save_lines(current, built)
    after = {
        **{name: getattr(current, f"{name}_id" if name == "contract" else name) for name in UPDATABLE_FIELDS[:-1]},
        "lines": _lines_snapshot(built),
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
    _check_account(actor, invoice.account_id)
    current = _lock(invoice)
    if not current.is_deletable:
        raise ValidationError({"status": _("Only a draft can be deleted; void an issued invoice instead.")})
    audit_delete(actor=actor, instance=current, fields=INVOICE_FIELDS, account_id=current.account_id)
    current.delete()


@transaction.atomic
def invoice_issue(*, actor: User, invoice: Invoice, expected_version: int | None = None) -> Invoice:
    """Send a draft to the client: it becomes issued, owed from its due date and counted in receivables."""
    _check_account(actor, invoice.account_id)
    current = _lock(invoice)
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
    _check_account(actor, invoice.account_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the invoice is voided.")})
    current = _lock(invoice)
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
    _check_account(actor, contract.account_id)
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
