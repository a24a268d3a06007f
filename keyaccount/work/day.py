"""The work part of My day: overdue, today's and (for a specialist) later tasks, the requests waiting for
triage, and for a head or admin the team with each person's workload. A constant number of queries.

An account manager (or assistant) gets the open tasks of their accounts, a specialist (and anyone else
who sees tasks) their own. Registered with the day page (`keyaccount.core.day`) by `WorkConfig.ready()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import F, IntegerField, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from keyaccount.accounts.models import Account
from keyaccount.core import clock
from keyaccount.core.api import AmountSerializer, PersonRefSerializer, RefSerializer
from keyaccount.core.day import DayField, DayPart, DayProvider, Sections
from keyaccount.tenancy.models import Role, User
from keyaccount.tenancy.permissions import ORG_WIDE, can, membership_of, scoped_to_accounts_q, visible_tasks_q
from keyaccount.work.models import OPEN_TASK_STATUSES, Request, Task, TaskQuerySet, priority_rank

if TYPE_CHECKING:
    import datetime

    from keyaccount.core.day import DayBounds

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
    # Overdue receivables of an account manager's accounts, per currency (empty for specialists); the day
    # page fills it in from the money section.
    overdue_money: list[Any] = field(default_factory=list)


def _my_tasks(actor: User, role: str) -> TaskQuerySet:
    """Open tasks that are the actor's to drive: their accounts' for the account side, their own otherwise."""
    tasks = Task.objects.filter(visible_tasks_q(actor)).open()
    if role not in ACCOUNT_SIDE:
        tasks = tasks.filter(assignee_id=actor.pk)
    return tasks.select_related("account", "assignee", "project").annotate(priority_rank=priority_rank())


def _requests(actor: User) -> list[Request]:
    """Requests waiting for triage on the actor's accounts: the most pressing answer-by time first."""
    rows = list(
        Request.objects.filter(scoped_to_accounts_q(actor, "see_requests"))
        .waiting()
        .select_related("account", "contact")
        .order_by(F("response_due_at").asc(nulls_last=True), "received_at", "pk")[:LIMIT]
    )
    now = clock.now()
    for r in rows:
        r.over_target = r.is_over_target_at(now)  # type: ignore[attr-defined]  # shown on my day
    return rows


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery: one column per person, computed in the same query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def team_of(actor: User, now: datetime.datetime | None = None) -> list[TeamRow]:
    """Account managers and specialists of the actor's organization with their workload, in one query."""
    membership = membership_of(actor)
    if membership is None or membership.role not in ORG_WIDE:
        return []
    now = now or clock.now()
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


def work_day(actor: User, bounds: DayBounds) -> Sections:
    """The actor's tasks (hot first), requests to triage (account side) and team (heads and admins)."""
    membership = membership_of(actor)
    if membership is None:
        return {}
    role, now = membership.role, bounds.now
    sections: dict[str, Any] = {}
    if can(actor, "see_tasks"):
        tasks = _my_tasks(actor, role)
        sections["overdue_tasks"] = list(tasks.overdue(now=now).hot_first(now=now)[:LIMIT])
        sections["today_tasks"] = list(tasks.due_between(start=now, end=bounds.end).hot_first(now=now)[:LIMIT])
        if role == Role.SPECIALIST:
            later = tasks.filter(Q(due_at__gte=bounds.end) | Q(due_at__isnull=True))
            sections["upcoming_tasks"] = list(
                later.order_by(F("due_at").asc(nulls_last=True), "priority_rank", "pk")[:LIMIT]
            )
    if role in ACCOUNT_SIDE:
        sections["requests"] = _requests(actor)
    if role in ORG_WIDE:
        sections["team"] = team_of(actor, now)
    return sections


# --- how /api/v1/me/day/ shows the work sections ----------------------------------------------------


class DayTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    account = RefSerializer()
    project = RefSerializer(allow_null=True)
    assignee = PersonRefSerializer(allow_null=True)
    priority = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)


class DayRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account = RefSerializer()
    contact = RefSerializer(allow_null=True)
    channel = serializers.CharField()
    text = serializers.CharField()
    received_at = serializers.DateTimeField()
    response_due_at = serializers.DateTimeField(allow_null=True)
    over_target = serializers.BooleanField(help_text=_("Still waiting past its response target."))


class TeamRowSerializer(serializers.Serializer):
    user = PersonRefSerializer()
    role = serializers.ChoiceField(choices=Role.choices)
    accounts = serializers.IntegerField(
        help_text=_("An account manager's own accounts; a specialist's accounts (team seats and open tasks).")
    )
    open_tasks = serializers.IntegerField(
        help_text=_("Open tasks of the account manager's accounts; open tasks assigned to the specialist.")
    )
    overdue_tasks = serializers.IntegerField()
    untriaged_requests = serializers.IntegerField(allow_null=True, help_text=_("Null for specialists."))
    overdue_money = AmountSerializer(
        many=True, help_text=_("Overdue receivables of an account manager's accounts, per currency.")
    )


PROVIDER = DayProvider(
    name="work",
    sections=work_day,
    fields=(
        DayField(
            "overdue_tasks",
            10,
            list,
            lambda: DayTaskSerializer(many=True, help_text=_("Hot first: by priority, then by deadline.")),
        ),
        DayField(
            "today_tasks", 11, list, lambda: DayTaskSerializer(many=True, help_text=_("Due later today, hot first."))
        ),
        DayField(
            "upcoming_tasks",
            12,
            list,
            lambda: DayTaskSerializer(many=True, help_text=_("A specialist's later and undated open tasks.")),
        ),
        DayField(
            "requests",
            30,
            list,
            lambda: DayRequestSerializer(many=True, help_text=_("Waiting for triage; the most pressing first.")),
        ),
        DayField(
            "team",
            50,
            lambda: None,
            lambda: TeamRowSerializer(
                many=True, allow_null=True, help_text=_("For heads and admins: per account manager and specialist.")
            ),
        ),
    ),
    parts=(
        DayPart("work/day/_team.html", 10, wide=True),
        DayPart("work/day/_tasks.html", 30),
        DayPart("work/day/_requests.html", 40),
    ),
)
