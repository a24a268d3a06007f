"""Accounts: opening one, its profile and tags, its lifecycle status, its owner, and deleting it (with the
guards of the apps that keep its records)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.accounts.models import (
    STATUS_TRANSITIONS,
    Account,
    AccountStatus,
    AccountStatusChange,
    AccountTeamMember,
    HandoverBrief,
    OnboardingItem,
    Tag,
    TeamRole,
)
from keyaccount.accounts.services._checks import OWNER_ROLES, check_editable
from keyaccount.accounts.services.onboarding import onboarding_template_titles
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import apply_update, check_same_organization, claim_version, full_clean
from keyaccount.tenancy.models import Membership, Role
from keyaccount.tenancy.permissions import require

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

ACCOUNT_FIELDS = [
    "name",
    "legal_name",
    "kind",
    "industry",
    "size",
    "website",
    "locations",
    "parent",
    "currency",
    "tier",
    "tags",
    "notes",
]


def _check_parent(account: Account, parent: Account | None) -> None:
    """The parent must be another account of the organization, and never a descendant (no cycles)."""
    if parent is None:
        return
    check_same_organization(account.organization_id, parent=parent)
    node: Account | None = parent
    seen = set()
    while node is not None and node.pk not in seen:
        if account.pk is not None and node.pk == account.pk:
            raise ValidationError({"parent": _("An account cannot be its own parent or a parent of its parent.")})
        seen.add(node.pk)
        node = node.parent


def _check_unique_name(account: Account) -> None:
    clash = Account.objects.filter(organization_id=account.organization_id, name__iexact=account.name.strip())
    if account.pk is not None:
        clash = clash.exclude(pk=account.pk)
    if clash.exists():
        raise ValidationError({"name": _("An account with this name already exists.")})


def _check_owner(organization_id: int, owner: User | None) -> None:
    if owner is None:
        return
    try:
        membership = owner.membership
    except Membership.DoesNotExist:
        membership = None
    if membership is None or membership.organization_id != organization_id:
        raise ValidationError({"owner": _("Choose a value from your organization.")})
    if membership.role not in OWNER_ROLES:
        raise ValidationError({"owner": _("The owner must be an account manager or a head.")})


def _ensure_team_member(account: Account, user: User, role: str) -> AccountTeamMember:
    member, _created = AccountTeamMember.objects.get_or_create(
        organization_id=account.organization_id, account=account, user=user, role=role
    )
    return member


@transaction.atomic
def account_create(
    *,
    actor: User,
    name: str,
    owner: User | None = None,
    tags: list[Tag] | None = None,
    status: str = AccountStatus.ONBOARDING,
    new_tags: list[str] | None = None,
    **fields: Any,
) -> Account:
    """Open a client account. An account manager who creates it becomes its owner and account manager;
    sales who create it become its seller (they keep seeing the handover)."""
    membership = require(actor, "create_account")
    unknown = set(fields) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    if membership.role == Role.ACCOUNT_MANAGER:
        if owner is not None and owner.pk != actor.pk:
            raise ValidationError({"owner": _("An account manager creates accounts for themselves.")})
        owner = actor
    _check_owner(membership.organization_id, owner)
    if status not in (AccountStatus.ONBOARDING, AccountStatus.ACTIVE):
        raise ValidationError({"status": _("A new account starts as onboarding or active.")})
    account = Account(organization_id=membership.organization_id, name=name, owner=owner, status=status, **fields)
    _check_parent(account, fields.get("parent"))
    _check_unique_name(account)  # before full_clean, whose constraint check would not name the field
    full_clean(account)
    account.save()
    tags = _with_new_tags(actor, list(tags or []), new_tags)
    if tags:
        check_same_organization(membership.organization_id, tags=tags)
        account.tags.set(tags)
    if owner is not None:
        _ensure_team_member(account, owner, TeamRole.ACCOUNT_MANAGER)
    AccountStatusChange.objects.create(
        organization_id=account.organization_id, account=account, from_status="", to_status=status, changed_by=actor
    )
    OnboardingItem.objects.bulk_create(
        OnboardingItem(organization_id=account.organization_id, account=account, title=title, position=i)
        for i, title in enumerate(onboarding_template_titles(account.organization_id))
    )
    audit_create(actor=actor, instance=account, fields=[*ACCOUNT_FIELDS, "owner", "status"], account_id=account.pk)
    if membership.role == Role.SALES:
        handover = HandoverBrief.objects.create(
            organization_id=account.organization_id, account=account, sold_by=actor, handed_over_at=clock.now()
        )
        audit_create(actor=actor, instance=handover, fields=["sold_by"], account_id=account.pk)
    return account


@transaction.atomic
def account_update(
    *,
    actor: User,
    account: Account,
    data: dict[str, Any],
    expected_version: int | None = None,
    new_tags: list[str] | None = None,
) -> Account:
    """Change the account's profile; a stale `expected_version` is refused (ConflictError).
    `new_tags` names tags to add, created when the organization has none of that name."""
    check_editable(actor, account)
    if new_tags:
        current = data["tags"] if "tags" in data else list(account.tags.all())
        data = {**data, "tags": _with_new_tags(actor, list(current), new_tags)}
    if "parent" in data:
        _check_parent(account, data["parent"])
    if data.get("tags"):
        check_same_organization(account.organization_id, tags=data["tags"])
    if "name" in data:
        _check_unique_name(Account(pk=account.pk, organization_id=account.organization_id, name=data["name"]))
    apply_update(
        actor=actor,
        instance=account,
        data=data,
        editable=ACCOUNT_FIELDS,
        account_id=account.pk,
        expected_version=expected_version,
    )
    return account


@transaction.atomic
def account_change_status(
    *,
    actor: User,
    account: Account,
    to_status: str,
    churn_reason: str = "",
    comment: str = "",
    expected_version: int | None = None,
) -> AccountStatusChange:
    """Move the account through its lifecycle; churn needs a reason. Kept as a status-history row."""
    check_editable(actor, account)
    allowed = STATUS_TRANSITIONS.get(account.status, set())
    if to_status not in allowed:
        names = ", ".join(sorted(str(s) for s in allowed))
        raise ValidationError(
            {
                "status": _("Cannot move from %(from)s to %(to)s. Allowed: %(allowed)s.")
                % {"from": account.status, "to": to_status, "allowed": names}
            }
        )
    if to_status == AccountStatus.CHURNED and not churn_reason:
        raise ValidationError({"churn_reason": _("Say why the client left.")})
    if to_status != AccountStatus.CHURNED and churn_reason:
        raise ValidationError({"churn_reason": _("A churn reason is only for a churned account.")})
    from_status = account.status
    claim_version(account, expected_version, status=from_status)
    account.status = to_status
    account.churn_reason = churn_reason
    full_clean(account)
    account.save(update_fields=["status", "churn_reason", "version", "updated_at"])
    change = AccountStatusChange.objects.create(
        organization_id=account.organization_id,
        account=account,
        from_status=from_status,
        to_status=to_status,
        churn_reason=churn_reason,
        comment=comment,
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        organization_id=account.organization_id,
        action=AuditAction.UPDATE,
        instance=account,
        changes={"status": [from_status, to_status], **({"churn_reason": ["", churn_reason]} if churn_reason else {})},
        account_id=account.pk,
    )
    return change


@transaction.atomic
def account_assign_owner(
    *, actor: User, account: Account, owner: User | None, expected_version: int | None = None
) -> Account:
    """Hand the account to another account manager; the whole history stays with the account."""
    membership = require(actor, "assign_owner")
    if account.organization_id != membership.organization_id:
        raise PermissionDenied(_("You cannot change this account."))
    _check_owner(account.organization_id, owner)
    previous = account.owner
    if previous == owner:
        return account
    claim_version(account, expected_version)
    account.owner = owner
    account.save(update_fields=["owner", "version", "updated_at"])
    if previous is not None:
        AccountTeamMember.objects.filter(account=account, user=previous, role=TeamRole.ACCOUNT_MANAGER).delete()
    if owner is not None:
        _ensure_team_member(account, owner, TeamRole.ACCOUNT_MANAGER)
    audit_record(
        actor=actor,
        organization_id=account.organization_id,
        action=AuditAction.UPDATE,
        instance=account,
        changes={"owner": [previous.pk if previous else None, owner.pk if owner else None]},
        account_id=account.pk,
    )
    return account


@dataclass(frozen=True)
class DeletionGuard:
    """How an app above this one, which keeps records of an account, takes part in deleting it: `refusal`
    says why the account must stay (None when it may go); `clear` deletes what goes with it (drafts)."""

    refusal: Callable[[Account], str | None]
    clear: Callable[[Account], None]


_deletion_guards: dict[str, DeletionGuard] = {}


def register_deletion_guard(name: str, guard: DeletionGuard) -> None:
    """Called from an app's `AppConfig.ready()` (billing: money kept for accounting)."""
    _deletion_guards[name] = guard


