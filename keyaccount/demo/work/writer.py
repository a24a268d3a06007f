"""Writes the demo's planned working loop through the services, acting as the person who would do each
thing, then back-dates it; and keeps email off while the demo is written (`no_email`)."""

from __future__ import annotations

import contextlib
import datetime
import zoneinfo
from typing import TYPE_CHECKING, Any

from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from keyaccount.comms.models import InteractionState
from keyaccount.comms.services import interaction_cancel, interaction_log
from keyaccount.demo.work import data as wd
from keyaccount.demo.work.plan import MANAGER_MOVES, PATHS, AccountWork, InteractionWork, RequestWork, TaskWork, When
from keyaccount.notifications.models import Notification, NotificationKind
from keyaccount.notifications.selectors import notification_preferences_of, notifications_visible_to
from keyaccount.notifications.services import notification_mark_read, notification_preferences_set
from keyaccount.work.models import Request as ClientRequest
from keyaccount.work.models import Task, TaskChecklistItem, TaskComment, TaskDueChange, TaskStatus, TaskStatusChange
from keyaccount.work.services import (
    Decision,
    project_create,
    project_goal_create,
    request_log,
    request_quote_answer,
    request_triage,
    service_catalogue_ensure_defaults,
    task_checklist_toggle,
    task_comment_add,
    task_create,
    task_move_due,
    task_transition,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from keyaccount.accounts.models import Account
    from keyaccount.demo.plan import AccountPlan
    from keyaccount.tenancy.models import Organization, User
    from keyaccount.work.models import Project

# --- writing through the services -------------------------------------------------------------------


class WorkWriter:
    """Writes the planned working loop through the services, as the people who would do it."""

    def __init__(
        self,
        organization: Organization,
        users: dict[str, User],
        accounts: dict[int, Account],
        contacts: dict[tuple[int, str], Any],
        plans: list[AccountPlan],
        work: dict[int, AccountWork],
        today: datetime.date,
    ) -> None:
        self.organization = organization
        self.users = users
        self.accounts = accounts
        self.contacts = contacts
        self.plans = plans
        self.work = work
        self.today = today
        self.now = timezone.now()
        try:
            self.zone: datetime.tzinfo = zoneinfo.ZoneInfo(organization.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.zone = timezone.get_current_timezone()
        # (object, {field: time}) to back-date once everything is written; see backdate().
        self.stamps: list[tuple[Any, dict[str, datetime.datetime]]] = []

    def at(self, when: When) -> datetime.datetime:
        day, hour, minute = when
        return datetime.datetime.combine(
            self.today + datetime.timedelta(days=day), datetime.time(hour, minute), self.zone
        )

    def past(self, when: When) -> datetime.datetime:
        """A time that has to lie in the past (a request received, a task done): today's are kept before now."""
        return min(self.at(when), self.now - datetime.timedelta(minutes=5))

    def due_at(self, when: When | None) -> datetime.datetime | None:
        """A deadline; one planned for today stays ahead of the moment the demo is loaded, so it is due today."""
        if when is None:
            return None
        due = self.at(when)
        if when[0] == 0 and due < self.now + datetime.timedelta(hours=1):
            end_of_day = self.at((1, 0, 0)) - datetime.timedelta(minutes=1)
            due = min(self.now + datetime.timedelta(hours=1), end_of_day)
        return due

    def write(self) -> None:
        with no_email(self.users.values()):
            services = {s.name: s for s in service_catalogue_ensure_defaults(self.organization)}
            for plan in self.plans:
                self.write_account(plan, self.work[plan.index], services)
            self.backdate()
            self.settle_notifications()

    def settle_notifications(self) -> None:
        """People have read what they were told about before yesterday; the last day's news is still unread."""
        since = self.now - datetime.timedelta(days=1)
        for person in self.users.values():
            for notification in notifications_visible_to(person).filter(read_at__isnull=True, created_at__lt=since):
                notification_mark_read(actor=person, notification=notification)

    def write_account(self, plan: AccountPlan, work: AccountWork, services: dict[str, Any]) -> None:
        account = self.accounts[plan.index]
        am = self.users[f"am{plan.am}"]
        projects: list[Project] = []
        for p in work.projects:
            service = services.get(wd.SERVICE_OF.get(p.discipline, wd.EXTRA_WORKS))
            project = project_create(
                actor=am,
                account=account,
                name=p.name,
                team=[self.users[u] for u in p.team],
                service=service,
                stage=p.stage,
                budget=p.budget,
                scope=p.scope,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
            )
            for goal in p.goals:
                project_goal_create(actor=am, project=project, **goal)
            projects.append(project)

        made: list[tuple[Task, TaskWork]] = []
        for r in work.requests:
            made += self.write_request(plan, account, r, projects)
        for t in work.tasks:
            made.append((self.write_task(account, am, t, projects), t))
        for i in work.interactions:
            made += self.write_interaction(plan, account, i)
        for task, t in made:
            self.work_task(am, task, t)

    def task_spec(self, t: TaskWork, projects: list[Project]) -> dict[str, Any]:
        return {
            "title": t.title,
            "expected_result": t.expected_result,
            "assignee": self.users[t.assignee] if t.assignee else None,
            "due_at": self.due_at(t.first_due or t.due),
            "project": projects[t.project] if t.project is not None else None,
            "priority": t.priority,
            "checklist": t.checklist,
        }

    def write_task(self, account: Account, am: User, t: TaskWork, projects: list[Project]) -> Task:
        return task_create(actor=am, account=account, **self.task_spec(t, projects))

    def write_request(
        self, plan: AccountPlan, account: Account, r: RequestWork, projects: list[Project]
    ) -> list[tuple[Task, TaskWork]]:
        by = self.users[r.by]
        fresh = self.now - datetime.timedelta(minutes=r.fresh_minutes)
        received = fresh if r.fresh_minutes else self.past(r.received)
        request = request_log(
            actor=by,
            account=account,
            channel=r.channel,
            text=r.text,
            contact=self.contacts.get((plan.index, r.contact)) if r.contact else None,
            project=projects[r.project] if r.project is not None else None,
            received_at=received,
        )
        if r.outcome == "new":
            return []
        specs = [self.task_spec(t, projects) for t in r.tasks]
        if r.outcome == Decision.ACCEPT:
            request_triage(actor=by, request=request, decision=Decision.ACCEPT, tasks=specs)
        elif r.outcome == Decision.REJECT:
            request_triage(
                actor=by, request=request, decision=Decision.REJECT, reason=r.reason, explanation=r.explanation
            )
        else:
            request_triage(actor=by, request=request, decision=Decision.QUOTE, quote_amount=r.quote_amount)
            if r.answer is not None:
                request_quote_answer(actor=by, request=request, accepted=r.answer, tasks=specs or None)
        triaged = min(received + datetime.timedelta(hours=r.triage_hours), self.now - datetime.timedelta(minutes=1))
        self.stamps.append((request, {"triaged_at": triaged}))
        if not r.tasks:
            return []
        tasks = list(Task.objects.filter(request=request).order_by("pk"))
        return list(zip(tasks, r.tasks, strict=True))

    def write_interaction(self, plan: AccountPlan, account: Account, i: InteractionWork) -> list[tuple[Task, TaskWork]]:
        by = self.users[i.by]
        follow_up = None
        if i.follow_up:
            kind, when, subject = i.follow_up
            follow_up = {"kind": kind, "occurred_at": self.at(when), "subject": subject}
        task_spec = None
        if i.task is not None:
            t = i.task
            task_spec = {
                "title": t.title,
                "assignee": self.users[t.assignee] if t.assignee else None,
                "due_at": self.due_at(t.first_due or t.due),
            }
        interaction = interaction_log(
            actor=by,
            account=account,
            kind=i.kind,
            occurred_at=self.past(i.when) if i.state == InteractionState.DONE else self.at(i.when),
            direction=i.direction,
            state=i.state,
            subject=i.subject,
            summary=i.summary,
            sentiment=i.sentiment,
            duration_minutes=i.duration,
            contacts=[self.contacts[(plan.index, role)] for role in i.contacts],
            users=[self.users[u] for u in i.users],
            next_step=i.next_step,
            next_step_task=task_spec,
            next_interaction=follow_up,
        )
        if i.cancelled:
            interaction_cancel(actor=by, interaction=interaction)
        if i.task is not None and interaction.follow_up_task is not None:
            return [(interaction.follow_up_task, i.task)]
        return []

    def work_task(self, am: User, task: Task, t: TaskWork) -> None:
        """What happened to the task after it was set: a moved deadline, its moves, ticked steps, comments."""
        doer = self.users[t.assignee] if t.assignee else am
        created = self.past((t.created, 9, 30))
        end = self.past(t.finished) if t.finished else self.now - datetime.timedelta(minutes=2)
        end = max(end, created)
        self.stamps.append((task, {"created_at": created}))
        moments = _spread(created, end, len(PATHS[t.status]) + len(t.comments) + 2)
        if t.first_due is not None and t.due is not None:
            change = task_move_due(actor=am, task=task, due_at=self.due_at(t.due), reason=t.move_reason)
            if change is not None:
                self.stamps.append((change, {"created_at": moments[0]}))
        steps = list(TaskChecklistItem.objects.filter(task=task).order_by("position")) if t.steps_done else []
        ticked = steps[: t.steps_done]
        for item, moment in zip(ticked, _spread(created, end, len(ticked)), strict=True):
            task_checklist_toggle(actor=doer, item=item, done=True)
            self.stamps.append((item, {"done_at": moment}))
        moves = PATHS[t.status]
        for n, to in enumerate(moves, start=1):
            actor = am if to in MANAGER_MOVES else doer
            reason = t.reason if to in (TaskStatus.BLOCKED, TaskStatus.CANCELLED) else ""
            status_change = task_transition(actor=actor, task=task, to=to, reason=reason)
            self.stamps.append((status_change, {"created_at": moments[n]}))
        if t.status in (TaskStatus.DONE,):
            self.stamps.append((task, {"completed_at": end}))
        for (author, text), moment in zip(t.comments, moments[len(moves) + 1 :], strict=False):
            comment = task_comment_add(actor=self.users[author], task=task, text=text)
            self.stamps.append((comment, {"created_at": moment}))

    def backdate(self) -> None:
        """Give the demo's past records their past times.

        The services stamp "now" on what they record (a task's creation and completion, each status move,
        a moved deadline, a ticked step, a comment, a request's triage, the notice to a task's assignee), and
        none of them takes a past time:
        without this, three months of history would all have happened in the second the demo was loaded,
        and every request would have missed its response target. One bulk update per model, after the
        services have written and audited everything.
        """
        by_model: dict[type, dict[int, tuple[Any, set[str]]]] = {}
        for obj, values in self.stamps:
            rows = by_model.setdefault(type(obj), {})
            current, fields = rows.get(obj.pk, (obj, set()))
            for name, value in values.items():
                setattr(current, name, value)
            fields.update(values)
            rows[obj.pk] = (current, fields)
        for model in (ClientRequest, Task, TaskStatusChange, TaskDueChange, TaskChecklistItem, TaskComment):
            rows = by_model.get(model, {})
            if not rows:
                continue
            names = sorted(set().union(*(f for _o, f in rows.values())))
            model._default_manager.bulk_update([o for o, _f in rows.values()], names, batch_size=500)
        # A task's first status (new), and the notice to its assignee, date from the task itself.
        TaskStatusChange.objects.filter(organization_id=self.organization.pk, from_status="").update(
            created_at=Subquery(Task.objects.filter(pk=OuterRef("task_id")).values("created_at")[:1])
        )
        task_created = Task.objects.filter(pk=Cast(OuterRef("subject_id"), IntegerField())).values("created_at")[:1]
        Notification.objects.filter(
            organization_id=self.organization.pk, kind=NotificationKind.TASK_ASSIGNED, subject_type="work.task"
        ).update(created_at=Subquery(task_created))


@contextlib.contextmanager
def no_email(users: Iterable[User]) -> Iterator[None]:
    """Months of history would otherwise mail every "task assigned to you" or health alert the moment the
    worker starts: email is off while the demo is written, and back to each person's choice after."""
    people = list(users)
    choices = {u.pk: notification_preferences_of(u) for u in people}
    for u in people:
        notification_preferences_set(actor=u, email=dict.fromkeys(choices[u.pk], False))
    try:
        yield
    finally:
        for u in people:
            notification_preferences_set(actor=u, email=choices[u.pk])


def _spread(start: datetime.datetime, end: datetime.datetime, n: int) -> list[datetime.datetime]:
    """`n` moments evenly between `start` and `end` (exclusive), in order."""
    if n <= 0:
        return []
    step = (end - start) / (n + 1)
    return [start + step * (k + 1) for k in range(n)]
