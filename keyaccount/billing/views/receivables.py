"""Pages of receivables and collection: the receivables (aging) page with its export, closing documents
(acts) with inline "sent" and "signed", and the organization's billing settings."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.accounts.selectors import account_get_for, accounts_editable_by
from keyaccount.billing import receivables, selectors
from keyaccount.billing.exports import FORMATS, export_response
from keyaccount.billing.filtersets.collection import ActFilterSet, ReceivableFilterSet
from keyaccount.billing.forms.collection import (
    ActDateForm,
    ActForm,
    BillingSettingsForm,
    DunningStepFormSet,
    ReceivablesForm,
    steps_of,
)
from keyaccount.billing.models import Act
from keyaccount.billing.services import collection as services
from keyaccount.core import clock
from keyaccount.core.services import ConflictError
from keyaccount.core.web import (
    CONFLICT_MESSAGE,
    run_service,
    safe_next,
    vary_on_htmx,
    wants_partial,
)
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.permissions import ORG_WIDE, can, role_of

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

PAGE_SIZE = 50


def _require(actor: User, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))


def _may_manage(actor: User, account_id: int) -> bool:
    return can(actor, "manage_money") and accounts_editable_by(actor, "manage_money").filter(pk=account_id).exists()


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


# --- receivables ------------------------------------------------------------------------------------


def _receivables_filters(request: HttpRequest, actor: User) -> tuple[ReceivableFilterSet, ReceivablesForm]:
    filterset = ReceivableFilterSet(request.GET or None, queryset=selectors.invoices_visible_to(actor), request=request)
    form = ReceivablesForm(request.GET or None)
    return filterset, form


@member_required
def receivables_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What clients owe at a chosen day: per account and currency by days past due, totals per currency,
    per account manager for heads, DSO for a period; an htmx request (filter change) gets the results."""
    actor = request.user
    _require(actor, "see_money")
    filterset, form = _receivables_filters(request, actor)
    form.is_valid()
    # With no filters (the first visit) every visible invoice counts; invalid filters show nothing.
    invoices = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    today = clock.today_for(request.user)
    as_of = (form.cleaned_data.get("as_of") if form.is_bound else None) or today
    start = form.cleaned_data.get("period_start") if form.is_bound else None
    end = form.cleaned_data.get("period_end") if form.is_bound else None
    if start and not end:
        end = max(as_of, start)
    elif end and not start:
        start = receivables.default_period(end)[0]
    open_now = receivables.open_invoices(invoices, as_of)
    summary = receivables.summary(invoices, as_of, start, end, open_at_as_of=open_now)
    rows = receivables.aging_by_account(open_now)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "filter": filterset,
        "form": form,
        "as_of": as_of,
        "summary": summary,
        "period_days": receivables.period_days(summary.period_start, summary.period_end),
        "page": page,
        "show_owners": role_of(actor) in ORG_WIDE or len({r.owner_id for r in summary.by_owner}) > 1,
        "invoice_list_url": _reverse_or_none("billing:invoice_list"),
        "query": query.urlencode(),
    }
    if wants_partial(request):
        return vary_on_htmx(render(request, "billing/receivables/_results.html", context))
    filterset.form.fields["account"].empty_label = _("Any account")
    filterset.form.fields["owner"].empty_label = _("Any account manager")
    filterset.form.fields["currency"].empty_label = _("Any currency")
    return vary_on_htmx(render(request, "billing/receivables/page.html", context))


@member_required
def receivables_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The receivables list, with the page's filters, as CSV or XLSX."""
    actor = request.user
    _require(actor, "see_money")
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        raise Http404
    filterset, form = _receivables_filters(request, actor)
    form.is_valid()
    # With no filters (the first visit) every visible invoice counts; invalid filters show nothing.
    invoices = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    as_of = (form.cleaned_data.get("as_of") if form.is_bound else None) or clock.today_for(request.user)
    from keyaccount.billing.api.receivables import export_table

    headers, table = export_table(receivables.receivables_by_account(invoices, as_of))
    return export_response(fmt, f"receivables-{as_of.isoformat()}", headers, table, _("Receivables"))


# --- acts -------------------------------------------------------------------------------------------


