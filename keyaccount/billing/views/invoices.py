"""Invoice pages under /money/invoices/: the list with its filters and totals per currency, one invoice
with its lines and payments, the draft form with its lines, issuing, voiding, invoicing a retainer for a
month, the printable document (HTML and PDF from one template) and the CSV/XLSX export.

The document, PDF and export builders here are also what the API answers with.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from keyaccount.accounts.selectors import account_get_for, accounts_editable_by
from keyaccount.billing import exports, selectors
from keyaccount.billing.filtersets_invoices import InvoiceFilterSet
from keyaccount.billing.forms_invoices import GenerateForm, InvoiceForm, VoidForm, line_formset
from keyaccount.billing.models import Invoice
from keyaccount.billing.services import invoices as services
from keyaccount.core import clock
from keyaccount.core.money import format_money
from keyaccount.core.services import ConflictError
from keyaccount.core.web import (
    CONFLICT_MESSAGE,
    add_service_errors,
    checkbox_choices,
    run_service,
    vary_on_htmx,
    wants_partial,
)
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.permissions import can

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

PAGE_SIZE = 25
SORTS: dict[str, list[str]] = {
    "number": ["number"],
    "account": ["account__name", "-issue_date"],
    "issued": ["issue_date", "number"],
    "due": ["due_date", "number"],
    "total": ["total"],
    "status": ["status", "due_date"],
}
DEFAULT_SORT = "-issued"


# --- money as people read it ------------------------------------------------------------------------


def money(amount: Decimal | None, currency: str) -> str:
    """An amount in the user's language with its currency's decimals: "1,155.00 RUB", "1 155,00 RUB"."""
    return format_money(amount, currency)


@dataclass
class InvoiceRow:
    """An invoice as a list or the export shows it."""

    invoice: Invoice
    today: datetime.date

    @property
    def total(self) -> str:
        return money(self.invoice.total, self.invoice.currency)

    @property
    def open(self) -> str:
        return money(self.invoice.open_amount, self.invoice.currency) if self.invoice.open_amount else "—"

    @property
    def days_overdue(self) -> int:
        return self.invoice.days_overdue(on=self.today)


def _totals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "billed_display": money(row["billed"], row["currency"]),
            "open_display": money(row["open"], row["currency"]),
            "overdue_display": money(row["overdue"], row["currency"]),
        }
        for row in rows
    ]


# --- who may do what --------------------------------------------------------------------------------


def _require_money(actor: User) -> None:
    if not can(actor, "see_money"):
        raise PermissionDenied(_("Your role does not show money."))


def may_manage(actor: User, account_id: int) -> bool:
    """Whether the actor may bill this account (one query; none when the role never may)."""
    if not can(actor, "manage_money"):
        return False
    return accounts_editable_by(actor, "manage_money").filter(pk=account_id).exists()


def _managed_invoice(actor: User, pk: int) -> Invoice:
    invoice = selectors.invoice_get_for(actor, pk)
    if not may_manage(actor, invoice.account_id):
        raise PermissionDenied(_("You cannot change this account's money."))
    return invoice


def invoice_url(invoice: Invoice | int) -> str:
    return reverse("billing:invoice_detail", args=[getattr(invoice, "pk", invoice)])


# --- the document: HTML for print, PDF from the same template ---------------------------------------


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


# --- export -----------------------------------------------------------------------------------------

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
            inv.contract.number if inv.contract_id else "",
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


# --- the list ---------------------------------------------------------------------------------------


def _filtered(request: HttpRequest, actor: User) -> InvoiceFilterSet:
    return InvoiceFilterSet(request.GET, queryset=selectors.invoices_visible_to(actor), request=request)


def _sorted(qs: QuerySet[Invoice], ordering: str) -> tuple[QuerySet[Invoice], str]:
    key = ordering.lstrip("-")
    if key not in SORTS:
        ordering, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    descending = ordering.startswith("-")
    fields = []
    for i, name in enumerate(SORTS[key]):
        down = name.startswith("-") != (descending and i == 0)
        fields.append(f"-{name.lstrip('-')}" if down else name.lstrip("-"))
    return qs.order_by(*fields, "-pk" if descending else "pk"), ordering


@member_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    """Invoices with filters; totals per currency of everything the filters match (not just this page)."""
    actor: User = request.user  # type: ignore[assignment]
    _require_money(actor)
    today = clock.today_for(request.user)
    filterset = _filtered(request, actor)
    qs = filterset.qs
    invoices, ordering = _sorted(qs, request.GET.get("ordering", DEFAULT_SORT))
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "rows": [InvoiceRow(invoice, today) for invoice in page.object_list],
        "totals": _totals(selectors.invoice_totals_by_currency(qs, today)),
        "ordering": ordering,
        "today": today,
        "may_create": can(actor, "manage_money"),
        "query": request.GET.urlencode(),
        "export_query": _export_query(request),
    }
    if wants_partial(request):
        return vary_on_htmx(render(request, "billing/invoices/_table.html", context))
    checkbox_choices(filterset.form, "status")
    filterset.form.fields["account"].empty_label = _("Any account")
    filterset.form.fields["contract"].empty_label = _("Any contract")
    filterset.form.fields["currency"].choices = [
        ("", _("Any currency")),
        *filterset.form.fields["currency"].choices[1:],
    ]
    return vary_on_htmx(render(request, "billing/invoices/list.html", context))


def _export_query(request: HttpRequest) -> str:
    data = request.GET.copy()
    for name in ("page", "format"):
        data.pop(name, None)
    return data.urlencode()


@member_required
def invoice_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, as `?format=csv` (default) or `xlsx`."""
    actor: User = request.user  # type: ignore[assignment]
    _require_money(actor)
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.FORMATS:
        raise Http404
    invoices, _ordering = _sorted(_filtered(request, actor).qs, request.GET.get("ordering", DEFAULT_SORT))
    return invoice_export_response(fmt, invoices, clock.today_for(request.user))


