"""The invoice as a document (HTML for print, PDF from the same template) and the list as a CSV/XLSX file;
the API answers with these too."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from keyaccount.billing import exports
from keyaccount.billing.models import Invoice
from keyaccount.billing.services import invoices as services
from keyaccount.billing.views.invoices.common import money

if TYPE_CHECKING:
    pass


def document_context(invoice: Invoice) -> dict[str, Any]:
    """What the printed invoice shows, every amount formatted in the invoice's currency."""
    currency = invoice.currency
    lines = [
        {
            "position": i,
            "description": line.description,
            "quantity": formats.number_format(line.quantity.normalize(), use_l10n=True, force_grouping=True),
            "unit_price": money(line.unit_price, currency),
            "tax_rate": formats.number_format(line.tax_rate.normalize(), use_l10n=True),
            "net": money(line.net, currency),
            "tax": money(line.tax, currency),
            "total": money(line.total, currency),
        }
        for i, line in enumerate(invoice.lines.all(), start=1)
    ]
    return {
        "invoice": invoice,
        "organization": invoice.organization,
        "account": invoice.account,
        "lines": lines,
        "subtotal": money(invoice.subtotal, currency),
        "tax_total": money(invoice.tax_total, currency),
        "total": money(invoice.total, currency),
        "paid": money(invoice.paid_amount, currency),
        "open": money(invoice.open_amount, currency),
        "period": services.period_label(invoice.period_start, invoice.period_end)
        if invoice.period_start and invoice.period_end
        else "",
    }


def invoice_document_html(request: HttpRequest | None, invoice: Invoice, *, for_pdf: bool = False) -> str:
    """The invoice as a self-contained HTML page (styles inline, nothing loaded from elsewhere)."""
    context = document_context(invoice) | {"for_pdf": for_pdf}
    return render_to_string("billing/invoices/document.html", context, request=None if for_pdf else request)


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"The invoice document loads nothing from outside: {url}")


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF, from the same template as the printable page, in DejaVu Sans."""
    import weasyprint

    html = invoice_document_html(None, invoice, for_pdf=True)
    return weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=_no_fetching).write_pdf()


def _filename(invoice: Invoice) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in invoice.number)
    return f"invoice-{safe}"


def invoice_pdf_response(request: HttpRequest, invoice: Invoice) -> HttpResponse:
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{_filename(invoice)}.pdf"'
    return response


EXPORT_HEADERS = [
    gettext_lazy("Number"),
    gettext_lazy("Account"),
    gettext_lazy("Contract"),
    gettext_lazy("Issue date"),
    gettext_lazy("Due date"),
    gettext_lazy("Period from"),
    gettext_lazy("Period to"),
    gettext_lazy("Currency"),
    gettext_lazy("Subtotal"),
    gettext_lazy("Tax"),
    gettext_lazy("Total"),
    gettext_lazy("Paid"),
    pgettext_lazy("amount", "Open"),
    gettext_lazy("Status"),
    gettext_lazy("Days overdue"),
    gettext_lazy("Voided on"),
    gettext_lazy("Reason for voiding"),
]


def invoice_export_rows(invoices: QuerySet[Invoice], today: datetime.date) -> list[list[Any]]:
    """One row per invoice, amounts as Decimals and dates as dates (the writers keep them so)."""
    return [
        [
            inv.number,
            inv.account.name,
            inv.contract.number if inv.contract_id else "",  # type: ignore[union-attr]  # contract_id set: contract is loaded
            inv.issue_date,
            inv.due_date,
            inv.period_start,
            inv.period_end,
            inv.currency,
            inv.subtotal,
            inv.tax_total,
            inv.total,
            inv.paid_amount,
            inv.open_amount,
            inv.get_status_display(),
            inv.days_overdue(on=today),
            inv.voided_on,
            inv.void_reason,
        ]
        for inv in invoices.select_related("account", "contract")
    ]


def invoice_export_response(fmt: str, invoices: QuerySet[Invoice], today: datetime.date) -> HttpResponse:
    """The invoices as a CSV or XLSX download named after today's date."""
    rows = invoice_export_rows(invoices, today)
    return exports.export_response(fmt, f"invoices-{today.isoformat()}", EXPORT_HEADERS, rows, _("Invoices"))