def _act_get(actor: User, pk: int) -> Act:
    try:
        return selectors.acts_visible_to(actor).get(pk=pk)
    except Act.DoesNotExist:
        raise Http404 from None


def _chase_days(actor: User) -> int:
    from keyaccount.tenancy.permissions import membership_of

    membership = membership_of(actor)
    assert membership is not None
    return selectors.settings_read(membership.organization_id).act_chase_days


def _act_row_context(actor: User, act: Act, editable: set[int], chase_days: int) -> dict[str, Any]:
    return {
        "act": act,
        "may_manage": act.account_id in editable,
        "to_chase": services.act_chase_due(act, clock.today_for(actor), chase_days),
        "today": clock.today_for(actor),
    }


@member_required
def act_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Closing documents with filters; "to chase" marks those sent long ago and unsigned. An htmx request
    (filter, page) gets only the table."""
    actor = request.user
    _require(actor, "see_money")
    filterset = ActFilterSet(request.GET or None, queryset=selectors.acts_visible_to(actor), request=request)
    # Filters that are not understood are left out (the table says so).
    acts = filterset.qs if filterset.is_valid() else filterset.queryset
    page = Paginator(acts.order_by("-period_end", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    editable = (
        set(accounts_editable_by(actor, "manage_money").values_list("pk", flat=True))
        if can(actor, "manage_money")
        else set()
    )
    chase_days = _chase_days(actor)
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "rows": [_act_row_context(actor, act, editable, chase_days) for act in page.object_list],
        "chase_days": chase_days,
        "may_create": can(actor, "manage_money"),
    }
    if wants_partial(request):
        return vary_on_htmx(render(request, "billing/acts/_table.html", context))
    filterset.form.fields["account"].empty_label = _("Any account")
    filterset.form.fields["contract"].empty_label = _("Any contract")
    filterset.form.fields["currency"].empty_label = _("Any currency")
    filterset.form.fields["state"].empty_label = _("Any state")
    return vary_on_htmx(render(request, "billing/acts/list.html", context))


@member_required
def act_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.user
    _require(actor, "manage_money")
    if not request.GET.get("account"):
        from keyaccount.work.forms import AccountPickForm

        picker = AccountPickForm(request.GET or None, actor=actor, capability="manage_money")
        return render(request, "work/pick_account.html", {"form": picker, "title": _("New act")})
    account = account_get_for(actor, request.GET["account"])
    if not _may_manage(actor, account.pk):
        raise PermissionDenied(_("You cannot change this account's money."))
    status = 200
    if request.method == "POST":
        form = ActForm(request.POST, actor=actor, account=account)
        if form.is_valid():
            data = form.service_data()
            act, status = run_service(
                form,
                services.act_create,
                actor=actor,
                account=account,
                sent_on=form.cleaned_data.get("sent_on"),
                **data,
            )
            if act is not None:
                messages.success(request, _("The act was recorded."))
                return redirect(reverse("billing:act_list") + f"?account={account.pk}")
    else:
        form = ActForm(actor=actor, account=account)
    return render(request, "billing/acts/form.html", {"form": form, "account": account}, status=status)


@member_required
def act_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The act's page: its details, and the form to correct it until the client signs it."""
    actor = request.user
    _require(actor, "see_money")
    act = _act_get(actor, pk)
    may_manage = _may_manage(actor, act.account_id) and act.signed_on is None
    status = 200
    form = None
    if may_manage:
        if request.method == "POST":
            form = ActForm(request.POST, instance=copy.copy(act), actor=actor, account=act.account)
            if form.is_valid():
                _result, status = run_service(
                    form,
                    services.act_update,
                    actor=actor,
                    act=copy.copy(act),
                    data=form.service_data(),
                    expected_version=form.cleaned_data["version"],
                )
                if not status:
                    messages.success(request, _("The act was saved."))
                    return redirect("billing:act_edit", pk=act.pk)
        else:
            form = ActForm(instance=copy.copy(act), actor=actor, account=act.account)
    elif request.method == "POST":
        raise PermissionDenied(_("You cannot change this act."))
    context = {
        "act": act,
        "account": act.account,
        "form": form,
        "may_manage": may_manage,
        "to_chase": services.act_chase_due(act, clock.today_for(request.user), _chase_days(actor)),
    }
    return render(request, "billing/acts/form.html", context, status=status)


