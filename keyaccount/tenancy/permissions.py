"""Who sees and changes what: the one place that defines visibility (DESIGN.md rule 2).

UI, API, exports and reports all take their querysets through these Q-filters.
An actor is a signed-in user with a membership; without one they see nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keyaccount.tenancy.actors import Actor
from keyaccount.tenancy.models import Membership, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ORG_WIDE = {Role.ADMIN, Role.HEAD}
TEAM_BASED = {Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SPECIALIST}
# The account team role that owns the account (accounts.TeamRole.ACCOUNT_MANAGER): it may change the team.
ACCOUNT_MANAGER = "account_manager"

# What each role may do at all; object-level scope is added by the Q-filters below.
CAPABILITIES: dict[str, set[str]] = {
    "see_money": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SALES},
    "see_contacts": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SPECIALIST, Role.SALES},
    "see_context": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SPECIALIST, Role.SALES},
    "see_handover": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SALES},
    "see_audit": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT},
    "see_people": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SPECIALIST, Role.SALES},
    "create_account": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.SALES},
    "edit_account": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT},
    "edit_contacts": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SALES},
    "edit_handover": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SALES},
    "manage_team": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER},
    "assign_owner": {Role.ADMIN, Role.HEAD},
    "delete_account": {Role.ADMIN, Role.HEAD},
    "edit_settings": {Role.ADMIN},
    "invite": {Role.ADMIN},
    # The working loop: requests, tasks, projects, interactions.
    "see_requests": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT},
    "manage_requests": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT},
    "see_tasks": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SPECIALIST},
    "manage_tasks": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT},
    "work_tasks": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SPECIALIST},
    "see_projects": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SPECIALIST, Role.SALES},
    "manage_projects": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT},
    "see_interactions": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SPECIALIST, Role.SALES},
    "log_interactions": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SALES},
    "manage_catalogue": {Role.ADMIN},
    # The money side: contracts, acts, invoices, payments, renewals. Specialists and clients never see it.
    "manage_money": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT},
    "manage_billing_settings": {Role.ADMIN, Role.HEAD},
    # Account health: read by the roles that work the relationship (like money, never by specialists or
    # clients); an assessment is recorded by the account's team; the model is set by admins and heads.
    "see_health": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SALES},
    "assess_health": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT},
    "manage_health_model": {Role.ADMIN, Role.HEAD},
    # Health alerts: the account's team reads them, the account manager or a head closes them, heads and
    # admins edit the playbooks.
    "see_alerts": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT},
    "close_alerts": {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER},
    "manage_playbooks": {Role.ADMIN, Role.HEAD},
}


def membership_of(actor: Actor) -> Membership | None:
    """The actor's membership, cached on the user object for the request."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    try:
        return actor.membership
    except Membership.DoesNotExist:
        return None


def role_of(actor: Actor) -> str | None:
    membership = membership_of(actor)
    return membership.role if membership else None


def can(actor: Actor, capability: str) -> bool:
    return role_of(actor) in CAPABILITIES[capability]


def require(actor: Actor, capability: str) -> Membership:
    """The actor's membership if their role allows `capability`; otherwise PermissionDenied."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CAPABILITIES[capability]:
        raise PermissionDenied(_("Your role does not allow this."))
    return membership


NOTHING = Q(pk__in=[])


def _model(label: str) -> Any:
    """A model of the apps these rules scope, by its label: the rules depend on their tables (as a foreign key
    named by a string does), not on the apps' code, so every app can use them without an import cycle."""
    return apps.get_model(label)


def _team_account_ids(membership: Membership):
    return (
        _model("accounts.AccountTeamMember")
        .objects.filter(organization_id=membership.organization_id, user_id=membership.user_id)
        .values("account_id")
    )


def _assigned_task_account_ids(membership: Membership):
    return (
        _model("work.Task")
        .objects.filter(organization_id=membership.organization_id, assignee_id=membership.user_id)
        .values("account_id")
    )


def _sold_account_ids(membership: Membership):
    return (
        _model("accounts.HandoverBrief")
        .objects.filter(organization_id=membership.organization_id, sold_by_id=membership.user_id)
        .values("account_id")
    )


