"""Reads of people and invitations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from keyaccount.tenancy.actors import Actor
from keyaccount.tenancy.models import Invitation, Role, Team, User
from keyaccount.tenancy.permissions import can, membership_of, visible_accounts_q, visible_users_q

if TYPE_CHECKING:
    pass


def users_visible_to(actor: Actor) -> QuerySet[User]:
    return User.objects.filter(visible_users_q(actor)).select_related("membership")


def owner_candidates(actor: Actor) -> QuerySet[User]:
    """Colleagues who can own an account: account managers and heads of the actor's organization."""
    return users_visible_to(actor).filter(membership__role__in=[Role.ACCOUNT_MANAGER, Role.HEAD, Role.ADMIN])


def team_candidates(actor: Actor) -> QuerySet[User]:
    """Colleagues who can be on an account team (everyone of our side)."""
    return users_visible_to(actor).exclude(membership__role=Role.CLIENT)


def invitations_visible_to(actor: Actor) -> QuerySet[Invitation]:
    membership = membership_of(actor)
    if membership is None or not can(actor, "invite"):
        return Invitation.objects.none()
    return Invitation.objects.filter(organization_id=membership.organization_id).select_related("invited_by")


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation behind an emailed link; the token itself is the credential, so no actor is needed."""
    return Invitation.objects.select_related("organization", "invited_by").filter(token=token).first()


def teams_visible_to(actor: Actor) -> QuerySet[Team]:
    """The teams of the actor's organization, for everyone on our side (clients see none)."""
    membership = membership_of(actor)
    if membership is None or not can(actor, "see_people"):
        return Team.objects.none()
    return Team.objects.filter(organization_id=membership.organization_id).select_related("lead")


def team_members(team: Team) -> QuerySet[User]:
    """The account managers in a team."""
    return User.objects.filter(
        membership__team=team, membership__organization_id=team.organization_id, is_active=True
    ).select_related("membership")


def client_accounts_for(actor: Actor) -> QuerySet[Any]:
    """The accounts a client representative may be invited to: those the actor sees, by name. Read from the
    invitation's own relation, so tenancy names the accounts' table without importing the accounts app."""
    account = Invitation._meta.get_field("client_account").related_model
    return account._default_manager.filter(visible_accounts_q(actor)).order_by("name")  # type: ignore[union-attr]  # a foreign key always has a model class here
