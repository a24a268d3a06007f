"""Pages of contracts (list, detail with value over time, amendments and renewals, form), the renewals
list grouped by window, and revenue movements per month. Reads through selectors, writes through services."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.billing import calc, selectors
from keyaccount.billing.filtersets.contracts import ContractFilterSet
from keyaccount.billing.forms.contracts import (
    AmendmentForm,
    ContractForm,
    NoticeForm,
    RenewalForm,
    SignForm,
    TerminateForm,
)
from keyaccount.billing.models import LIVE_STATUSES, Contract, ContractStatus
from keyaccount.billing.selectors import RENEWAL_WINDOWS
from keyaccount.billing.services import contracts as services
from keyaccount.core import clock
from keyaccount.core.web import checkbox_choices, run_service, vary_on_htmx, wants_partial
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.permissions import can
from keyaccount.work.forms import AccountPickForm
from keyaccount.work.views.common import PAGE_SIZE, may_change, writable_account

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


def _require_money(actor: User) -> None:
    if not can(actor, "see_money"):
        raise PermissionDenied(_("Your role does not allow this."))


def contract_url(contract: Contract | int, section: str = "") -> str:
    pk = contract if isinstance(contract, int) else contract.pk
    url = reverse("billing:contract_detail", args=[pk])
    return f"{url}#{section}" if section else url


# --- the list ---------------------------------------------------------------------------------------


@member_required
def contract_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Contracts of the accounts the person sees, with their value and MRR today."""
    actor = request.user
    _require_money(actor)
    filterset = ContractFilterSet(
        request.GET, queryset=selectors.contracts_with_terms(actor).order_by("-start_date", "-pk"), request=request
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today_for(request.user)
    rows = [(c, calc.value_on(c, today), calc.mrr_on(c, today)) for c in page.object_list]
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "may_create": can(actor, "manage_money"),
    }
    if wants_partial(request):
        return vary_on_htmx(render(request, "billing/contracts/_contract_table.html", context))
    checkbox_choices(filterset.form, "status", "billing_model")
    filterset.form.fields["account"].empty_label = _("Any account")
    filterset.form.fields["manager"].empty_label = _("Any account manager")
    return vary_on_htmx(render(request, "billing/contracts/contract_list.html", context))


# --- one contract -----------------------------------------------------------------------------------


