"""The task pages: the list (mine by default), one task with its workflow, deadline, checklist and comments."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.core.web import checkbox_choices, run_service, vary_on_htmx, wants_partial
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.permissions import can
from keyaccount.work import selectors, services
from keyaccount.work.filtersets import TaskFilterSet
from keyaccount.work.forms import (
    AccountPickForm,
    ChecklistItemForm,
    CommentForm,
    MoveDueForm,
    TaskForm,
    TransitionForm,
)
from keyaccount.work.models import Task, TaskStatus, priority_rank
from keyaccount.work.views.common import PAGE_SIZE, may_change, require_capability, sort, writable_account

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User
    from keyaccount.work.models import TaskChecklistItem

_STATUS_RANK = Case(*(When(status=s, then=Value(i)) for i, s in enumerate(TaskStatus)), output_field=IntegerField())
# ?ordering=<key> or -<key>; ties broken so pages never shuffle.
SORTS: dict[str, list[str]] = {
    "due": ["due_at", "priority_rank"],
    "priority": ["priority_rank", "due_at"],
    "title": ["title"],
    "account": ["account__name", "due_at"],
    "assignee": ["assignee__name", "due_at"],
    "status": ["status_rank", "due_at"],
    "updated": ["-updated_at"],
}
SHOW_CHOICES = ("mine", "created", "all")


def task_url(task: Task | int, section: str = "") -> str:
    pk = task if isinstance(task, int) else task.pk
    url = reverse("work:task_detail", args=[pk])
    return f"{url}#{section}" if section else url


@member_required
def task_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Tasks, the signed-in person's own by default; an htmx request (filter, sort, page) gets only the table."""
    actor = request.user
    require_capability(actor, "see_tasks")
    data = request.GET.copy()
    show = data.get("show", "mine")
    if show not in SHOW_CHOICES:
        show = "mine"
    data["mine"] = "true" if show == "mine" else ""
    filterset = TaskFilterSet(data, queryset=selectors.tasks_visible_to(actor), request=request)
    qs = filterset.qs
    if show == "created":
        qs = qs.filter(created_by_id=actor.pk)
    qs = qs.annotate(priority_rank=priority_rank(), status_rank=_STATUS_RANK)
    tasks, ordering = sort(qs, SORTS, request.GET.get("ordering", "due"), "due")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "ordering": ordering,
        "show": show,
        "overdue": data.get("overdue") in ("true", "on", "1", "True"),
        "may_create": can(actor, "manage_tasks"),
    }
    if wants_partial(request):
        return vary_on_htmx(render(request, "work/_task_table.html", context))
    checkbox_choices(filterset.form, "status", "priority")
    filterset.form.fields["account"].empty_label = _("Any account")
    filterset.form.fields["assignee"].empty_label = _("Anyone")
    return vary_on_htmx(render(request, "work/task_list.html", context))


def _may(actor: User, task: Task) -> dict[str, bool]:
    """What the actor may do on this task: manage it (the account side) or work it (also the assignee)."""
    manage = may_change(actor, task.account_id, "manage_tasks")
    return {"manage": manage, "work": manage or (can(actor, "work_tasks") and task.assignee_id == actor.pk)}


