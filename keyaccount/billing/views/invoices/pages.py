"""One invoice: its page with lines and payments, the printable document and PDF, issuing, voiding and
deleting a draft."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.billing import selectors
from keyaccount.billing.forms.invoices import VoidForm
from keyaccount.billing.services import invoices as services
from keyaccount.billing.views.invoices.common import invoice_url, managed_invoice, may_manage, money, require_money
from keyaccount.billing.views.invoices.documents import document_context, invoice_document_html, invoice_pdf_response
from keyaccount.core import clock
from keyaccount.core.services import ConflictError
from keyaccount.core.web import run_service
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest


def invoice_page(request: AuthenticatedHttpRequest, pk: int, *, void_form: VoidForm | None = None, status: int = 200):
    actor = request.user
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
def invoice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_money(request.user)
    return invoice_page(request, pk)


@member_required
def invoice_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The invoice as the client gets it, ready for the browser's print."""
    require_money(request.user)
    invoice = selectors.invoice_get_for(request.user, pk)
    return HttpResponse(invoice_document_html(request, invoice))


@member_required
def invoice_pdf_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_money(request.user)
    return invoice_pdf_response(request, selectors.invoice_get_for(request.user, pk))


@member_required
@require_POST
def invoice_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    invoice = managed_invoice(actor, pk)
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
def invoice_void(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    invoice = managed_invoice(actor, pk)
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
def invoice_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    invoice = managed_invoice(actor, pk)
    try:
        services.invoice_delete(actor=actor, invoice=invoice)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return redirect(invoice_url(invoice))
    messages.success(request, _("The draft was deleted."))
    return redirect(reverse("billing:invoice_list") + f"?account={invoice.account_id}")