def visible_accounts_q(actor: Actor, prefix: str = "") -> Q:
    """Accounts the actor may see; `prefix` reaches an account through a relation (e.g. "account__")."""
    membership = membership_of(actor)
    if membership is None:
        return NOTHING
    org = Q(**{f"{prefix}organization_id": membership.organization_id})
    if membership.role in ORG_WIDE:
        return org
    if membership.role == Role.SPECIALIST:
        # Their tasks' accounts, and the accounts whose team they are on.
        return org & (
            Q(**{f"{prefix}pk__in": _team_account_ids(membership)})
            | Q(**{f"{prefix}pk__in": _assigned_task_account_ids(membership)})
        )
    if membership.role in TEAM_BASED:
        return org & Q(**{f"{prefix}pk__in": _team_account_ids(membership)})
    if membership.role == Role.SALES:
        return org & Q(**{f"{prefix}pk__in": _sold_account_ids(membership)})
    if membership.role == Role.CLIENT:
        return org & Q(**{f"{prefix}pk": membership.client_account_id})
    return NOTHING


def editable_accounts_q(actor: Actor, capability: str = "edit_account", prefix: str = "") -> Q:
    """Accounts whose records the actor may change under `capability`."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CAPABILITIES[capability]:
        return NOTHING
    if membership.role == Role.SPECIALIST:
        return NOTHING
    return visible_accounts_q(actor, prefix)


def managed_accounts_q(actor: Actor, prefix: str = "") -> Q:
    """Accounts whose team the actor may change: the organization for a head, own accounts for an AM."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CAPABILITIES["manage_team"]:
        return NOTHING
    if membership.role in ORG_WIDE:
        return visible_accounts_q(actor, prefix)
    own = (
        _model("accounts.AccountTeamMember")
        .objects.filter(organization_id=membership.organization_id, user_id=membership.user_id, role=ACCOUNT_MANAGER)
        .values("account_id")
    )
    return Q(**{f"{prefix}organization_id": membership.organization_id, f"{prefix}pk__in": own})


def visible_contacts_q(actor: Actor) -> Q:
    """Contacts whose home account or linked account the actor sees (never for client users)."""
    if not can(actor, "see_contacts"):
        return NOTHING
    membership = membership_of(actor)
    assert membership is not None
    linked = (
        _model("contacts.ContactAccountRole")
        .objects.filter(visible_accounts_q(actor, "account__"))
        .values("contact_id")
    )
    return Q(organization_id=membership.organization_id) & (visible_accounts_q(actor, "account__") | Q(pk__in=linked))


def visible_users_q(actor: Actor) -> Q:
    """Users of the actor's organization (colleagues), for pickers and owner filters."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CAPABILITIES["see_people"]:
        if membership is not None:
            return Q(pk=membership.user_id)
        return NOTHING
    return Q(membership__organization_id=membership.organization_id, is_active=True)


def visible_tasks_q(actor: Actor) -> Q:
    """Tasks: a specialist sees the tasks assigned to them; the account side sees their accounts' tasks."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CAPABILITIES["see_tasks"]:
        return NOTHING
    if membership.role == Role.SPECIALIST:
        return Q(organization_id=membership.organization_id, assignee_id=membership.user_id)
    return visible_accounts_q(actor, "account__")


def scoped_to_accounts_q(actor: Actor, capability: str) -> Q:
    """Rows of an account-owned model (requests, projects, interactions) the actor may see under `capability`."""
    if not can(actor, capability):
        return NOTHING
    return visible_accounts_q(actor, "account__")


def require_on_account(
    actor: Actor, account_id: int, capability: str, *, scope: Q | None = None, message: StrOrPromise | None = None
) -> Membership:
    """The actor's membership when their role allows `capability` on this very account; else PermissionDenied.

    `scope` narrows which accounts qualify (default: those the actor may edit under `capability`). Every
    service checks its object-level permission through here, so the rule lives in one place.
    """
    membership = require(actor, capability)
    allowed = scope if scope is not None else editable_accounts_q(actor, capability)
    if not _model("accounts.Account").objects.filter(allowed, pk=account_id).exists():
        raise PermissionDenied(message or _("You cannot change this account."))
    return membership
