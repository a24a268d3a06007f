"""Periodic jobs of the delivery side: task reminders and response-target breaches ("keep the dish hot").

The scheduler (`manage.py scheduler`) enqueues them every 15 minutes; a worker runs them. They look at
every organization (there is no actor), and each reminder is claimed with a conditional UPDATE before
anyone is told: two workers running the same job at once still send each reminder exactly once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from keyaccount.core import clock
from keyaccount.notifications.models import NotificationKind
from keyaccount.notifications.services import notify
from keyaccount.tenancy.models import User
from keyaccount.work.models import Request, Task
from keyaccount.work.selectors import tasks_needing_reminder
from keyaccount.work.services import task_claim_reminder


def task_url(task: Task) -> str:
    return reverse("work:task_detail", args=[task.pk])


def request_url(request: Request) -> str:
    return reverse("work:request_detail", args=[request.pk])


def _when(moment: datetime.datetime | None, user: User) -> str:
    """A deadline as the recipient reads it: in their time zone and language."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment, clock.user_zone(user)), "DATETIME_FORMAT")


def _tell(recipient: User | None, kind: str, task: Task, title: str, body: str) -> None:
    if recipient is None or not recipient.is_active:
        return
    notify(recipient=recipient, kind=kind, title=title, body=body, subject=task, url=task_url(task))


def _remind_due_soon(task: Task, now: datetime.datetime) -> bool:
    with transaction.atomic():
        if not task_claim_reminder(task_id=task.pk, kind="due_soon", due_at=task.due_at, now=now):
            return False
        # Unassigned work is the account manager's to chase.
        recipient = task.assignee or task.account.owner
        if recipient is not None:
            with translation.override(recipient.language or settings.LANGUAGE_CODE):
                _tell(
                    recipient,
                    NotificationKind.TASK_DUE_SOON,
                    task,
                    _("Due soon: %(title)s") % {"title": task.title},
                    _("%(account)s · due %(due)s")
                    % {"account": task.account.name, "due": _when(task.due_at, recipient)},
                )
    return True


def _remind_overdue(task: Task, now: datetime.datetime) -> bool:
    with transaction.atomic():
        if not task_claim_reminder(task_id=task.pk, kind="overdue", due_at=task.due_at, now=now):
            return False
        recipients: list[User] = []
        for person in (task.assignee, task.account.owner):
            if person is not None and person.pk not in {p.pk for p in recipients}:
                recipients.append(person)
        for recipient in recipients:
            with translation.override(recipient.language or settings.LANGUAGE_CODE):
                assignee = str(task.assignee) if task.assignee else _("nobody")
                _tell(
                    recipient,
                    NotificationKind.TASK_OVERDUE,
                    task,
                    _("Overdue: %(title)s") % {"title": task.title},
                    _("%(account)s · was due %(due)s · assignee: %(assignee)s")
                    % {"account": task.account.name, "due": _when(task.due_at, recipient), "assignee": assignee},
                )
    return True


@task()
def send_task_reminders() -> dict[str, int]:
    """Open tasks due within 24 hours remind their assignee once; overdue ones remind the assignee and the
    account manager once. Moving the deadline (`task_move_due`) re-arms both."""
    now = clock.now()
    waiting = tasks_needing_reminder(now)
    sent = {"due_soon": 0, "overdue": 0}
    for t in waiting.due_soon:
        sent["due_soon"] += _remind_due_soon(t, now)
    for t in waiting.overdue:
        sent["overdue"] += _remind_overdue(t, now)
    return sent


def request_claim_breach(*, request_id: int, now: datetime.datetime) -> bool:
    """Mark a request's missed response target as reported; True only for the one caller that claims it."""
    return (
        Request.objects.at_or_over_target(now=now)
        .filter(pk=request_id, breach_notified_at__isnull=True)
        .update(breach_notified_at=now)
        == 1
    )


@task()
def notify_request_breaches() -> int:
    """Requests still waiting for triage past their response target: the account manager hears it once."""
    now = clock.now()
    late = (
        Request.objects.at_or_over_target(now=now)
        .filter(breach_notified_at__isnull=True)
        .select_related("account__owner")
    )
    sent = 0
    for request in late:
        with transaction.atomic():
            if not request_claim_breach(request_id=request.pk, now=now):
                continue
            owner = request.account.owner
            if owner is None or not owner.is_active:
                continue
            with translation.override(owner.language or settings.LANGUAGE_CODE):
                notify(
                    recipient=owner,
                    kind=NotificationKind.REQUEST_BREACH,
                    title=_("Not answered in time: a request of %(account)s") % {"account": request.account.name},
                    body=_("Answer was due %(due)s. The request: %(text)s")
                    % {"due": _when(request.response_due_at, owner), "text": request.text[:300]},
                    subject=request,
                    url=request_url(request),
                )
            sent += 1
    return sent
