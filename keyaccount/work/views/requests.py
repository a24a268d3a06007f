"""The client requests pages: the list (waiting for triage first), logging one, and its triage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.core.web import checkbox_choices, run_service, vary_on_htmx, wants_partial
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.permissions import can
from keyaccount.work import selectors, services
from keyaccount.work.filtersets import RequestFilterSet
from keyaccount.work.forms import (
    AcceptForm,
    AcceptTaskFormSet,
    AccountPickForm,
    QuoteAnswerForm,
    QuoteForm,
    RejectForm,
    RequestForm,
)
from keyaccount.work.models import Request, RequestStatus
from keyaccount.work.views.common import PAGE_SIZE, may_change, require_capability, sort, writable_account

# Waiting for triage first, then the rest by the status's order.
_STATUS_RANK = Case(*(When(status=s, then=Value(i)) for i, s in enumerate(RequestStatus)), output_field=IntegerField())
SORTS: dict[str, list[str]] = {
    "triage": ["status_rank", "response_due_at", "-received_at"],
    "received": ["received_at"],
    "account": ["account__name", "-received_at"],
    "due": ["response_due_at", "-received_at"],
}


def request_url(client_request: Request | int, section: str = "") -> str:
    pk = client_request if isinstance(client_request, int) else client_request.pk
    url = reverse("work:request_detail", args=[pk])
    return f"{url}#{section}" if section else url


@member_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The client's wishes across the accounts the person sees, those waiting for triage first."""
    actor = request.user
    require_capability(actor, "see_requests")
    filterset = RequestFilterSet(request.GET, queryset=selectors.requests_visible_to(actor), request=request)
    qs = filterset.qs.annotate(status_rank=_STATUS_RANK)
    rows, ordering = sort(qs, SORTS, request.GET.get("ordering", "triage"), "triage")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "over_target": request.GET.get("over_target") in ("true", "on", "1", "True"),
        "ordering": ordering,
        "may_create": can(actor, "manage_requests"),
        "see_money": can(actor, "see_money"),
    }
    if wants_partial(request):
        return vary_on_htmx(render(request, "work/_request_table.html", context))
    checkbox_choices(filterset.form, "status", "channel")
    filterset.form.fields["account"].empty_label = _("Any account")
    return vary_on_htmx(render(request, "work/request_list.html", context))


def request_page(
    request: AuthenticatedHttpRequest, pk: int, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render the request page; `forms` puts a submitted triage form (with its errors) back."""
    actor = request.user
    client_request = selectors.request_get_for(actor, pk)
    may_manage = may_change(actor, client_request.account_id, "manage_requests")
    forms = forms or {}
    tasks = list(selectors.tasks_visible_to(actor).filter(request=client_request).order_by("due_at", "pk"))
    context: dict[str, Any] = {
        "client_request": client_request,
        "account": client_request.account,
        "tasks": tasks,
        "may_manage": may_manage,
        "may_add_task": may_change(actor, client_request.account_id, "manage_tasks"),
        "see_money": can(actor, "see_money"),
        "open_form": next(iter(forms), None),
    }
    if may_manage and client_request.status == RequestStatus.NEW:
        context["accept_form"] = forms.get("accept") or AcceptForm(
            prefix="accept", initial={"version": client_request.version}
        )
        context["accept_tasks"] = forms.get("accept_tasks") or AcceptTaskFormSet(
            form_kwargs={"actor": actor}, prefix="task"
        )
        context["reject_form"] = forms.get("reject") or RejectForm(
            prefix="reject", initial={"version": client_request.version}
        )
        context["quote_form"] = forms.get("quote") or QuoteForm(
            prefix="quote", account=client_request.account, initial={"version": client_request.version}
        )
    if may_manage and client_request.status == RequestStatus.QUOTED and client_request.quote_accepted is None:
        context["answer_form"] = forms.get("answer") or QuoteAnswerForm(
            prefix="answer", initial={"version": client_request.version}
        )
    return render(request, "work/request_detail.html", context, status=status)


@member_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return request_page(request, pk)


@member_required
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log a client's wish for an account (?account=<id>); without one, ask which account first."""
    actor = request.user
    require_capability(actor, "manage_requests")
    if not request.GET.get("account"):
        picker = AccountPickForm(request.GET or None, actor=actor, capability="manage_requests")
        return render(request, "work/pick_account.html", {"form": picker, "title": _("Log a request")})
    account = writable_account(actor, request.GET["account"], "manage_requests")
    status = 200
    if request.method == "POST":
        form = RequestForm(request.POST, actor=actor, account=account)
        if form.is_valid():
            client_request, status = run_service(
                form, services.request_log, actor=actor, account=account, **form.service_data()
            )
            if client_request is not None:
                messages.success(request, _("The request was logged."))
                return redirect(request_url(client_request))
    else:
        form = RequestForm(actor=actor, account=account)
    return render(request, "work/request_form.html", {"form": form, "account": account}, status=status)


@member_required
@require_POST
def request_triage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Accept (into tasks), reject with a reason, or quote as extra work; a refused decision saves nothing."""
    actor = request.user
    client_request = selectors.request_get_for(actor, pk)
    decision = request.POST.get("decision")
    forms: dict[str, Any]
    if decision == "accept":
        form: Any = AcceptForm(request.POST, prefix="accept")
        formset = AcceptTaskFormSet(request.POST, form_kwargs={"actor": actor}, prefix="task")
        forms = {"accept": form, "accept_tasks": formset}
        valid = form.is_valid() & formset.is_valid()
        kwargs = {"tasks": formset.tasks()} if valid else {}  # type: ignore[attr-defined]  # a BaseAcceptTaskFormSet
    elif decision == "reject":
        form = RejectForm(request.POST, prefix="reject")
        forms = {"reject": form}
        valid = form.is_valid()
        kwargs = {k: form.cleaned_data[k] for k in ("reason", "explanation")} if valid else {}
    elif decision == "quote":
        form = QuoteForm(request.POST, prefix="quote", account=client_request.account)
        forms = {"quote": form}
        valid = form.is_valid()
        kwargs = {k: form.cleaned_data[k] for k in ("quote_amount", "quote_currency", "explanation")} if valid else {}
    else:
        messages.error(request, _("Choose accept, reject or quote."))
        return redirect(request_url(client_request, "triage"))
    status = 200
    if valid:
        _result, status = run_service(
            form,
            services.request_triage,
            actor=actor,
            request=client_request,
            decision=decision,
            expected_version=form.cleaned_data["version"],
            **kwargs,
        )
        if not status:
            messages.success(request, _("The request was triaged."))
            return redirect(request_url(client_request))
    return request_page(request, pk, forms=forms, status=status)


@member_required
@require_POST
def request_quote_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The client's yes or no to the quote."""
    actor = request.user
    client_request = selectors.request_get_for(actor, pk)
    form = QuoteAnswerForm(request.POST, prefix="answer")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form,
            services.request_quote_answer,
            actor=actor,
            request=client_request,
            accepted=form.cleaned_data["accepted"],
            expected_version=form.cleaned_data["version"],
        )
        if not status:
            messages.success(request, _("The client's answer was recorded."))
            return redirect(request_url(client_request))
    return request_page(request, pk, forms={"answer": form}, status=status)
