"""The account team: putting a colleague on it in a role, and taking them off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, AccountTeamMember, TeamRole
from keyaccount.accounts.services._checks import OWNER_ROLES
from keyaccount.core.audit import audit_create, audit_delete
from keyaccount.core.services import check_same_organization, full_clean
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import managed_accounts_q, require_on_account

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


def _check_manageable(actor: User, account: Account) -> None:
    require_on_account(
        actor,
        account.pk,
        "manage_team",
        scope=managed_accounts_q(actor),
        message=_("You cannot change this account's team."),
    )


@transaction.atomic
def team_member_add(*, actor: User, account: Account, user: User, role: str) -> AccountTeamMember:
    """Put a colleague on the account team in a role."""
    _check_manageable(actor, account)
    check_same_organization(account.organization_id, user=user)
    if user.membership.role == Role.CLIENT:
        raise ValidationError({"user": _("A client representative cannot be on our team.")})
    if role == TeamRole.ACCOUNT_MANAGER and user.membership.role not in OWNER_ROLES:
        raise ValidationError({"role": _("Only an account manager or a head can be the account manager.")})
    member = AccountTeamMember(organization_id=account.organization_id, account=account, user=user, role=role)
    full_clean(member)
    member.save()
    audit_create(actor=actor, instance=member, fields=["user", "role"], account_id=account.pk)
    return member


@transaction.atomic
def team_member_remove(*, actor: User, member: AccountTeamMember) -> None:
    """Take a colleague off the account team; the owner's account-manager seat moves only by reassignment."""
    _check_manageable(actor, member.account)
    if member.role == TeamRole.ACCOUNT_MANAGER and member.user_id == member.account.owner_id:
        raise ValidationError({"user": _("Reassign the account to another owner instead.")})
    audit_delete(actor=actor, instance=member, fields=["user", "role"], account_id=member.account_id)
    member.delete()
