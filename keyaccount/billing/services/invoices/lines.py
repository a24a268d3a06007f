"""An invoice's lines: checked from what the caller sent, with their amounts (tax rounded per line), the
invoice's totals from them, and how the audit trail records them.

An error inside a line names the line by its 0-based position and the field: ``"lines[1].quantity"``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from keyaccount.billing import calc
from keyaccount.billing.models import InvoiceLine
from keyaccount.core.money import CURRENCY_MINOR_UNITS
from keyaccount.core.services import full_clean

if TYPE_CHECKING:
    from keyaccount.billing.models import Invoice

LINE_FIELDS = ["description", "quantity", "unit_price", "tax_rate"]
MAX_LINES = 200


def line_error_key(index: int, field: str) -> str:
    """The error key of `field` in the line at 0-based `index`: ``lines[1].quantity``."""
    return f"lines[{index}].{field}"


LINE_ERROR_KEY = re.compile(r"^lines\[(\d+)\]\.(\w+)$")


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return None  # money is never a float: refused as not a number
    try:
        return Decimal(str(value).strip())
    except ArithmeticError:
        return None


def build_lines(organization_id: int, currency: str, lines: Any) -> list[InvoiceLine]:
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


def apply_totals(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    totals = calc.invoice_totals(calc.LineAmounts(net=li.net, tax=li.tax, total=li.total) for li in lines)
    invoice.subtotal, invoice.tax_total, invoice.total = totals.subtotal, totals.tax_total, totals.total


def save_lines(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)


def lines_snapshot(lines: list[InvoiceLine]) -> list[str]:
    """How the audit trail records the lines: one readable string each."""
    return [f"{li.description}: {li.quantity} × {li.unit_price} +{li.tax_rate}% = {li.total}" for li in lines]