@member_required
@require_POST
def act_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    act = _act_get(actor, pk)
    try:
        services.act_delete(actor=actor, act=act)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("billing:act_edit", pk=pk)
    messages.success(request, _("The act was deleted."))
    return redirect(reverse("billing:act_list") + f"?account={act.account_id}")


def _act_date(request: AuthenticatedHttpRequest, pk: int, service: Any, field: str) -> HttpResponse:
    """Mark an act sent or signed; htmx gets the table row back (with the error on it, if any)."""
    actor = request.user
    act = _act_get(actor, pk)
    form = ActDateForm(request.POST)
    error = ""
    status = 200
    if form.is_valid():
        try:
            service(
                actor=actor,
                act=copy.copy(act),
                expected_version=form.cleaned_data.get("version") or None,
                **{field: form.day()},
            )
        except ValidationError as e:
            error = " ".join(e.messages)
            status = 400
        except ConflictError:
            error = str(CONFLICT_MESSAGE)
            status = 409
    else:
        error = " ".join(str(m) for errors in form.errors.values() for m in errors)
        status = 400
    if not wants_partial(request):
        if error:
            messages.error(request, error)
        return redirect(safe_next(request, reverse("billing:act_list")))
    act = _act_get(actor, pk)
    editable = {act.account_id} if _may_manage(actor, act.account_id) else set()
    context = _act_row_context(actor, act, editable, _chase_days(actor))
    context["error"] = error
    # Answered 200 even on an error: htmx swaps only successful answers, and the message belongs on the row.
    response = render(request, "billing/acts/_row.html", context)
    response["X-Keyaccount-Status"] = str(status)
    return response


@member_required
@require_POST
def act_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act_date(request, pk, services.act_mark_sent, "sent_on")


@member_required
@require_POST
def act_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act_date(request, pk, services.act_mark_signed, "signed_on")


# --- billing settings -------------------------------------------------------------------------------


@member_required
def billing_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Payment terms, when unsigned acts are flagged, the collection steps (heads and administrators)."""
    actor = request.user
    _require(actor, "manage_billing_settings")
    from keyaccount.tenancy.permissions import membership_of

    membership = membership_of(actor)
    assert membership is not None
    current = selectors.settings_read(membership.organization_id)
    status = 200
    if request.method == "POST":
        form = BillingSettingsForm(request.POST)
        steps = DunningStepFormSet(request.POST, prefix="steps")
        if form.is_valid() and steps.is_valid():
            data = {
                "payment_terms_days": form.cleaned_data["payment_terms_days"],
                "act_chase_days": form.cleaned_data["act_chase_days"],
                "dunning_steps": steps_of(steps),
            }
            _result, status = run_service(
                form,
                services.billing_settings_update,
                actor=actor,
                data=data,
                expected_version=form.cleaned_data["version"],
            )
            if not status:
                messages.success(request, _("The billing settings were saved."))
                return redirect("billing:settings")
        else:
            status = 200
    else:
        form = BillingSettingsForm(
            initial={
                "payment_terms_days": current.payment_terms_days,
                "act_chase_days": current.act_chase_days,
                "version": current.version,
            }
        )
        steps = DunningStepFormSet(prefix="steps", initial=current.dunning_steps)
    return render(request, "billing/settings/page.html", {"form": form, "steps": steps}, status=status)


urlpatterns: list[URLPattern] = [
    path("receivables/", receivables_page, name="receivables"),
    path("receivables/export/", receivables_export, name="receivables_export"),
    path("acts/", act_list, name="act_list"),
    path("acts/new/", act_create, name="act_create"),
    path("acts/<int:pk>/", act_edit, name="act_edit"),
    path("acts/<int:pk>/delete/", act_delete, name="act_delete"),
    path("acts/<int:pk>/send/", act_send, name="act_send"),
    path("acts/<int:pk>/sign/", act_sign, name="act_sign"),
    path("settings/", billing_settings, name="settings"),
]
