"""Filters of tasks, requests, projects and the catalogue, shared by the pages and the API.

Related ids are limited to what the actor sees; in the API an id outside that scope matches nothing.
"""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.core import clock
from keyaccount.core.api import IdFilter
from keyaccount.tenancy.selectors import team_candidates
from keyaccount.work.models import (
    OPEN_TASK_STATUSES,
    Project,
    ProjectGoal,
    ProjectStage,
    Request,
    RequestChannel,
    RequestStatus,
    Service,
    Task,
    TaskChecklistItem,
    TaskComment,
    TaskPriority,
    TaskQuerySet,
    TaskStatus,
    due_soon_q,
    over_target_q,
    overdue_q,
)
from keyaccount.work.selectors import projects_visible_to, services_of


def _user(request):
    return getattr(request, "user", None)


def _accounts(request):
    return accounts_visible_to(_user(request))


def _colleagues(request):
    return team_candidates(_user(request))


def _projects(request):
    return projects_visible_to(_user(request))


def _services(request):
    return services_of(_user(request))


class TaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    assignee = django_filters.ModelChoiceFilter(queryset=_colleagues, label=_("Assignee"))
    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices, label=_("Status"))
    priority = django_filters.MultipleChoiceFilter(choices=TaskPriority.choices, label=_("Priority"))
    project = django_filters.ModelChoiceFilter(queryset=_projects, label=_("Project"))
    request = IdFilter(field_name="request_id", label=_("Request"))
    open = django_filters.BooleanFilter(method="only_open", label=pgettext_lazy("tasks", "Open"))
    overdue = django_filters.BooleanFilter(method="only_overdue", label=_("Overdue"))
    due_soon = django_filters.BooleanFilter(method="only_due_soon", label=_("Due within 24 hours"))
    mine = django_filters.BooleanFilter(method="only_mine", label=_("Assigned to me"))

    class Meta:
        model = Task
        fields = [
            "q",
            "account",
            "assignee",
            "status",
            "priority",
            "project",
            "request",
            "open",
            "overdue",
            "due_soon",
            "mine",
        ]

    def search(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def only_open(self, queryset: TaskQuerySet, name: str, value: bool | None) -> QuerySet[Task]:
        if value is None:
            return queryset
        return queryset.open() if value else queryset.exclude(status__in=OPEN_TASK_STATUSES)

    def only_overdue(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        if value is None:
            return queryset
        overdue = overdue_q(clock.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def only_due_soon(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        if value is None:
            return queryset
        soon = due_soon_q(clock.now())
        return queryset.filter(soon) if value else queryset.exclude(soon)

    def only_mine(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        """Tasks assigned to the signed-in user."""
        if not value:
            return queryset
        return queryset.filter(assignee_id=getattr(_user(self.request), "pk", None))


class RequestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains", label=_("Search"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices, label=_("Status"))
    channel = django_filters.MultipleChoiceFilter(choices=RequestChannel.choices, label=_("Channel"))
    project = django_filters.ModelChoiceFilter(queryset=_projects, label=_("Project"))
    contact = IdFilter(field_name="contact_id", label=_("Who asked"))
    over_target = django_filters.BooleanFilter(method="only_over_target", label=_("Over the response target"))
    received_after = django_filters.DateFilter(method="received_from", label=_("Received on or after"))

    class Meta:
        model = Request
        fields = ["q", "account", "status", "channel", "project", "contact", "over_target", "received_after"]

    def only_over_target(self, queryset: QuerySet[Request], name: str, value: bool | None) -> QuerySet[Request]:
        if value is None:
            return queryset
        late = over_target_q(clock.now())
        return queryset.filter(late) if value else queryset.exclude(late)

    def received_from(self, queryset: QuerySet[Request], name: str, value: datetime.date | None) -> QuerySet[Request]:
        if value is None:
            return queryset
        start = timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
        return queryset.filter(received_at__gte=start)


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    service = django_filters.ModelChoiceFilter(queryset=_services, label=_("Service"))
    stage = django_filters.MultipleChoiceFilter(choices=ProjectStage.choices, label=_("Stage"))
    member = django_filters.ModelChoiceFilter(field_name="team", queryset=_colleagues, label=_("Team member"))

    class Meta:
        model = Project
        fields = ["q", "account", "service", "stage", "member"]


class ProjectGoalFilterSet(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", label=_("Project"))
    account = IdFilter(field_name="project__account_id", label=_("Account"))

    class Meta:
        model = ProjectGoal
        fields = ["project", "account"]


class ServiceFilterSet(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(label=_("Offered"))

    class Meta:
        model = Service
        fields = ["is_active"]


class TaskChecklistItemFilterSet(django_filters.FilterSet):
    task = IdFilter(field_name="task_id", label=_("Task"))

    class Meta:
        model = TaskChecklistItem
        fields = ["task"]


class TaskCommentFilterSet(django_filters.FilterSet):
    task = IdFilter(field_name="task_id", label=_("Task"))

    class Meta:
        model = TaskComment
        fields = ["task"]
