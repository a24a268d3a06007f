"""The draft form with its lines (create and edit), and invoicing a retainer for a month."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from keyaccount.accounts.selectors import account_get_for
from keyaccount.billing.forms.invoices import GenerateForm, InvoiceForm, line_formset
from keyaccount.billing.models import Invoice
from keyaccount.billing.services import invoices as services
from keyaccount.billing.views.invoices.common import invoice_url, managed_invoice, may_manage
from keyaccount.core.services import ConflictError
from keyaccount.core.web import CONFLICT_MESSAGE, add_service_errors, run_service
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.permissions import can

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


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
def invoice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new draft for an account (`?account=<id>`; without it, the person picks the account first)."""
    actor = request.user
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
def invoice_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    invoice = managed_invoice(actor, pk)
    if not invoice.is_draft:
        messages.error(request, _("Only a draft can be changed. Void this invoice and issue a new one instead."))
        return redirect(invoice_url(invoice))
    return _form_page(request, actor, invoice.account, invoice)


@member_required
def invoice_generate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Invoice a retainer for a month; `?contract=<id>` picks the contract (the contract page links here)."""
    actor = request.user
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
