"""Pages of payments: the list with totals per currency, recording a payment against the account's open
invoices (amounts suggested oldest first), a payment's allocations with "put credit against invoices",
and deleting a payment recorded by mistake."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.accounts.selectors import account_get_for, accounts_editable_by
from keyaccount.billing import selectors
from keyaccount.billing.filtersets.payments import PaymentFilterSet
from keyaccount.billing.forms.payments import AllocateForm, PaymentAccountForm, PaymentForm, suggest
from keyaccount.billing.models import Invoice, Payment
from keyaccount.billing.services import payments as services
from keyaccount.core import clock
from keyaccount.core.money import CURRENCY_MINOR_UNITS
from keyaccount.core.web import run_service, vary_on_htmx, wants_partial
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.permissions import can

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

PAGE_SIZE = 50
ORDERINGS = {
    "date": ["date", "id"],
    "-date": ["-date", "-id"],
    "amount": ["amount", "id"],
    "-amount": ["-amount", "-id"],
}


def money(amount: Decimal | None, currency: str) -> str:
    """An amount in the user's language with its currency's decimals: "1,155.00 RUB", "15 000 JPY"."""
    if amount is None:
        return ""
    places = CURRENCY_MINOR_UNITS.get(currency, 2)
    return f"{formats.number_format(amount, places, use_l10n=True, force_grouping=True)}\u00a0{currency}"


def _require(actor: User, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))


def _may_manage(actor: User, account_id: int) -> bool:
    return can(actor, "manage_money") and accounts_editable_by(actor, "manage_money").filter(pk=account_id).exists()


def _invoice_url(pk: int) -> str | None:
    try:
        return reverse("billing:invoice_detail", args=[pk])
    except NoReverseMatch:
        return None


def payment_url(payment: Payment | int) -> str:
    return reverse("billing:payment_detail", args=[payment if isinstance(payment, int) else payment.pk])


# --- the list ---------------------------------------------------------------------------------------


def _row(payment: Payment) -> dict[str, Any]:
    return {
        "payment": payment,
        "amount": money(payment.amount, payment.currency),
        "allocated": money(payment.allocated_amount, payment.currency),
        "credit": money(payment.unallocated, payment.currency) if payment.unallocated else "",
        "invoices": [
            {"number": a.invoice.number, "url": _invoice_url(a.invoice_id)} for a in payment.allocations.all()
        ],
    }


def _totals(payments: Any) -> list[dict[str, Any]]:
    """Received, allocated and credit per currency over the filtered payments (never across currencies)."""
    rows = (
        payments.order_by()
        .values("currency")
        .annotate(count=Count("id"), received=Sum("amount"), allocated=Sum("allocated_amount"))
        .order_by("currency")
    )
    return [
        {
            "currency": row["currency"],
            "count": row["count"],
            "received": money(row["received"], row["currency"]),
            "allocated": money(row["allocated"], row["currency"]),
            "credit": money(row["received"] - row["allocated"], row["currency"]),
        }
        for row in rows
    ]


@member_required
def payment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Payments of the accounts whose money the person sees, latest first; a filter change (htmx) gets the results."""
    actor = request.user
    _require(actor, "see_money")
    filterset = PaymentFilterSet(
        request.GET or None, queryset=selectors.payments_with_allocations(actor), request=request
    )
    payments = filterset.qs
    ordering = request.GET.get("ordering", "-date")
    if ordering not in ORDERINGS:
        ordering = "-date"
    page = Paginator(payments.order_by(*ORDERINGS[ordering]), PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "rows": [_row(p) for p in page.object_list],
        "totals": _totals(payments),
        "ordering": ordering,
        "may_record": can(actor, "manage_money"),
    }
    if wants_partial(request):
        return vary_on_htmx(render(request, "billing/payments/_results.html", context))
    filterset.form.fields["account"].empty_label = _("Any account")
    filterset.form.fields["currency"].empty_label = _("Any currency")
    return vary_on_htmx(render(request, "billing/payments/list.html", context))


# --- recording a payment ----------------------------------------------------------------------------


def _writable_account(actor: User, pk: int | str) -> Account:
    """The account if the person sees it (else 404) and may manage its money (else 403)."""
    account = account_get_for(actor, pk)
    if not _may_manage(actor, account.pk):
        raise PermissionDenied(_("You cannot change this account's money."))
    return account


