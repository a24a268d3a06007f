"""Projects (engagements) of an account, with their goals and team."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.core.audit import audit_create, audit_delete
from keyaccount.core.services import apply_update, check_same_organization, full_clean
from keyaccount.work.models import (
    Project,
    ProjectGoal,
)
from keyaccount.work.services._checks import (
    check_account,
    check_colleague,
    check_unknown,
)

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


PROJECT_FIELDS = ["service", "name", "stage", "budget", "currency", "scope", "starts_on", "ends_on", "team"]
PROJECT_GOAL_FIELDS = ["description", "metric", "target_value", "target_date", "achieved_on"]


def _check_project_fields(account: Account, data: dict[str, Any], current: Project | None = None) -> None:
    if data.get("service") is not None:
        check_same_organization(account.organization_id, service=data["service"])
    for user in data.get("team") or []:
        check_colleague(account.organization_id, "team", user)
    starts = data.get("starts_on", current.starts_on if current else None)
    ends = data.get("ends_on", current.ends_on if current else None)
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _("The project cannot end before it starts.")})


@transaction.atomic
def project_create(
    *, actor: User, account: Account, name: str, team: list[User] | None = None, **fields: Any
) -> Project:
    """Open an engagement with the client: its service, scope, budget, dates and team."""
    check_account(actor, account, "manage_projects")
    check_unknown(fields, PROJECT_FIELDS)
    _check_project_fields(account, {**fields, "team": team})
    fields.setdefault("currency", account.currency)
    project = Project(organization_id=account.organization_id, account=account, name=name, **fields)
    full_clean(project)
    project.save()
    if team:
        project.team.set(team)
    audit_create(actor=actor, instance=project, fields=["account", *PROJECT_FIELDS], account_id=account.pk)
    return project


@transaction.atomic
def project_update(
    *, actor: User, project: Project, data: dict[str, Any], expected_version: int | None = None
) -> Project:
    """Change a project; a stale `expected_version` is refused (ConflictError)."""
    check_account(actor, project.account, "manage_projects")
    _check_project_fields(project.account, data, project)
    apply_update(
        actor=actor,
        instance=project,
        data=data,
        editable=PROJECT_FIELDS,
        account_id=project.account_id,
        expected_version=expected_version,
    )
    return project


@transaction.atomic
def project_delete(*, actor: User, project: Project) -> None:
    """Remove a project entered by mistake; its tasks and requests stay with the account."""
    check_account(actor, project.account, "manage_projects")
    audit_delete(actor=actor, instance=project, fields=["account", "name", "service"], account_id=project.account_id)
    project.delete()


@transaction.atomic
def project_goal_create(*, actor: User, project: Project, description: str, **fields: Any) -> ProjectGoal:
    """A measurable goal of the project, e.g. "top-10 for 30 queries by 2026-06-01"."""
    check_account(actor, project.account, "manage_projects")
    check_unknown(fields, PROJECT_GOAL_FIELDS)
    goal = ProjectGoal(organization_id=project.organization_id, project=project, description=description, **fields)
    full_clean(goal)
    goal.save()
    audit_create(actor=actor, instance=goal, fields=["project", *PROJECT_GOAL_FIELDS], account_id=project.account_id)
    return goal


@transaction.atomic
def project_goal_update(*, actor: User, goal: ProjectGoal, data: dict[str, Any]) -> ProjectGoal:
    check_account(actor, goal.project.account, "manage_projects")
    apply_update(
        actor=actor, instance=goal, data=data, editable=PROJECT_GOAL_FIELDS, account_id=goal.project.account_id
    )
    return goal


@transaction.atomic
def project_goal_delete(*, actor: User, goal: ProjectGoal) -> None:
    check_account(actor, goal.project.account, "manage_projects")
    audit_delete(actor=actor, instance=goal, fields=["project", "description"], account_id=goal.project.account_id)
    goal.delete()
