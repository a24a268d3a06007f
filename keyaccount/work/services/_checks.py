"""Checks every write of the delivery side shares: the actor's right on the account, colleagues,
projects and contacts of the same account, fields a call may not send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.tenancy.models import Membership, Role
from keyaccount.tenancy.permissions import editable_accounts_q, membership_of, require, require_on_account
from keyaccount.work.models import (
    Project,
    Task,
)

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


def check_account(actor: User, account: Account, capability: str) -> Membership:
    """The actor may change this account's records under `capability`; otherwise PermissionDenied."""
    return require_on_account(actor, account.pk, capability, message=_("You cannot change this account's work."))


def check_task_workable(actor: User, task: Task) -> None:
    """Those who manage the account's tasks, and the assignee (a specialist works their own tasks)."""
    membership = require(actor, "work_tasks")
    if membership.organization_id != task.organization_id:
        raise PermissionDenied(_("You cannot work on this task."))
    if task.assignee_id == actor.pk:
        return
    if (
        membership.role in {Role.SPECIALIST}
        or not Account.objects.filter(editable_accounts_q(actor, "manage_tasks"), pk=task.account_id).exists()
    ):
        raise PermissionDenied(_("You cannot work on this task."))


def check_colleague(organization_id: int, field: str, user: User | None) -> None:
    """`user` works for the organization (an active member of our side, not a client)."""
    if user is None:
        return
    membership = membership_of(user)
    if membership is None or membership.organization_id != organization_id:
        raise ValidationError({field: _("Choose a colleague from your organization.")})
    if membership.role == Role.CLIENT:
        raise ValidationError({field: _("A client representative cannot work on our side.")})


def check_project_of(account: Account, project: Project | None, field: str = "project") -> None:
    if project is not None and project.account_id != account.pk:
        raise ValidationError({field: _("Choose a project of the same account.")})


def check_contact_of(account: Account, contact: Contact | None) -> None:
    """The contact works at the account, or has a role on it."""
    if contact is None:
        return
    if contact.account_id == account.pk:
        return
    if (
        contact.organization_id == account.organization_id
        and ContactAccountRole.objects.filter(contact=contact, account=account).exists()
    ):
        return
    raise ValidationError({"contact": _("Choose a contact of this account.")})


def check_unknown(fields: dict[str, Any], allowed: list[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
