"""Team tasks: created, edited, moved along the workflow (a reason where it needs one), re-dated with a
reason, reminded once; their checklist and comments."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import apply_update, claim_version, full_clean
from keyaccount.work.models import (
    STATUSES_NEEDING_REASON,
    TASK_TRANSITIONS,
    Project,
    Request,
    Task,
    TaskChecklistItem,
    TaskComment,
    TaskDueChange,
    TaskPriority,
    TaskStatus,
    TaskStatusChange,
)
from keyaccount.work.services._checks import (
    check_account,
    check_colleague,
    check_project_of,
    check_task_workable,
)

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


# What a task's edit may change (the deadline moves with task_move_due, which asks for a reason).
TASK_EDITABLE_FIELDS = ["title", "description", "expected_result", "assignee", "priority", "project"]
TASK_CREATE_FIELDS = [
    "title",
    "assignee",
    "due_at",
    "project",
    "priority",
    "description",
    "expected_result",
    "checklist",
]


def _check_task_refs(
    account: Account, assignee: User | None, project: Project | None, request: Request | None = None
) -> None:
    check_colleague(account.organization_id, "assignee", assignee)
    check_project_of(account, project)
    if request is not None and request.account_id != account.pk:
        raise ValidationError({"request": _("Choose a request of the same account.")})


@transaction.atomic
def task_create(
    *,
    actor: User,
    account: Account,
    title: str,
    assignee: User | None = None,
    due_at: datetime.datetime | None = None,
    project: Project | None = None,
    request: Request | None = None,
    priority: str = TaskPriority.NORMAL,
    description: str = "",
    expected_result: str = "",
    checklist: list[str] | None = None,
) -> Task:
    """Set a clear piece of work for the team: who does it, by when, and what result is expected."""
    check_account(actor, account, "manage_tasks")
    _check_task_refs(account, assignee, project, request)
    if due_at is not None and timezone.is_naive(due_at):
        raise ValidationError({"due_at": _("Give the time with its time zone.")})
    task = Task(
        organization_id=account.organization_id,
        account=account,
        title=(title or "").strip(),
        assignee=assignee,
        due_at=due_at,
        project=project,
        request=request,
        priority=priority,
        description=description,
        expected_result=expected_result,
        created_by=actor,
        status=TaskStatus.NEW,
    )
    full_clean(task)
    steps = [str(t).strip() for t in (checklist or []) if str(t).strip()]
    if any(len(t) > 200 for t in steps):
        raise ValidationError({"checklist": _("Each step is at most 200 characters.")})
    task.save()
    TaskStatusChange.objects.create(
        organization_id=task.organization_id, task=task, from_status="", to_status=TaskStatus.NEW, changed_by=actor
    )
    TaskChecklistItem.objects.bulk_create(
        TaskChecklistItem(organization_id=task.organization_id, task=task, title=t, position=i)
        for i, t in enumerate(steps)
    )
    audit_create(
        actor=actor,
        instance=task,
        fields=["title", "account", "assignee", "due_at", "project", "request", "priority", "status"],
        account_id=account.pk,
    )
    _notify_assignee(actor=actor, task=task)
    return task


def _notify_assignee(*, actor: User, task: Task) -> None:
    """Tell a colleague that a task was put on them (not when people assign themselves)."""
    if task.assignee is None or task.assignee_id == actor.pk:
        return
    from keyaccount.notifications.models import NotificationKind
    from keyaccount.notifications.services import notify

    with translation.override(task.assignee.language or settings.LANGUAGE_CODE):
        notify(
            recipient=task.assignee,
            kind=NotificationKind.TASK_ASSIGNED,
            title=_("New task for you: %(title)s") % {"title": task.title},
            body=_("%(who)s put it on you, for %(account)s.") % {"who": actor, "account": task.account.name},
            subject=task,
            url=reverse("work:task_detail", args=[task.pk]),
        )


@transaction.atomic
def task_update(*, actor: User, task: Task, data: dict[str, Any], expected_version: int | None = None) -> Task:
    """Correct a task as the client's business changes; deadlines move with `task_move_due`, statuses with
    `task_transition`. A stale `expected_version` is refused (ConflictError)."""
    check_account(actor, task.account, "manage_tasks")
    _check_task_refs(task.account, data.get("assignee"), data.get("project"))
    if "title" in data:
        data = {**data, "title": (data["title"] or "").strip()}
    previous_assignee = task.assignee_id
    apply_update(
        actor=actor,
        instance=task,
        data=data,
        editable=TASK_EDITABLE_FIELDS,
        account_id=task.account_id,
        expected_version=expected_version,
    )
    if task.assignee_id != previous_assignee:
        _notify_assignee(actor=actor, task=task)
    return task


def allowed_transitions(task: Task) -> list[str]:
    """The statuses a task may move to from where it is, in workflow order."""
    allowed = TASK_TRANSITIONS.get(task.status, set())
    return [s for s in TaskStatus.values if s in allowed]


@transaction.atomic
def task_transition(
    *, actor: User, task: Task, to: str, reason: str = "", expected_version: int | None = None
) -> TaskStatusChange:
    """Move a task along its workflow (new → in progress → review → done; blocked or cancelled from any
    open status; blocked back to in progress). A move the workflow does not allow changes nothing."""
    check_task_workable(actor, task)
    allowed = allowed_transitions(task)
    if to not in allowed:
        names = ", ".join(allowed) or "—"
        raise ValidationError(
            {
                "to": _("Cannot move from %(from)s to %(to)s. Allowed: %(allowed)s.")
                % {"from": task.status, "to": to, "allowed": names}
            }
        )
    if to in STATUSES_NEEDING_REASON and not reason.strip():
        raise ValidationError({"reason": _("Say why: the team and the client will ask.")})
    from_status = task.status
    claim_version(task, expected_version, status=from_status)
    task.status = to
    task.completed_at = clock.now() if to == TaskStatus.DONE else None
    task.save(update_fields=["status", "completed_at", "version", "updated_at"])
    change = TaskStatusChange.objects.create(
        organization_id=task.organization_id,
        task=task,
        from_status=from_status,
        to_status=to,
        reason=reason.strip(),
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        organization_id=task.organization_id,
        action=AuditAction.UPDATE,
        instance=task,
        changes={"status": [from_status, to], **({"reason": ["", reason.strip()]} if reason.strip() else {})},
        account_id=task.account_id,
    )
    return change


@transaction.atomic
def task_move_due(
    *,
    actor: User,
    task: Task,
    due_at: datetime.datetime | None,
    reason: str = "",
    expected_version: int | None = None,
) -> TaskDueChange | None:
    """Set or move a task's deadline. Moving an existing one needs a reason and is kept in the history;
    reminders fire again for the new date. Setting the same deadline again changes nothing."""
    check_account(actor, task.account, "manage_tasks")
    if not task.is_open:
        raise ValidationError({"due_at": _("A finished task keeps its deadline.")})
    if due_at is not None and timezone.is_naive(due_at):
        raise ValidationError({"due_at": _("Give the time with its time zone.")})
    if due_at == task.due_at:
        return None
    reason = reason.strip()
    if task.due_at is not None and not reason:
        raise ValidationError({"reason": _("Say why the deadline moves.")})
    previous = task.due_at
    claim_version(task, expected_version)
    task.due_at = due_at
    task.due_soon_notified_at = None
    task.overdue_notified_at = None
    task.save(update_fields=["due_at", "due_soon_notified_at", "overdue_notified_at", "version", "updated_at"])
    change = TaskDueChange.objects.create(
        organization_id=task.organization_id,
        task=task,
        from_due_at=previous,
        to_due_at=due_at,
        reason=reason,
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        organization_id=task.organization_id,
        action=AuditAction.UPDATE,
        instance=task,
        changes={
            "due_at": [previous.isoformat() if previous else None, due_at.isoformat() if due_at else None],
            **({"reason": ["", reason]} if reason else {}),
        },
        account_id=task.account_id,
    )
    return change


def task_claim_reminder(*, task_id: int, kind: str, due_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Mark a task's due-soon or overdue reminder as sent; True only for the one caller that claims it.

    The conditional update makes a reminder fire exactly once even with several workers; it also fails
    when the deadline moved since the task was read (the new deadline gets its own reminders).
    """
    field = {"due_soon": "due_soon_notified_at", "overdue": "overdue_notified_at"}[kind]
    claimed = Task.objects.open().filter(pk=task_id, due_at=due_at, **{f"{field}__isnull": True}).update(**{field: now})
    return claimed == 1