def contract_page(
    request: AuthenticatedHttpRequest, pk: int, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The contract page; `forms` puts a submitted form (with its errors) back, open."""
    actor = request.user
    _require_money(actor)
    contract = selectors.contract_get_for(actor, pk)
    today = clock.today_for(request.user)
    may_manage = may_change(actor, contract.account_id, "manage_money")
    forms = forms or {}
    context: dict[str, Any] = {
        "contract": contract,
        "account": contract.account,
        "today": today,
        "current_value": calc.value_on(contract, today),
        "mrr": calc.mrr_on(contract, today),
        "history": calc.value_history(contract),
        "amendments": sorted(contract.amendments.all(), key=lambda a: (a.effective_date, a.pk)),
        "renewals": list(selectors.renewal_history(actor, contract)),
        "renewal": selectors.upcoming_renewal_of(actor, contract.pk, today),
        "invoices": list(selectors.invoices_visible_to(actor).filter(contract=contract).order_by("-issue_date")[:20]),
        "acts": list(selectors.acts_visible_to(actor).filter(contract=contract).order_by("-period_end")[:20]),
        "may_manage": may_manage,
        "open_form": next(iter(forms), None),
    }
    if may_manage:
        version = {"version": contract.version}
        live = contract.status in LIVE_STATUSES
        if contract.status == ContractStatus.DRAFT:
            context["sign_form"] = forms.get("sign") or SignForm(prefix="sign", initial=version)
        if live:
            context["terminate_form"] = forms.get("terminate") or TerminateForm(prefix="terminate", initial=version)
            context["amendment_form"] = forms.get("amendment") or AmendmentForm(prefix="amendment")
            if contract.notice_given_on is None:
                context["notice_form"] = forms.get("notice") or NoticeForm(prefix="notice", initial=version)
        if context["renewal"] is not None:
            context["renewal_form"] = forms.get("renewal") or RenewalForm(prefix="renewal")
        latest = context["amendments"][-1] if context["amendments"] else None
        context["withdrawable"] = latest.pk if latest is not None and latest.kind == "amendment" else None
    return render(request, "billing/contracts/contract_detail.html", context, status=status)


@member_required
def contract_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return contract_page(request, pk)


@member_required
def contract_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new contract for an account (?account=<id>); without one, ask which account first."""
    actor = request.user
    if not can(actor, "manage_money"):
        raise PermissionDenied(_("Your role does not allow this."))
    if not request.GET.get("account"):
        picker = AccountPickForm(request.GET or None, actor=actor, capability="manage_money")
        return render(request, "work/pick_account.html", {"form": picker, "title": _("New contract")})
    account = writable_account(actor, request.GET["account"], "manage_money")
    status = 200
    if request.method == "POST":
        form = ContractForm(request.POST, actor=actor)
        if form.is_valid():
            data = form.service_data()
            contract, status = run_service(form, services.contract_create, actor=actor, account=account, **data)
            if contract is not None:
                messages.success(request, _("The contract was saved as a draft."))
                return redirect(contract_url(contract))
    else:
        form = ContractForm(actor=actor, initial={"currency": account.currency})
    return render(request, "billing/contracts/contract_form.html", {"form": form, "account": account}, status=status)


@member_required
def contract_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    _require_money(actor)
    contract = selectors.contract_get_for(actor, pk)
    if not may_change(actor, contract.account_id, "manage_money"):
        raise PermissionDenied(_("You cannot change this contract."))
    status = 200
    if request.method == "POST":
        form = ContractForm(request.POST, instance=copy.copy(contract), actor=actor)
        if form.is_valid():
            _result, status = run_service(
                form,
                services.contract_update,
                actor=actor,
                contract=copy.copy(contract),
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
            if not status:
                messages.success(request, _("The contract was saved."))
                return redirect(contract_url(contract))
    else:
        form = ContractForm(instance=copy.copy(contract), actor=actor)
    context = {"form": form, "account": contract.account, "contract": contract}
    return render(request, "billing/contracts/contract_form.html", context, status=status)


def _act(
    request: AuthenticatedHttpRequest,
    pk: int,
    name: str,
    form_class: type[Any],
    call: Callable[[User, Contract, dict[str, Any]], Any],
    done: str,
    section: str = "",
) -> HttpResponse:
    """Handle one of the contract page's forms: on success back to the page, else the page with the form open."""
    actor = request.user
    _require_money(actor)
    contract = selectors.contract_get_for(actor, pk)
    form = form_class(request.POST, prefix=name)
    status = 200
    if form.is_valid():
        _result, status = run_service(form, lambda **kw: call(actor, contract, form.cleaned_data))
        if not status:
            messages.success(request, done)
            return redirect(contract_url(contract, section))
    return contract_page(request, pk, forms={name: form}, status=status)


@member_required
@require_POST
def contract_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "sign",
        SignForm,
        lambda actor, contract, data: services.contract_sign(
            actor=actor,
            contract=contract,
            signed_on=data["signed_on"],
            signed_by=data["signed_by"],
            expected_version=data["version"],
        ),
        _("The contract is signed."),
    )


@member_required
@require_POST
def contract_terminate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "terminate",
        TerminateForm,
        lambda actor, contract, data: services.contract_terminate(
            actor=actor,
            contract=contract,
            terminated_on=data["terminated_on"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        _("The termination is recorded."),
    )


@member_required
@require_POST
def contract_notice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "notice",
        NoticeForm,
        lambda actor, contract, data: services.contract_give_notice(
            actor=actor, contract=contract, given_on=data["given_on"], expected_version=data["version"]
        ),
        _("The notice is recorded: the contract will not renew itself."),
    )


@member_required
@require_POST
def contract_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    _require_money(actor)
    contract = selectors.contract_get_for(actor, pk)
    account_id = contract.account_id
    try:
        services.contract_delete(actor=actor, contract=contract)
    except ValidationError as error:  # shown on the page; nothing was deleted
        messages.error(request, " ".join(error.messages))
        return redirect(contract_url(contract))
    messages.success(request, _("The draft was deleted."))
    return redirect("accounts:detail", account_id)


@member_required
@require_POST
def amendment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "amendment",
        AmendmentForm,
        lambda actor, contract, data: services.amendment_create(
            actor=actor,
            contract=contract,
            effective_date=data["effective_date"],
            new_value=data["new_value"],
            new_end_date=data["new_end_date"],
            scope_change=data["scope_change"],
            number=data["number"],
            signed_on=data["signed_on"],
        ),
        _("The amendment is recorded."),
        "amendments",
    )


