"""My day: what a person should do today, by role, read in a constant number of queries.

An account manager (or assistant) gets overdue and today's tasks of their accounts (hot first), the
contacts due by cadence, the requests waiting for triage (those past their response target first) and
today's planned meetings and calls, and the money to see to (`keyaccount.billing.day`): invoices to
issue, overdue invoices, acts to chase and renewals due. A specialist gets their tasks. A head or admin
gets the team: per account manager and per specialist, their accounts, open and overdue tasks and
untriaged requests, and the overdue receivables of the organization and of each account manager.
Account managers, heads and admins also get the open health alerts (`keyaccount.alerts.day`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import F, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone

from keyaccount.accounts.models import Account
from keyaccount.alerts.day import alerts_day_for
from keyaccount.billing.day import DayMoney, money_day_for
from keyaccount.comms.models import Interaction, InteractionState
from keyaccount.core import clock
from keyaccount.tenancy.models import Role, User
from keyaccount.tenancy.permissions import (
    ORG_WIDE,
    can,
    membership_of,
    scoped_to_accounts_q,
    visible_tasks_q,
)
from keyaccount.work.models import OPEN_TASK_STATUSES, Request, Task, TaskQuerySet, priority_rank

if TYPE_CHECKING:
    from keyaccount.alerts.models import Alert
    from keyaccount.billing.summary import Amount
    from keyaccount.contacts.models import Contact

# Long lists are cut: the day is a plan, not a report; the full lists are on their own pages.
LIMIT = 50
ACCOUNT_SIDE = {Role.ACCOUNT_MANAGER, Role.ASSISTANT}
TEAM_ROLES = [Role.ACCOUNT_MANAGER, Role.SPECIALIST]


@dataclass
class TeamRow:
    """One person of the team as a head sees them today."""

    user: User
    role: str
    accounts: int
    open_tasks: int
    overdue_tasks: int
    untriaged_requests: int | None
    # Overdue receivables of an account manager's accounts, per currency (empty for specialists).
    overdue_money: list[Amount] = field(default_factory=list)


@dataclass
class Day:
    date: datetime.date
    role: str | None
    overdue_tasks: list[Task] = field(default_factory=list)
    today_tasks: list[Task] = field(default_factory=list)
    upcoming_tasks: list[Task] = field(default_factory=list)
    contacts_due: list[Contact] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    meetings: list[Interaction] = field(default_factory=list)
    team: list[TeamRow] | None = None
    money: DayMoney | None = None
    # Open health alerts, red first; None for roles whose day has no alerts section.
    alerts: list[Alert] | None = None

    @property
    def shows_assignee(self) -> bool:
        """A specialist's tasks are all their own; the account side sees who does each."""
        return self.role != Role.SPECIALIST

    @property
    def is_empty(self) -> bool:
        lists = (self.overdue_tasks, self.today_tasks, self.upcoming_tasks, self.contacts_due, self.requests)
        return (
            not any(lists)
            and not self.meetings
            and not self.team
            and not self.alerts
            and not (self.money and not self.money.is_empty)
        )


def _bounds(actor: User, now: datetime.datetime) -> tuple[datetime.date, datetime.datetime, datetime.datetime]:
    """Today in the actor's zone: its date, its start and its end (aware)."""
    zone = clock.user_zone(actor)
    today = timezone.localtime(now, zone).date()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=zone)
    return today, start, start + datetime.timedelta(days=1)


def _my_tasks(actor: User, role: str) -> TaskQuerySet:
    """Open tasks that are the actor's to drive: their accounts' for the account side, their own otherwise."""
    tasks = Task.objects.filter(visible_tasks_q(actor)).open()
    if role not in ACCOUNT_SIDE:
        tasks = tasks.filter(assignee_id=actor.pk)
    return tasks.select_related("account", "assignee", "project").annotate(priority_rank=priority_rank())