# --- one invoice ------------------------------------------------------------------------------------


def invoice_page(request: HttpRequest, pk: int, *, void_form: VoidForm | None = None, status: int = 200):
    actor: User = request.user  # type: ignore[assignment]
    invoice = selectors.invoice_get_for(actor, pk)
    today = clock.today_for(request.user)
    manage = may_manage(actor, invoice.account_id)
    allocations = list(invoice.allocations.all())
    context: dict[str, Any] = {
        "invoice": invoice,
        "account": invoice.account,
        "doc": document_context(invoice),
        "allocations": [
            {"payment": a.payment, "amount": money(a.amount, invoice.currency), "url": _payment_url(a.payment_id)}
            for a in allocations
        ],
        "days_overdue": invoice.days_overdue(on=today),
        "may_manage": manage,
    }
    if manage and not invoice.is_void and not allocations:
        context["void_form"] = void_form or VoidForm(initial={"version": invoice.version, "voided_on": today})
    return render(request, "billing/invoices/detail.html", context, status=status)


def _payment_url(pk: int) -> str | None:
    from django.urls import NoReverseMatch

    try:
        return reverse("billing:payment_detail", args=[pk])
    except NoReverseMatch:
        return None


@member_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_money(request.user)  # type: ignore[arg-type]
    return invoice_page(request, pk)


@member_required
def invoice_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice as the client gets it, ready for the browser's print."""
    _require_money(request.user)  # type: ignore[arg-type]
    invoice = selectors.invoice_get_for(request.user, pk)
    return HttpResponse(invoice_document_html(request, invoice))


@member_required
def invoice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_money(request.user)  # type: ignore[arg-type]
    return invoice_pdf_response(request, selectors.invoice_get_for(request.user, pk))


