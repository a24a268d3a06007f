"""Reads of the delivery side, always through the actor's visibility, with what lists show prefetched."""

from __future__ import annotations

import datetime
from typing import NamedTuple, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, IntegerField, Model, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from keyaccount.core import clock
from keyaccount.tenancy.actors import Actor
from keyaccount.tenancy.permissions import can, membership_of, scoped_to_accounts_q, visible_accounts_q, visible_tasks_q
from keyaccount.work.models import (
    DUE_SOON,
    Project,
    ProjectGoal,
    Request,
    RequestQuerySet,
    RequestStatus,
    Service,
    Task,
    TaskChecklistItem,
    TaskComment,
    TaskDueChange,
    TaskQuerySet,
    TaskStatusChange,
)

M = TypeVar("M", bound=Model)


def _get(qs: QuerySet[M], pk: int | str) -> M:
    """One row of a scoped queryset or 404 (another organization's id answers like a missing one)."""
    try:
        return qs.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- service catalogue ------------------------------------------------------------------------------


def services_of(actor: Actor) -> QuerySet[Service]:
    """The organization's service catalogue (everyone in it may read it)."""
    membership = membership_of(actor)
    if membership is None:
        return Service.objects.none()
    return Service.objects.filter(organization_id=membership.organization_id)


def service_get_for(actor: Actor, pk: int | str) -> Service:
    return _get(services_of(actor), pk)


# --- projects ---------------------------------------------------------------------------------------


def projects_visible_to(actor: Actor) -> QuerySet[Project]:
    """Projects of the accounts the actor sees, with service, team and goals prefetched."""
    return (
        Project.objects.filter(scoped_to_accounts_q(actor, "see_projects"))
        .select_related("account", "service")
        .prefetch_related("team", "goals")
    )


def project_get_for(actor: Actor, pk: int | str) -> Project:
    return _get(projects_visible_to(actor), pk)


def project_goals_visible_to(actor: Actor) -> QuerySet[ProjectGoal]:
    if not can(actor, "see_projects"):
        return ProjectGoal.objects.none()
    return ProjectGoal.objects.filter(visible_accounts_q(actor, "project__account__")).select_related(
        "project", "project__account"
    )


# --- requests ---------------------------------------------------------------------------------------


def requests_visible_to(actor: Actor) -> RequestQuerySet:
    """Client requests of the accounts the actor sees (the account side only), with `over_target`."""
    qs = Request.objects.filter(scoped_to_accounts_q(actor, "see_requests")).select_related(
        "account", "contact", "project", "logged_by", "triaged_by"
    )
    return qs.with_target_flag(now=clock.now()).prefetch_related(
        Prefetch("tasks", queryset=Task.objects.only("id", "request_id"))
    )


def request_get_for(actor: Actor, pk: int | str) -> Request:
    return _get(requests_visible_to(actor), pk)


def requests_waiting(actor: Actor) -> QuerySet[Request]:
    """Requests waiting for triage, the most urgent answer first; `over_target` marks those already late."""
    return requests_visible_to(actor).waiting().order_by("response_due_at", "received_at", "id")


def request_filter_stats(actor: Actor, account_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per account: how many requests were rejected, quoted, accepted and are waiting (the AM's filtering work)."""
    rows = (
        Request.objects.filter(scoped_to_accounts_q(actor, "see_requests"), account_id__in=list(account_ids))
        .values("account_id")
        .annotate(
            rejected=Count("id", filter=Q(status=RequestStatus.REJECTED)),
            quoted=Count("id", filter=Q(status=RequestStatus.QUOTED)),
            accepted=Count("id", filter=Q(status=RequestStatus.ACCEPTED)),
            waiting=Count("id", filter=Q(status=RequestStatus.NEW)),
            total=Count("id"),
        )
        .order_by()
    )
    empty = {"rejected": 0, "quoted": 0, "accepted": 0, "waiting": 0, "total": 0}
    stats = {account_id: dict(empty) for account_id in account_ids}
    for row in rows:
        stats[row.pop("account_id")] = row
    return stats


# --- tasks ------------------------------------------------------------------------------------------


def _checklist_count(done: bool | None = None) -> Coalesce:
    items = TaskChecklistItem.objects.filter(task_id=OuterRef("pk"))
    if done is not None:
        items = items.filter(done_at__isnull=not done)
    counted = items.order_by().values("task_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def tasks_visible_to(actor: Actor) -> TaskQuerySet:
    """Tasks the actor sees (a specialist: theirs), with the overdue/due-soon flags and checklist progress."""
    qs = Task.objects.filter(visible_tasks_q(actor)).select_related(
        "account", "project", "request", "assignee", "created_by"
    )
    return qs.with_due_flags(now=clock.now()).annotate(
        checklist_total=_checklist_count(), checklist_done=_checklist_count(done=True)
    )


def task_get_for(actor: Actor, pk: int | str) -> Task:
    return _get(tasks_visible_to(actor), pk)


def task_detail_for(actor: Actor, pk: int | str) -> Task:
    """A task with everything its page shows: checklist, comments, status and deadline history."""
    qs = tasks_visible_to(actor).prefetch_related(
        "checklist",
        Prefetch("comments", queryset=TaskComment.objects.select_related("author")),
        Prefetch("status_changes", queryset=TaskStatusChange.objects.select_related("changed_by")),
        Prefetch("due_changes", queryset=TaskDueChange.objects.select_related("changed_by")),
    )
    return _get(qs, pk)


class TasksToRemind(NamedTuple):
    due_soon: QuerySet[Task]
    overdue: QuerySet[Task]


def tasks_needing_reminder(now: datetime.datetime, window: datetime.timedelta = DUE_SOON) -> TasksToRemind:
    """For the scheduler (no actor): open tasks due within `window` whose due-soon reminder is not sent,
    and open tasks past their deadline whose overdue reminder is not sent. Claim each one with
    `services.task_claim_reminder` before notifying, so a reminder fires once."""
    base = (
        Task.objects.open()
        .filter(due_at__isnull=False)
        .select_related("account", "account__owner", "assignee", "organization")
    )
    return TasksToRemind(
        due_soon=base.due_soon(now=now, window=window).filter(due_soon_notified_at__isnull=True),
        overdue=base.overdue(now=now).filter(overdue_notified_at__isnull=True),
    )


def checklist_items_visible_to(actor: Actor) -> QuerySet[TaskChecklistItem]:
    return TaskChecklistItem.objects.filter(task__in=Task.objects.filter(visible_tasks_q(actor))).select_related("task")


def task_comments_visible_to(actor: Actor) -> QuerySet[TaskComment]:
    return TaskComment.objects.filter(task__in=Task.objects.filter(visible_tasks_q(actor))).select_related(
        "task", "author"
    )


def status_changes_of_tasks_visible_to(actor: Actor) -> QuerySet[TaskStatusChange]:
    return TaskStatusChange.objects.filter(task__in=Task.objects.filter(visible_tasks_q(actor))).select_related(
        "changed_by"
    )