def _meetings(actor: User, start: datetime.datetime, end: datetime.datetime) -> list[Interaction]:
    """Today's planned interactions the actor takes part in or planned."""
    taking_part = Interaction.users.through.objects.filter(user_id=actor.pk).values("interaction_id")
    return list(
        Interaction.objects.filter(
            scoped_to_accounts_q(actor, "see_interactions"),
            Q(pk__in=taking_part) | Q(logged_by_id=actor.pk),
            state=InteractionState.PLANNED,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .select_related("account")
        .prefetch_related("contacts")
        .order_by("occurred_at", "pk")[:LIMIT]
    )


def _requests(actor: User) -> list[Request]:
    """Requests waiting for triage on the actor's accounts: the most pressing answer-by time first."""
    rows = list(
        Request.objects.filter(scoped_to_accounts_q(actor, "see_requests"))
        .waiting()
        .select_related("account", "contact")
        .order_by(F("response_due_at").asc(nulls_last=True), "received_at", "pk")[:LIMIT]
    )
    now = timezone.now()
    for r in rows:
        r.over_target = r.is_over_target_at(now)  # type: ignore[attr-defined]
    return rows


def _contacts_due(actor: User, today: datetime.date) -> list[Contact]:
    from keyaccount.comms.selectors import contacts_due, due_rows

    return due_rows(actor, contacts_due(actor, today)[:LIMIT], today)


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery: one column per person, computed in the same query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def team_of(actor: User, now: datetime.datetime | None = None) -> list[TeamRow]:
    """Account managers and specialists of the actor's organization with their workload, in one query."""
    membership = membership_of(actor)
    if membership is None or membership.role not in ORG_WIDE:
        return []
    now = now or timezone.now()
    org = membership.organization_id
    open_tasks = Task.objects.filter(organization_id=org).open()
    person = OuterRef("pk")
    people = (
        User.objects.filter(membership__organization_id=org, membership__role__in=TEAM_ROLES, is_active=True)
        .select_related("membership")
        .annotate(
            n_owned_accounts=SubqueryCount(Account.objects.filter(organization_id=org, owner_id=person).values("pk")),
            account_open_tasks=SubqueryCount(open_tasks.filter(account__owner_id=person).values("pk")),
            account_overdue_tasks=SubqueryCount(
                open_tasks.filter(account__owner_id=person).overdue(now=now).values("pk")
            ),
            untriaged=SubqueryCount(
                Request.objects.filter(organization_id=org, account__owner_id=person).waiting().values("pk")
            ),
            worked_accounts=SubqueryCount(
                Account.objects.filter(organization_id=org)
                .filter(Q(team__user_id=person) | Q(tasks__assignee_id=person, tasks__status__in=OPEN_TASK_STATUSES))
                .values("pk")
                .distinct()
            ),
            assigned_open_tasks=SubqueryCount(open_tasks.filter(assignee_id=person).values("pk")),
            assigned_overdue_tasks=SubqueryCount(open_tasks.filter(assignee_id=person).overdue(now=now).values("pk")),
        )
        .order_by("membership__role", "name", "email")
    )
    rows = []
    for p in people:
        role = p.membership.role
        if role == Role.ACCOUNT_MANAGER:
            row = TeamRow(p, role, p.n_owned_accounts, p.account_open_tasks, p.account_overdue_tasks, p.untriaged)
        else:
            row = TeamRow(p, role, p.worked_accounts, p.assigned_open_tasks, p.assigned_overdue_tasks, None)
        rows.append(row)
    return rows


def day_for(actor: User, now: datetime.datetime | None = None) -> Day:
    """The actor's day, as the home page and `/api/v1/me/day/` show it."""
    now = now or timezone.now()
    membership = membership_of(actor)
    today, start, end = _bounds(actor, now)
    role = membership.role if membership else None
    day = Day(date=today, role=role)
    if membership is None or role == Role.CLIENT:
        return day
    if can(actor, "see_tasks"):
        tasks = _my_tasks(actor, role)  # type: ignore[arg-type]
        day.overdue_tasks = list(tasks.overdue(now=now).hot_first(now=now)[:LIMIT])
        day.today_tasks = list(tasks.due_between(start=now, end=end).hot_first(now=now)[:LIMIT])
        if role == Role.SPECIALIST:
            later = tasks.filter(Q(due_at__gte=end) | Q(due_at__isnull=True))
            day.upcoming_tasks = list(later.order_by(F("due_at").asc(nulls_last=True), "priority_rank", "pk")[:LIMIT])
    if role in ACCOUNT_SIDE:
        day.contacts_due = _contacts_due(actor, today)
        day.requests = _requests(actor)
    if can(actor, "see_interactions"):
        day.meetings = _meetings(actor, start, end)
    if role in ORG_WIDE:
        day.team = team_of(actor, now)
    day.money = money_day_for(actor, today)
    day.alerts = alerts_day_for(actor)
    if day.team and day.money is not None:
        for row in day.team:
            if row.role == Role.ACCOUNT_MANAGER:
                row.overdue_money = day.money.overdue_by_owner.get(row.user.pk, [])
    return day
