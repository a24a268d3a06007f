"""The invoice list with its filters, sorting and totals per currency, and its export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from keyaccount.billing import exports, selectors
from keyaccount.billing.filtersets.invoices import InvoiceFilterSet
from keyaccount.billing.models import Invoice
from keyaccount.billing.views.invoices.common import InvoiceRow, money, require_money
from keyaccount.billing.views.invoices.documents import invoice_export_response
from keyaccount.core import clock
from keyaccount.core.web import checkbox_choices, vary_on_htmx, wants_partial
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
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
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Invoices with filters; totals per currency of everything the filters match (not just this page)."""
    actor = request.user
    require_money(actor)
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
def invoice_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list as filtered, as `?format=csv` (default) or `xlsx`."""
    actor = request.user
    require_money(actor)
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.FORMATS:
        raise Http404
    invoices, _ordering = _sorted(_filtered(request, actor).qs, request.GET.get("ordering", DEFAULT_SORT))
    return invoice_export_response(fmt, invoices, clock.today_for(request.user))