@member_required
@require_POST
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    invoice = _managed_invoice(actor, pk)
    version = request.POST.get("version")
    try:
        services.invoice_issue(actor=actor, invoice=invoice, expected_version=int(version) if version else None)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    except ConflictError:
        messages.error(request, _("Someone else changed this invoice; look at it again before issuing."))
    else:
        messages.success(request, _("The invoice was issued."))
    return redirect(invoice_url(invoice))


@member_required
@require_POST
def invoice_void(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    invoice = _managed_invoice(actor, pk)
    form = VoidForm(request.POST)
    if not form.is_valid():
        return invoice_page(request, pk, void_form=form, status=200)
    data = form.cleaned_data
    _result, status = run_service(
        form,
        services.invoice_void,
        actor=actor,
        invoice=invoice,
        reason=data["reason"],
        voided_on=data.get("voided_on"),
        expected_version=data.get("version"),
    )
    if status:
        return invoice_page(request, pk, void_form=form, status=status)
    messages.success(request, _("The invoice was voided."))
    return redirect(invoice_url(invoice))


@member_required
@require_POST
def invoice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    invoice = _managed_invoice(actor, pk)
    try:
        services.invoice_delete(actor=actor, invoice=invoice)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return redirect(invoice_url(invoice))
    messages.success(request, _("The draft was deleted."))
    return redirect(reverse("billing:invoice_list") + f"?account={invoice.account_id}")


# --- the draft form ---------------------------------------------------------------------------------


def _unvalidated(*forms_: Any) -> None:
    """Show bound forms without their errors (the person only asked for one more line)."""
    for form in forms_:
        if hasattr(form, "forms"):
            form._errors = []
            form._non_form_errors = ErrorList()
            for sub in form.forms:
                sub._errors = ErrorDict()
        else:
            form._errors = ErrorDict()


def _more_lines(post: Any) -> Any:
    data = post.copy()
    data["lines-TOTAL_FORMS"] = str(int(data.get("lines-TOTAL_FORMS") or 0) + 1)
    return data


def _line_errors_to_forms(error: ValidationError, form: InvoiceForm, formset: Any) -> None:
    """Put the service's "lines[1].quantity" errors on that line's field; the rest on the head form."""
    filled = formset.filled_forms()
    rest: dict[str, Any] = {}
    for key, errors in error.error_dict.items():
        match = services.LINE_ERROR_KEY.match(key)
        if match and int(match.group(1)) < len(filled):
            line_form = filled[int(match.group(1))]
            field = match.group(2)
            line_form.add_error(field if field in line_form.fields else None, errors)
        elif key == "lines":
            formset._non_form_errors = formset.non_form_errors() + ErrorList([m for e in errors for m in e.messages])
        else:
            rest[key] = errors
    if rest:
        add_service_errors(form, ValidationError(rest))


def _form_page(
    request: HttpRequest, actor: User, account: Any, invoice: Invoice | None, status: int = 200
) -> HttpResponse:
    if request.method == "POST":
        adding = "add_line" in request.POST
        data = _more_lines(request.POST) if adding else request.POST
        form = InvoiceForm(data, actor=actor, account=account, invoice=invoice)
        formset = line_formset(data, invoice=invoice)
        if adding:
            _unvalidated(form, formset)
        elif form.is_valid() and formset.is_valid():
            saved, status = _save(request, actor, account, invoice, form, formset)
            if saved is not None:
                return redirect(invoice_url(saved))
    else:
        form = InvoiceForm(actor=actor, account=account, invoice=invoice)
        formset = line_formset(invoice=invoice)
    context = {"form": form, "formset": formset, "account": account, "invoice": invoice}
    return render(request, "billing/invoices/form.html", context, status=status)


def _save(
    request: HttpRequest, actor: User, account: Any, invoice: Invoice | None, form: InvoiceForm, formset: Any
) -> tuple[Invoice | None, int]:
    data = form.service_data()
    lines = formset.lines()
    try:
        if invoice is None:
            saved = services.invoice_create(actor=actor, account=account, lines=lines, **data)
            messages.success(request, _("The draft invoice %(number)s was saved.") % {"number": saved.number})
        else:
            saved = services.invoice_update(
                actor=actor,
                invoice=invoice,
                data={**data, "lines": lines},
                expected_version=form.cleaned_data.get("version"),
            )
            messages.success(request, _("The draft was saved."))
        return saved, 0
    except ValidationError as e:
        if hasattr(e, "error_dict"):
            _line_errors_to_forms(e, form, formset)
        else:
            form.add_error(None, e)
        return None, 200
    except ConflictError:
        form.add_error(None, CONFLICT_MESSAGE)
        return None, 409


@member_required
def invoice_create(request: HttpRequest) -> HttpResponse:
    """A new draft for an account (`?account=<id>`; without it, the person picks the account first)."""
    actor: User = request.user  # type: ignore[assignment]
    if not can(actor, "manage_money"):
        raise PermissionDenied(_("Your role does not allow this."))
    if not request.GET.get("account"):
        from keyaccount.work.forms import AccountPickForm

        picker = AccountPickForm(request.GET or None, actor=actor, capability="manage_money")
        return render(request, "work/pick_account.html", {"form": picker, "title": _("New invoice")})
    account = account_get_for(actor, request.GET["account"])
    if not may_manage(actor, account.pk):
        raise PermissionDenied(_("You cannot change this account's money."))
    return _form_page(request, actor, account, None)


@member_required
def invoice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    invoice = _managed_invoice(actor, pk)
    if not invoice.is_draft:
        messages.error(request, _("Only a draft can be changed. Void this invoice and issue a new one instead."))
        return redirect(invoice_url(invoice))
    return _form_page(request, actor, invoice.account, invoice)


@member_required
def invoice_generate(request: HttpRequest) -> HttpResponse:
    """Invoice a retainer for a month; `?contract=<id>` picks the contract (the contract page links here)."""
    actor: User = request.user  # type: ignore[assignment]
    if not can(actor, "manage_money"):
        raise PermissionDenied(_("Your role does not allow this."))
    initial: dict[str, Any] = {}
    if request.GET.get("contract", "").isdigit():
        initial["contract"] = int(request.GET["contract"])
    status = 200
    if request.method == "POST":
        form = GenerateForm(request.POST, actor=actor, initial=initial)
        if form.is_valid():
            contract = form.cleaned_data["contract"]
            if not may_manage(actor, contract.account_id):
                raise PermissionDenied(_("You cannot change this account's money."))
            invoice, status = run_service(
                form,
                services.invoice_generate_from_contract,
                actor=actor,
                contract=contract,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data.get("period_end"),
                issue_date=form.cleaned_data.get("issue_date"),
            )
            if invoice is not None:
                messages.success(request, _("The draft invoice %(number)s was made.") % {"number": invoice.number})
                return redirect(invoice_url(invoice))
    else:
        form = GenerateForm(actor=actor, initial=initial)
    return render(request, "billing/invoices/generate.html", {"form": form}, status=status)


urlpatterns = [
    path("invoices/", invoice_list, name="invoice_list"),
    path("invoices/new/", invoice_create, name="invoice_create"),
    path("invoices/generate/", invoice_generate, name="invoice_generate"),
    path("invoices/export/", invoice_export, name="invoice_export"),
    path("invoices/<int:pk>/", invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/edit/", invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/issue/", invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/void/", invoice_void, name="invoice_void"),
    path("invoices/<int:pk>/delete/", invoice_delete, name="invoice_delete"),
    path("invoices/<int:pk>/print/", invoice_print, name="invoice_print"),
    path("invoices/<int:pk>/pdf/", invoice_pdf_view, name="invoice_pdf"),
]
