"""Pages of alerts: the list (open first, filtered by status, rule, account manager), an alert with its
tasks and the close form, and the organization's playbooks (admins and heads edit them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.alerts import selectors, services
from keyaccount.alerts.filtersets import AlertFilterSet
from keyaccount.alerts.forms import AlertCloseForm, PlaybookForm, StepFormSet, steps_of
from keyaccount.alerts.text import describe
from keyaccount.core.web import run_service, vary_on_htmx, wants_partial
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.permissions import can, membership_of

if TYPE_CHECKING:
    from keyaccount.alerts.models import Alert, Playbook
    from keyaccount.tenancy.actors import Actor, AuthenticatedHttpRequest

PAGE_SIZE = 50


def _require(actor: Actor, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))


def _row(alert: Alert) -> dict[str, Any]:
    tasks = [link.task for link in alert.alert_tasks.all()]
    return {
        "alert": alert,
        "message": describe(alert.rule, alert.key, alert.facts),
        "tasks_open": sum(1 for t in tasks if t.is_open),
        "tasks_total": len(tasks),
    }


@member_required
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Alerts of the accounts the person sees, open first; a filter change (htmx) gets the results only."""
    actor = request.user
    _require(actor, "see_alerts")
    # The first visit (no filter in the address) shows what needs doing.
    data: QueryDict | dict[str, str] = request.GET.copy() if request.GET else {"status": "open"}
    filterset = AlertFilterSet(data, queryset=selectors.alerts_visible_to(actor), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "rows": [_row(a) for a in page.object_list]}
    if wants_partial(request):
        return vary_on_htmx(render(request, "alerts/_results.html", context))
    filterset.form.fields["status"].empty_label = _("Any status")
    filterset.form.fields["rule"].empty_label = _("Any rule")
    filterset.form.fields["owner"].empty_label = _("Anyone")
    return vary_on_htmx(render(request, "alerts/list.html", context))


def _detail(request: AuthenticatedHttpRequest, alert: Alert, form: AlertCloseForm, status: int = 200) -> HttpResponse:
    actor = request.user
    context = {
        **_row(alert),
        "tasks": [link.task for link in alert.alert_tasks.all()],
        "form": form,
        "may_close": alert.is_open and can(actor, "close_alerts"),
    }
    return render(request, "alerts/detail.html", context, status=status)


@member_required
def alert_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One alert: what happened in plain words, the playbook's tasks and, while open, the close form."""
    alert = selectors.alert_get_for(request.user, pk)
    return _detail(request, alert, AlertCloseForm())


@member_required
@require_POST
def alert_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    alert = selectors.alert_get_for(actor, pk)
    _require(actor, "close_alerts")
    form = AlertCloseForm(request.POST)
    if form.is_valid():
        closed, status = run_service(form, services.alert_close, actor=actor, alert=alert, **form.cleaned_data)
        if closed is not None:
            messages.success(request, _("The alert was closed."))
            return redirect("alerts:detail", pk=alert.pk)
        return _detail(request, alert, form, status)
    return _detail(request, alert, form)


# --- playbooks ---------------------------------------------------------------------------------------


@member_required
def playbook_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organization's playbooks with their steps; the first visit of an admin or head creates the defaults."""
    actor = request.user
    _require(actor, "see_alerts")
    may_edit = can(actor, "manage_playbooks")
    if may_edit:
        membership = membership_of(actor)
        assert membership is not None
        services.playbook_ensure_defaults(membership.organization_id, actor.language or None)
    playbooks = list(selectors.playbooks_visible_to(actor))
    return render(request, "alerts/playbooks.html", {"playbooks": playbooks, "may_edit": may_edit})


def _initial_steps(playbook: Playbook | None) -> list[dict[str, Any]]:
    if playbook is None:
        return []
    return [
        {"title": s.title, "days_until_due": s.days_until_due, "assignee": s.assignee} for s in playbook.steps.all()
    ]


@member_required
def playbook_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a playbook (no `pk`) or change one's name and steps; admins and heads only."""
    actor = request.user
    _require(actor, "see_alerts")
    playbook = selectors.playbook_get_for(actor, pk) if pk is not None else None
    _require(actor, "manage_playbooks")
    editing = playbook is not None
    status = 200
    if request.method == "POST":
        form = PlaybookForm(request.POST, editing=editing)
        steps = StepFormSet(request.POST, prefix="steps", form_kwargs={"actor": actor})
        if form.is_valid() and steps.is_valid():
            data = {"name": form.cleaned_data["name"], "steps": steps_of(steps)}
            if playbook is not None:
                version = request.POST.get("version")
                saved, status = run_service(
                    form,
                    services.playbook_update,
                    actor=actor,
                    playbook=playbook,
                    data=data,
                    expected_version=int(version) if version and version.isdigit() else None,
                )
            else:
                saved, status = run_service(
                    form,
                    services.playbook_create,
                    actor=actor,
                    rule=form.cleaned_data["rule"],
                    band=form.cleaned_data.get("band") or "",
                    **data,
                )
            if saved is not None:
                messages.success(request, _("The playbook was saved."))
                return redirect("alerts:playbooks")
    else:
        initial = {"name": playbook.name} if playbook is not None else {}
        form = PlaybookForm(initial=initial, editing=editing)
        steps = StepFormSet(initial=_initial_steps(playbook), prefix="steps", form_kwargs={"actor": actor})
    context = {"form": form, "steps": steps, "playbook": playbook}
    return render(request, "alerts/playbook_form.html", context, status=status)


@member_required
@require_POST
def playbook_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    playbook = selectors.playbook_get_for(actor, pk)
    services.playbook_delete(actor=actor, playbook=playbook)
    messages.success(request, _("The playbook was deleted."))
    return redirect("alerts:playbooks")