@transaction.atomic
def account_delete(*, actor: User, account: Account) -> None:
    """Delete an account with its contacts and records (heads and admins only); the audit event stays.

    An app that keeps records for good refuses it through its deletion guard (billing: signed contracts,
    issued invoices, acts or payments are kept for accounting, and the account is marked churned instead);
    the drafts go with the account.
    """
    membership = require(actor, "delete_account")
    if account.organization_id != membership.organization_id:
        raise PermissionDenied(_("You cannot change this account."))
    for guard in _deletion_guards.values():
        refusal = guard.refusal(account)
        if refusal:
            raise ValidationError(refusal)
    for guard in _deletion_guards.values():
        guard.clear(account)
    audit_delete(actor=actor, instance=account, fields=[*ACCOUNT_FIELDS, "owner", "status"], account_id=None)
    account.delete()


@transaction.atomic
def tag_create(*, actor: User, name: str) -> Tag:
    """A new label for accounts; a tag of the same name (any case) is refused on the name field."""
    membership = require(actor, "edit_account")
    name = name.strip()
    tag = Tag(organization_id=membership.organization_id, name=name)
    if Tag.objects.filter(organization_id=membership.organization_id, name__iexact=name).exists():
        raise ValidationError({"name": _("A tag with this name already exists.")})
    full_clean(tag)
    tag.save()
    audit_create(actor=actor, instance=tag, fields=["name"], account_id=None)
    return tag


def _with_new_tags(actor: User, tags: list[Tag], new_tags: list[str] | None) -> list[Tag]:
    """`tags` plus the named ones: an existing tag of that name (any case) is reused, else created."""
    if not new_tags:
        return tags
    membership = require(actor, "edit_account")
    seen: set[str] = set()
    for raw in new_tags:
        # The first spelling typed wins; a later one that differs only in case is the same tag.
        name = raw.strip()
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        existing = Tag.objects.filter(organization_id=membership.organization_id, name__iexact=name).first()
        tag = existing or tag_create(actor=actor, name=name)
        if tag not in tags:
            tags.append(tag)
    return tags