# --- checklist and comments -------------------------------------------------------------------------


@transaction.atomic
def task_checklist_add(*, actor: User, task: Task, title: str) -> TaskChecklistItem:
    """Add a step to the task's checklist."""
    check_account(actor, task.account, "manage_tasks")
    last = TaskChecklistItem.objects.filter(task=task).order_by("-position").values_list("position", flat=True)
    position = last.first()
    item = TaskChecklistItem(
        organization_id=task.organization_id,
        task=task,
        title=(title or "").strip(),
        position=0 if position is None else position + 1,
    )
    full_clean(item)
    item.save()
    audit_create(actor=actor, instance=item, fields=["task", "title"], account_id=task.account_id)
    return item


@transaction.atomic
def task_checklist_toggle(*, actor: User, item: TaskChecklistItem, done: bool | None = None) -> TaskChecklistItem:
    """Tick or untick a step (`done` None flips it); the assignee may do it too."""
    check_task_workable(actor, item.task)
    done = item.done_at is None if done is None else bool(done)
    if done == (item.done_at is not None):
        return item
    apply_update(
        actor=actor,
        instance=item,
        data={"done_at": clock.now() if done else None},
        editable=["done_at"],
        account_id=item.task.account_id,
    )
    return item


@transaction.atomic
def task_checklist_update(*, actor: User, item: TaskChecklistItem, data: dict[str, Any]) -> TaskChecklistItem:
    """Rename or reorder a step (ticking it is `task_checklist_toggle`)."""
    check_account(actor, item.task.account, "manage_tasks")
    if "title" in data:
        data = {**data, "title": (data["title"] or "").strip()}
    apply_update(actor=actor, instance=item, data=data, editable=["title", "position"], account_id=item.task.account_id)
    return item


@transaction.atomic
def task_checklist_delete(*, actor: User, item: TaskChecklistItem) -> None:
    check_account(actor, item.task.account, "manage_tasks")
    audit_delete(actor=actor, instance=item, fields=["task", "title"], account_id=item.task.account_id)
    item.delete()


@transaction.atomic
def task_comment_add(*, actor: User, task: Task, text: str) -> TaskComment:
    """Comment on a task: the account manager and the assignee talk where the work is."""
    check_task_workable(actor, task)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    comment = TaskComment(organization_id=task.organization_id, task=task, author=actor, text=text)
    full_clean(comment)
    comment.save()
    audit_create(actor=actor, instance=comment, fields=["task", "text"], account_id=task.account_id)
    return comment
