"""Reads of alerts and playbooks, limited by who may see them.

Alerts are for the account side: admins and heads see every alert of the organization, account
managers and assistants those of the accounts they see (their team's). Specialists, sales and clients
never see alerts. Playbooks are read by the same people and changed by admins and heads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404

from keyaccount.alerts.models import Alert, AlertStatus, AlertTask, Playbook, PlaybookStep
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import can, membership_of, visible_accounts_q

if TYPE_CHECKING:
    from keyaccount.tenancy.actors import Actor

OPEN_FIRST = Case(When(status=AlertStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())


def _tasks() -> Prefetch[str, QuerySet[AlertTask], str]:
    return Prefetch(
        "alert_tasks",
        queryset=AlertTask.objects.select_related("task", "task__assignee").order_by("position", "id"),
    )


def alerts_visible_to(actor: Actor) -> QuerySet[Alert]:
    """Alerts the actor may see, open first then the newest, with the account, its owner, who closed it
    and the playbook's tasks, in a constant number of queries."""
    if not can(actor, "see_alerts"):
        return Alert.objects.none()
    return (
        Alert.objects.filter(visible_accounts_q(actor, "account__"))
        .select_related("account", "account__owner", "closed_by")
        .prefetch_related(_tasks())
        .annotate(open_rank=OPEN_FIRST)
        .order_by("open_rank", "-created_at", "-id")
    )


def alert_get_for(actor: Actor, pk: int | str) -> Alert:
    """One alert the actor sees, or 404 (another organization's id answers like a missing one)."""
    try:
        return alerts_visible_to(actor).get(pk=pk)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def open_alerts_of_day(actor: Actor, limit: int = 50) -> list[Alert] | None:
    """My day's open alerts: an account manager's accounts, a head's (or admin's) whole organization;
    red first, then the newest. None for everyone else (their day has no alerts section)."""
    membership = membership_of(actor)
    if membership is None or membership.role not in {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER}:
        return None
    red_first = Case(When(band="red", then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(
        Alert.objects.filter(visible_accounts_q(actor, "account__"), status=AlertStatus.OPEN)
        .select_related("account", "account__owner")
        .annotate(red_rank=red_first)
        .order_by("red_rank", "-created_at", "-id")[:limit]
    )


def playbooks_visible_to(actor: Actor) -> QuerySet[Playbook]:
    """The organization's playbooks with their steps (and each step's assignee), by rule and band."""
    if not can(actor, "see_alerts"):
        return Playbook.objects.none()
    membership = membership_of(actor)
    assert membership is not None
    steps = PlaybookStep.objects.select_related("assignee").order_by("position", "id")
    return (
        Playbook.objects.filter(organization_id=membership.organization_id)
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("rule", "band", "id")
    )


def playbook_get_for(actor: Actor, pk: int | str) -> Playbook:
    try:
        return playbooks_visible_to(actor).get(pk=pk)
    except (Playbook.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def playbook_for(organization_id: int, rule: str, band: str) -> Playbook | None:
    """The playbook a new alert follows: the rule's playbook for the account's band, else for any band."""
    steps = PlaybookStep.objects.select_related("assignee").order_by("position", "id")
    candidates = list(
        Playbook.objects.filter(organization_id=organization_id, rule=rule, band__in=[band, ""]).prefetch_related(
            Prefetch("steps", queryset=steps)
        )
    )
    candidates.sort(key=lambda p: p.band == "")
    return candidates[0] if candidates else None