def _decimal(value: str | None) -> Decimal | None:
    try:
        amount = Decimal((value or "").replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount > 0 else None


def _invoice_rows(form: Any, today: datetime.date) -> list[dict[str, Any]]:
    """Open invoices with their amount field, oldest due first, for the allocation table."""
    return [
        {
            "invoice": invoice,
            "overdue": invoice.is_overdue(on=today),
            "field": field,
            "total": money(invoice.total, invoice.currency),
            "open": money(invoice.open_amount, invoice.currency),
            "url": _invoice_url(invoice.pk),
        }
        for invoice, field in form.invoice_rows()
    ]


@member_required
def payment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record money received from an account (`?account=`), put against its open invoices; `?invoice=` starts
    with that invoice's open amount. Changing the amount (htmx) suggests the allocations again, oldest first."""
    actor = request.user
    _require(actor, "manage_money")
    if not request.GET.get("account"):
        picker = PaymentAccountForm(request.GET or None, actor=actor)
        return render(request, "billing/payments/pick_account.html", {"form": picker})
    account = _writable_account(actor, request.GET["account"])
    invoices = list(selectors.open_invoices_of(actor, account.pk))
    status = 200
    if request.method == "POST":
        form = PaymentForm(request.POST, invoices=invoices)
        if form.is_valid():
            payment, status = run_service(
                form, services.payment_record, actor=actor, account=account, **form.service_data()
            )
            if payment is not None:
                messages.success(request, _("The payment was recorded."))
                return redirect(payment_url(payment))
    else:
        chosen = next((i for i in invoices if str(i.pk) == request.GET.get("invoice")), None)
        currency = request.GET.get("currency") or (chosen.currency if chosen else account.currency)
        amount = _decimal(request.GET.get("amount")) if "amount" in request.GET else None
        if chosen is not None and amount is None and "amount" not in request.GET:
            amount = chosen.open_amount
            suggestions = {chosen.pk: amount}
        else:
            suggestions = suggest([i for i in invoices if i.currency == currency], amount)
        initial: dict[str, Any] = {"currency": currency, "amount": amount}
        initial.update({f"invoice_{pk}": value for pk, value in suggestions.items()})
        form = PaymentForm(initial=initial, invoices=invoices)
    today = clock.today_for(request.user)
    context = {
        "form": form,
        "account": account,
        "today": today,
        "suggest_url": f"{reverse('billing:payment_create')}?account={account.pk}&suggest=1",
        "invoices": _invoice_rows(form, today),
        "credit": [money(v, c) for c, v in selectors.account_credit(actor, account).items()],
    }
    if wants_partial(request) and request.GET.get("suggest"):
        return vary_on_htmx(render(request, "billing/payments/_allocations.html", context))
    return vary_on_htmx(render(request, "billing/payments/form.html", context, status=status))


# --- a payment --------------------------------------------------------------------------------------


def payment_page(
    request: AuthenticatedHttpRequest, pk: int, *, allocate_form: AllocateForm | None = None, status: int = 200
) -> HttpResponse:
    actor = request.user
    payment = selectors.payment_get_for(actor, pk)  # 404 for those who see no money
    may_manage = _may_manage(actor, payment.account_id)
    context: dict[str, Any] = {
        "payment": payment,
        "account": payment.account,
        "today": clock.today_for(request.user),
        "may_manage": may_manage,
        "amount": money(payment.amount, payment.currency),
        "allocated": money(payment.allocated_amount, payment.currency),
        "credit": money(payment.unallocated, payment.currency),
        "allocations": [
            {
                "invoice": a.invoice,
                "url": _invoice_url(a.invoice_id),
                "amount": money(a.amount, payment.currency),
                "status": a.invoice.get_status_display(),
            }
            for a in payment.allocations.all()
        ],
    }
    if may_manage and payment.unallocated > 0:
        invoices: list[Invoice] = list(selectors.open_invoices_of(actor, payment.account_id, payment.currency))
        if allocate_form is None:
            initial = {f"invoice_{k}": v for k, v in suggest(invoices, payment.unallocated).items()}
            allocate_form = AllocateForm(initial=initial, invoices=invoices)
        context["allocate_form"] = allocate_form
        context["invoices"] = _invoice_rows(allocate_form, context["today"])
    return render(request, "billing/payments/detail.html", context, status=status)


@member_required
def payment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return payment_page(request, pk)


@member_required
@require_POST
def payment_allocate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put the payment's credit against the invoices given amounts on its page."""
    actor = request.user
    _require(actor, "manage_money")
    payment = selectors.payment_get_for(actor, pk)
    if not _may_manage(actor, payment.account_id):
        raise PermissionDenied(_("You cannot change this account's money."))
    invoices = list(selectors.open_invoices_of(actor, payment.account_id, payment.currency))
    form = AllocateForm(request.POST, invoices=invoices)
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form, services.payment_allocate, actor=actor, payment=payment, allocations=form.allocations()
        )
        if not status:
            messages.success(request, _("The credit was put against the invoices."))
            return redirect(payment_url(payment))
    return payment_page(request, pk, allocate_form=form, status=status or 200)


@member_required
def payment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete a payment recorded by mistake; its invoices are owed again."""
    actor = request.user
    _require(actor, "manage_money")
    payment = selectors.payment_get_for(actor, pk)
    if not _may_manage(actor, payment.account_id):
        raise PermissionDenied(_("You cannot change this account's money."))
    if request.method == "POST":
        services.payment_delete(actor=actor, payment=payment)
        messages.success(request, _("The payment was deleted; its invoices are owed again."))
        return redirect(f"{reverse('billing:payment_list')}?account={payment.account_id}")
    context = {
        "payment": payment,
        "account": payment.account,
        "amount": money(payment.amount, payment.currency),
        "invoices": [a.invoice.number for a in payment.allocations.all()],
    }
    return render(request, "billing/payments/confirm_delete.html", context)


urlpatterns: list[URLPattern] = [
    path("payments/", payment_list, name="payment_list"),
    path("payments/new/", payment_create, name="payment_create"),
    path("payments/<int:pk>/", payment_detail, name="payment_detail"),
    path("payments/<int:pk>/allocate/", payment_allocate, name="payment_allocate"),
    path("payments/<int:pk>/delete/", payment_delete, name="payment_delete"),
]