def task_page(
    request: AuthenticatedHttpRequest, pk: int, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render the task page; `forms` puts a submitted form (with its errors) back in its section."""
    actor = request.user
    task = selectors.task_detail_for(actor, pk)
    may = _may(actor, task)
    forms = forms or {}
    allowed = services.allowed_transitions(task)
    context: dict[str, Any] = {
        "task": task,
        "may": may,
        "allowed": [(s.value, s.label) for s in TaskStatus if s.value in allowed],
        "see_requests": can(actor, "see_requests"),
    }
    if may["work"]:
        context["transition_form"] = forms.get("transition_form") or TransitionForm(task=task)
        context["comment_form"] = forms.get("comment_form") or CommentForm()
    if may["manage"]:
        context["checklist_form"] = forms.get("checklist_form") or ChecklistItemForm(prefix="step")
        if task.is_open:
            context["due_form"] = forms.get("due_form") or MoveDueForm(task=task, prefix="due")
    context["error_section"] = next(iter(forms), None)
    return render(request, "work/task_detail.html", context, status=status)


@member_required
def task_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return task_page(request, pk)


@member_required
def task_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new task for an account (?account=<id>), or from a request (?request=<id>, its account and project)."""
    actor = request.user
    require_capability(actor, "manage_tasks")
    client_request = None
    if request.GET.get("request"):
        client_request = selectors.request_get_for(actor, request.GET["request"])
        account_id: int | str = client_request.account_id
    elif request.GET.get("account"):
        account_id = request.GET["account"]
    else:
        picker = AccountPickForm(request.GET or None, actor=actor, capability="manage_tasks")
        return render(request, "work/pick_account.html", {"form": picker, "title": _("New task")})
    account = writable_account(actor, account_id, "manage_tasks")
    status = 200
    if request.method == "POST":
        form = TaskForm(request.POST, actor=actor, account=account)
        if form.is_valid():
            task, status = run_service(
                form,
                services.task_create,
                actor=actor,
                account=account,
                request=client_request,
                **form.service_data(),
            )
            if task is not None:
                messages.success(request, _("The task was created."))
                return redirect(task_url(task))
    else:
        initial: dict[str, Any] = {}
        if client_request is not None:
            initial = {"project": client_request.project_id, "description": client_request.text}
        form = TaskForm(actor=actor, account=account, initial=initial)
    context = {"form": form, "account": account, "client_request": client_request, "task": None}
    return render(request, "work/task_form.html", context, status=status)


@member_required
def task_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    task = selectors.task_get_for(actor, pk)
    if not may_change(actor, task.account_id, "manage_tasks"):
        raise PermissionDenied(_("You cannot change this task."))
    status = 200
    if request.method == "POST":
        form = TaskForm(request.POST, instance=copy.copy(task), actor=actor, account=task.account)
        if form.is_valid():
            _result, status = run_service(
                form,
                services.task_update,
                actor=actor,
                task=copy.copy(task),
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
            if not status:
                messages.success(request, _("The task was saved."))
                return redirect(task_url(task))
    else:
        form = TaskForm(instance=copy.copy(task), actor=actor, account=task.account)
    context = {"form": form, "account": task.account, "task": task, "client_request": None}
    return render(request, "work/task_form.html", context, status=status)


@member_required
@require_POST
def task_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move the task to the status of the pressed button; one the workflow does not allow changes nothing."""
    actor = request.user
    task = selectors.task_get_for(actor, pk)
    form = TransitionForm(request.POST, task=task)
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form,
            services.task_transition,
            actor=actor,
            task=task,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
        if not status:
            messages.success(request, _("The task is now “%(status)s”.") % {"status": task.get_status_display()})
            return redirect(task_url(task, "status"))
    return task_page(request, pk, forms={"transition_form": form}, status=status)


@member_required
@require_POST
def task_move_due(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    task = selectors.task_get_for(actor, pk)
    form = MoveDueForm(request.POST, task=task, prefix="due")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form,
            services.task_move_due,
            actor=actor,
            task=task,
            due_at=form.cleaned_data["due_at"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
        if not status:
            messages.success(request, _("The deadline was moved."))
            return redirect(task_url(task, "deadline"))
    return task_page(request, pk, forms={"due_form": form}, status=status)


@member_required
@require_POST
def checklist_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    task = selectors.task_get_for(actor, pk)
    form = ChecklistItemForm(request.POST, prefix="step")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form, services.task_checklist_add, actor=actor, task=task, title=form.cleaned_data["title"]
        )
        if not status:
            return redirect(task_url(task, "checklist"))
    return task_page(request, pk, forms={"checklist_form": form}, status=status)


def _checklist_item(actor: User, pk: int, item_pk: int) -> TaskChecklistItem:
    items = selectors.checklist_items_visible_to(actor).select_related("task", "task__account")
    try:
        return items.get(pk=item_pk, task_id=pk)
    except items.model.DoesNotExist:
        raise Http404 from None


@member_required
@require_POST
def checklist_toggle(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Tick or untick a step; htmx gets the step back, a plain form goes back to the page."""
    actor = request.user
    item = _checklist_item(actor, pk, item_pk)
    services.task_checklist_toggle(actor=actor, item=item, done=request.POST.get("done") == "1")
    if wants_partial(request):
        task = item.task
        context = {"item": item, "task": task, "may": _may(actor, task)}
        return render(request, "work/_checklist_item.html", context)
    return redirect(task_url(pk, "checklist"))


@member_required
@require_POST
def checklist_delete(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    actor = request.user
    item = _checklist_item(actor, pk, item_pk)
    services.task_checklist_delete(actor=actor, item=item)
    return redirect(task_url(pk, "checklist"))


@member_required
@require_POST
def comment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    task = selectors.task_get_for(actor, pk)
    form = CommentForm(request.POST)
    status = 200
    if form.is_valid():
        _result, status = run_service(form, services.task_comment_add, actor=actor, task=task, **form.cleaned_data)
        if not status:
            return redirect(task_url(task, "comments"))
    return task_page(request, pk, forms={"comment_form": form}, status=status)
