"""Projects (engagements) with their goals and team, the service catalogue, and the work sections of the
account page (projects, requests with the filtering counts, open tasks), loaded by htmx."""

from __future__ import annotations

import copy
import functools
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.accounts.selectors import account_get_for
from keyaccount.core import clock
from keyaccount.core.web import run_service, vary_on_htmx
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import can, role_of
from keyaccount.work import selectors, services
from keyaccount.work.forms import AccountPickForm, ProjectForm, ProjectGoalForm, ServiceForm
from keyaccount.work.models import Project
from keyaccount.work.views.common import may_change, require_capability, writable_account

# How many open tasks and requests the account page shows before "all of them".
SECTION_LIMIT = 10


def project_url(project: Project | int, section: str = "") -> str:
    pk = project if isinstance(project, int) else project.pk
    url = reverse("work:project_detail", args=[pk])
    return f"{url}#{section}" if section else url


# --- the account page's work sections ---------------------------------------------------------------


@member_required
def account_work(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The account's projects, requests (with how many were rejected and quoted) and open tasks."""
    actor = request.user
    account = account_get_for(actor, pk)
    if role_of(actor) == Role.CLIENT:
        raise Http404
    context: dict[str, Any] = {"account": account, "see_money": can(actor, "see_money")}
    if can(actor, "see_projects"):
        context["projects"] = list(selectors.projects_visible_to(actor).filter(account=account).order_by("name", "pk"))
        context["may_add_project"] = may_change(actor, account.pk, "manage_projects")
    if can(actor, "see_requests"):
        waiting = selectors.requests_visible_to(actor).filter(account=account).order_by("-received_at", "-pk")
        context["requests"] = list(waiting[:SECTION_LIMIT])
        context["request_stats"] = selectors.request_filter_stats(actor, [account.pk])[account.pk]
        context["may_log_request"] = may_change(actor, account.pk, "manage_requests")
    if can(actor, "see_tasks"):
        open_tasks = selectors.tasks_visible_to(actor).filter(account=account).open().hot_first(now=clock.now())
        context["open_tasks"] = list(open_tasks[:SECTION_LIMIT])
        context["open_task_count"] = open_tasks.count() if len(context["open_tasks"]) == SECTION_LIMIT else None
        context["may_add_task"] = may_change(actor, account.pk, "manage_tasks")
    return vary_on_htmx(render(request, "work/_account_work.html", context))


# --- projects ---------------------------------------------------------------------------------------


def project_page(
    request: AuthenticatedHttpRequest, pk: int, *, goal_form: ProjectGoalForm | None = None, status: int = 200
) -> HttpResponse:
    actor = request.user
    project = selectors.project_get_for(actor, pk)
    may_manage = may_change(actor, project.account_id, "manage_projects")
    context: dict[str, Any] = {
        "project": project,
        "account": project.account,
        "may_manage": may_manage,
        "see_money": can(actor, "see_money"),
        "tasks": list(selectors.tasks_visible_to(actor).filter(project=project).open().hot_first(now=clock.now())),
        "may_add_task": may_change(actor, project.account_id, "manage_tasks"),
    }
    if may_manage:
        context["goal_form"] = goal_form or ProjectGoalForm(prefix="goal")
    return render(request, "work/project_detail.html", context, status=status)


@member_required
def project_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return project_page(request, pk)


@member_required
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.user
    require_capability(actor, "manage_projects")
    if not request.GET.get("account"):
        picker = AccountPickForm(request.GET or None, actor=actor, capability="manage_projects")
        return render(request, "work/pick_account.html", {"form": picker, "title": _("New project")})
    account = writable_account(actor, request.GET["account"], "manage_projects")
    show_money = can(actor, "see_money")
    status = 200
    if request.method == "POST":
        form = ProjectForm(request.POST, actor=actor, account=account, show_money=show_money)
        if form.is_valid():
            data = form.service_data()
            # "service" (the catalogue entry) would clash with run_service's own argument of that name.
            create = functools.partial(services.project_create, service=data.pop("service"))
            project, status = run_service(form, create, actor=actor, account=account, name=data.pop("name"), **data)
            if project is not None:
                messages.success(request, _("The project was created."))
                return redirect(project_url(project))
    else:
        form = ProjectForm(actor=actor, account=account, show_money=show_money)
    return render(request, "work/project_form.html", {"form": form, "account": account}, status=status)


@member_required
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    project = selectors.project_get_for(actor, pk)
    if not may_change(actor, project.account_id, "manage_projects"):
        raise PermissionDenied(_("You cannot change this project."))
    show_money = can(actor, "see_money")
    status = 200
    if request.method == "POST":
        form = ProjectForm(
            request.POST, instance=copy.copy(project), actor=actor, account=project.account, show_money=show_money
        )
        if form.is_valid():
            _result, status = run_service(
                form,
                services.project_update,
                actor=actor,
                project=copy.copy(project),
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
            if not status:
                messages.success(request, _("The project was saved."))
                return redirect(project_url(project))
    else:
        form = ProjectForm(instance=copy.copy(project), actor=actor, account=project.account, show_money=show_money)
    context = {"form": form, "account": project.account, "project": project}
    return render(request, "work/project_form.html", context, status=status)


@member_required
@require_POST
def goal_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    project = selectors.project_get_for(actor, pk)
    form = ProjectGoalForm(request.POST, prefix="goal")
    status = 200
    if form.is_valid():
        data = form.service_data()
        _result, status = run_service(
            form,
            services.project_goal_create,
            actor=actor,
            project=project,
            description=data.pop("description"),
            **data,
        )
        if not status:
            return redirect(project_url(project, "goals"))
    return project_page(request, pk, goal_form=form, status=status)


@member_required
@require_POST
def goal_delete(request: AuthenticatedHttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    actor = request.user
    goals = selectors.project_goals_visible_to(actor)
    try:
        goal = goals.get(pk=goal_pk, project_id=pk)
    except goals.model.DoesNotExist:
        raise Http404 from None
    services.project_goal_delete(actor=actor, goal=goal)
    return redirect(project_url(pk, "goals"))


# --- the service catalogue --------------------------------------------------------------------------


@member_required
def service_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organization's service catalogue; the admin adds and edits services here."""
    actor = request.user
    require_capability(actor, "manage_catalogue")
    status = 200
    if request.method == "POST":
        form = ServiceForm(request.POST)
        if form.is_valid():
            data = form.service_data()
            service, status = run_service(form, services.service_create, actor=actor, name=data.pop("name"), **data)
            if service is not None:
                messages.success(request, _("The service was added."))
                return redirect("work:service_list")
    else:
        form = ServiceForm()
    context = {"services": list(selectors.services_of(actor)), "form": form}
    return render(request, "work/service_list.html", context, status=status)


@member_required
def service_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    require_capability(actor, "manage_catalogue")
    service = selectors.service_get_for(actor, pk)
    status = 200
    if request.method == "POST":
        form = ServiceForm(request.POST, instance=copy.copy(service))
        if form.is_valid():
            _result, status = run_service(
                form, services.service_update, actor=actor, service=copy.copy(service), data=form.service_data()
            )
            if not status:
                messages.success(request, _("The service was saved."))
                return redirect("work:service_list")
    else:
        form = ServiceForm(instance=copy.copy(service))
    return render(request, "work/service_form.html", {"form": form, "service": service}, status=status)
