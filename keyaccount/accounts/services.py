"""Every change to an account and its records: permission, validation, the write and its audit event."""

from __future__ import annotations

import datetime
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
    BusinessGoalRevision,
    DrivingForce,
    HandoverBrief,
    OnboardingItem,
    OnboardingTemplateItem,
    Tag,
    TeamRole,
)
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import apply_update, check_same_organization, claim_version, full_clean
from keyaccount.tenancy.models import Membership, Role
from keyaccount.tenancy.permissions import (
    managed_accounts_q,
    require,
    require_on_account,
)

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

# The first-month checklist of DOMAIN.md step 1, used until an organization edits its own.
DEFAULT_ONBOARDING_ITEMS = [
    "Call the client and tell what happens in month one",
    "Agree the communication format (phone, messenger, email, task tracker)",
    "Agree the cadence of contact and reporting",
    "Agree whom to call when something is urgent",
    "Introduce the team",
    "Run product training for the client's team",
]

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
HANDOVER_FIELDS = [
    "sold_by",
    "what_was_sold",
    "promises",
    "deal_value",
    "expectations",
    "signed_by",
    "signed_on",
    "handed_over_at",
]
OWNER_ROLES = {Role.ACCOUNT_MANAGER, Role.HEAD, Role.ADMIN}


def _check_editable(actor: User, account: Account, capability: str = "edit_account") -> None:
    require_on_account(actor, account.pk, capability)


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


def onboarding_template_titles(organization_id: int) -> list[str]:
    titles = list(
        OnboardingTemplateItem.objects.filter(organization_id=organization_id)
        .order_by("position", "id")
        .values_list("title", flat=True)
    )
    return titles or [str(t) for t in DEFAULT_ONBOARDING_ITEMS]


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
    _check_editable(actor, account)
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
    _check_editable(actor, account)
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


# --- account team -----------------------------------------------------------------------------------


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


# --- handover ---------------------------------------------------------------------------------------


@transaction.atomic
def handover_save(
    *, actor: User, account: Account, data: dict[str, Any], expected_version: int | None = None
) -> HandoverBrief:
    """Write the handover brief from sales (one per account), creating it on first save."""
    _check_editable(actor, account, "edit_handover")
    if data.get("sold_by") is not None:
        check_same_organization(account.organization_id, sold_by=data["sold_by"])
    try:
        brief = HandoverBrief.objects.select_for_update().get(account=account)
    except HandoverBrief.DoesNotExist:
        unknown = set(data) - set(HANDOVER_FIELDS)
        if unknown:
            raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)}) from None
        brief = HandoverBrief(organization_id=account.organization_id, account=account, **data)
        full_clean(brief)
        brief.save()
        audit_create(actor=actor, instance=brief, fields=HANDOVER_FIELDS, account_id=account.pk)
        return brief
    apply_update(
        actor=actor,
        instance=brief,
        data=data,
        editable=HANDOVER_FIELDS,
        account_id=account.pk,
        expected_version=expected_version,
    )
    return brief


# --- onboarding checklist ---------------------------------------------------------------------------


@transaction.atomic
def onboarding_item_add(*, actor: User, account: Account, title: str) -> OnboardingItem:
    _check_editable(actor, account)
    last = OnboardingItem.objects.filter(account=account).order_by("-position").values_list("position", flat=True)
    item = OnboardingItem(
        organization_id=account.organization_id, account=account, title=title, position=(last.first() or 0) + 1
    )
    full_clean(item)
    item.save()
    audit_create(actor=actor, instance=item, fields=["title"], account_id=account.pk)
    return item


@transaction.atomic
def onboarding_item_update(*, actor: User, item: OnboardingItem, data: dict[str, Any]) -> OnboardingItem:
    """Rename a step or tick it (`done`: true/false); ticking records who and when."""
    _check_editable(actor, item.account)
    data = dict(data)
    if "done" in data:
        done = bool(data.pop("done"))
        if done and item.done_at is None:
            data["done_at"] = clock.now()
            data["done_by"] = actor
        elif not done and item.done_at is not None:
            data["done_at"] = None
            data["done_by"] = None
    apply_update(
        actor=actor,
        instance=item,
        data=data,
        editable=["title", "position", "done_at", "done_by"],
        account_id=item.account_id,
    )
    return item