@member_required
@require_POST
def amendment_delete(request: AuthenticatedHttpRequest, pk: int, amendment_pk: int) -> HttpResponse:
    actor = request.user
    amendments = selectors.amendments_visible_to(actor)
    try:
        amendment = amendments.get(pk=amendment_pk, contract_id=pk)
    except amendments.model.DoesNotExist:
        raise Http404 from None
    try:
        services.amendment_delete(actor=actor, amendment=amendment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The amendment was withdrawn."))
    return redirect(contract_url(pk, "amendments"))


def _record_renewal(actor: User, contract: Contract, data: dict[str, Any]) -> Any:
    return services.renewal_record(
        actor=actor,
        contract=contract,
        outcome=data["outcome"],
        new_value=data["new_value"],
        new_end_date=data["new_end_date"],
        decided_on=data["decided_on"],
        note=data["note"],
    )


@member_required
@require_POST
def renewal_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a renewal outcome from the contract page, or inline from the renewals page (`next=renewals`)."""
    if request.POST.get("next") == "renewals":
        return _renewal_inline(request, pk)
    return _act(request, pk, "renewal", RenewalForm, _record_renewal, _("The outcome is recorded."), "renewals")


def _renewal_inline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    _require_money(actor)
    contract = selectors.contract_get_for(actor, pk)
    form = RenewalForm(request.POST, prefix=f"r{pk}")
    status = 200
    if form.is_valid():
        _result, status = run_service(form, lambda **kw: _record_renewal(actor, contract, form.cleaned_data))
        if not status:
            messages.success(request, _("The outcome of %(number)s is recorded.") % {"number": contract.number})
            return redirect("billing:renewal_list")
    return renewal_page(request, failed={pk: form}, status=status)


# --- renewals ---------------------------------------------------------------------------------------


def renewal_page(
    request: AuthenticatedHttpRequest, *, failed: dict[int, Any] | None = None, status: int = 200
) -> HttpResponse:
    actor = request.user
    _require_money(actor)
    today = clock.today_for(request.user)
    within = request.GET.get("within", "120")
    within_days = int(within) if within in {"30", "60", "90", "120"} else 120
    rows = selectors.upcoming_renewals(actor, today, within_days)
    may_manage = can(actor, "manage_money")
    failed = failed or {}
    editable: set[int] = set()
    if may_manage and rows:
        from keyaccount.accounts.selectors import accounts_editable_by

        ids = {r.contract.account_id for r in rows}
        editable = set(accounts_editable_by(actor, "manage_money").filter(pk__in=ids).values_list("pk", flat=True))
    forms = {
        r.contract.pk: failed.get(r.contract.pk) or RenewalForm(prefix=f"r{r.contract.pk}")
        for r in rows
        if r.contract.account_id in editable
    }
    groups = []
    overdue = [(r, forms.get(r.contract.pk)) for r in rows if r.notice_overdue]
    if overdue:
        groups.append({"title": _("Notice deadline missed"), "rows": overdue, "overdue": True})
    for window in RENEWAL_WINDOWS:
        chunk = [(r, forms.get(r.contract.pk)) for r in rows if r.window == window and not r.notice_overdue]
        if chunk:
            groups.append({"title": _("Within %(days)s days") % {"days": window}, "rows": chunk, "overdue": False})
    context = {"groups": groups, "within": within_days, "count": len(rows), "today": today}
    return render(request, "billing/contracts/renewal_list.html", context, status=status)


@member_required
def renewal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Contracts coming up for renewal within 120/90/60/30 days, missed notice deadlines first."""
    return renewal_page(request)


# --- revenue ----------------------------------------------------------------------------------------


def _month_param(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return default


@member_required
def revenue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Months × new, expansion, contraction and churn of recurring revenue, per currency, with the accounts."""
    actor = request.user
    _require_money(actor)
    this_month = calc.month_start(clock.today_for(request.user))
    last = _month_param(request.GET.get("to"), this_month)
    first = _month_param(request.GET.get("from"), (last - datetime.timedelta(days=330)).replace(day=1))
    if first > last or (last.year - first.year) * 12 + last.month - first.month >= 60:
        first = (last - datetime.timedelta(days=330)).replace(day=1)
    months = selectors.revenue_movements(actor, first, last)
    currencies = sorted({cur for m in months for (_kind, cur) in m.totals})
    kinds = ["new", "expansion", "contraction", "churn"]
    table = []
    for month in months:
        cells = [
            {
                "currency": cur,
                "values": [month.total(kind, cur) for kind in kinds],
                "net": sum((month.total(kind, cur) for kind in kinds), calc.ZERO),
            }
            for cur in currencies
        ]
        table.append({"month": month, "cells": cells})
    context: dict[str, Any] = {
        "table": table,
        "months": months,
        "currencies": currencies,
        "kinds": kinds,
        "first": first,
        "last": last,
        "mrr": sorted(selectors.mrr_of_accounts(actor, clock.today_for(request.user)).items()),
    }
    totals_now: dict[str, Any] = {}
    for (_account, cur), amount in context["mrr"]:
        totals_now[cur] = totals_now.get(cur, calc.ZERO) + amount
    context["mrr_total"] = sorted(totals_now.items())
    return render(request, "billing/contracts/revenue.html", context)


urlpatterns: list[URLPattern] = [
    path("contracts/", contract_list, name="contract_list"),
    path("contracts/new/", contract_create, name="contract_create"),
    path("contracts/<int:pk>/", contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/sign/", contract_sign, name="contract_sign"),
    path("contracts/<int:pk>/terminate/", contract_terminate, name="contract_terminate"),
    path("contracts/<int:pk>/notice/", contract_notice, name="contract_notice"),
    path("contracts/<int:pk>/delete/", contract_delete, name="contract_delete"),
    path("contracts/<int:pk>/amendments/", amendment_add, name="amendment_add"),
    path("contracts/<int:pk>/amendments/<int:amendment_pk>/delete/", amendment_delete, name="amendment_delete"),
    path("contracts/<int:pk>/renewal/", renewal_add, name="renewal_add"),
    path("renewals/", renewal_list, name="renewal_list"),
    path("revenue/", revenue, name="revenue"),
]