@transaction.atomic
def onboarding_item_delete(*, actor: User, item: OnboardingItem) -> None:
    _check_editable(actor, item.account)
    audit_delete(actor=actor, instance=item, fields=["title"], account_id=item.account_id)
    item.delete()


@transaction.atomic
def onboarding_template_set(*, actor: User, titles: list[str]) -> list[OnboardingTemplateItem]:
    """Replace the organization's default first-month checklist (new accounts get it; old ones keep theirs)."""
    membership = require(actor, "edit_settings")
    titles = [t.strip() for t in titles if t.strip()]
    if not titles:
        raise ValidationError({"titles": _("Give at least one step.")})
    too_long = [t for t in titles if len(t) > 200]
    if too_long:
        raise ValidationError({"titles": _("Each step is at most 200 characters.")})
    OnboardingTemplateItem.objects.filter(organization_id=membership.organization_id).delete()
    items = OnboardingTemplateItem.objects.bulk_create(
        OnboardingTemplateItem(organization_id=membership.organization_id, title=t, position=i)
        for i, t in enumerate(titles)
    )
    audit_record(
        actor=actor,
        organization_id=membership.organization_id,
        action=AuditAction.UPDATE,
        instance=membership.organization,
        changes={"onboarding_template": [None, titles]},
    )
    return items


# --- client context ---------------------------------------------------------------------------------

DRIVING_FORCE_FIELDS = ["kind", "subject", "change", "impact", "noted_on"]


@transaction.atomic
def driving_force_create(*, actor: User, account: Account, **data: Any) -> DrivingForce:
    """Record a change in the client's market and whether it helps or hurts them."""
    _check_editable(actor, account)
    unknown = set(data) - set(DRIVING_FORCE_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
    data.setdefault("noted_on", clock.today_for(actor))
    force = DrivingForce(organization_id=account.organization_id, account=account, **data)
    full_clean(force)
    force.save()
    audit_create(actor=actor, instance=force, fields=DRIVING_FORCE_FIELDS, account_id=account.pk)
    return force


@transaction.atomic
def driving_force_update(*, actor: User, force: DrivingForce, data: dict[str, Any]) -> DrivingForce:
    _check_editable(actor, force.account)
    apply_update(actor=actor, instance=force, data=data, editable=DRIVING_FORCE_FIELDS, account_id=force.account_id)
    return force


@transaction.atomic
def driving_force_delete(*, actor: User, force: DrivingForce) -> None:
    _check_editable(actor, force.account)
    audit_delete(actor=actor, instance=force, fields=DRIVING_FORCE_FIELDS, account_id=force.account_id)
    force.delete()


@transaction.atomic
def goal_revise(
    *, actor: User, account: Account, goal: str, revised_on: datetime.date | None = None
) -> BusinessGoalRevision:
    """Record the client's business goal as understood today; earlier revisions stay as history."""
    _check_editable(actor, account)
    revision = BusinessGoalRevision(
        organization_id=account.organization_id,
        account=account,
        goal=goal,
        revised_on=revised_on or clock.today_for(actor),
        author=actor,
    )
    full_clean(revision)
    revision.save()
    audit_create(actor=actor, instance=revision, fields=["goal", "revised_on"], account_id=account.pk)
    return revision


@transaction.atomic
def goal_revision_update(*, actor: User, revision: BusinessGoalRevision, data: dict[str, Any]) -> BusinessGoalRevision:
    _check_editable(actor, revision.account)
    apply_update(
        actor=actor, instance=revision, data=data, editable=["goal", "revised_on"], account_id=revision.account_id
    )
    return revision


@transaction.atomic
def goal_revision_delete(*, actor: User, revision: BusinessGoalRevision) -> None:
    _check_editable(actor, revision.account)
    audit_delete(actor=actor, instance=revision, fields=["goal", "revised_on"], account_id=revision.account_id)
    revision.delete()
