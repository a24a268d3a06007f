"""Organizations, people and invitations."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import full_clean
from keyaccount.core.tasks import enqueue_with_change
from keyaccount.tenancy.models import Invitation, Membership, Organization, Role, Team, User
from keyaccount.tenancy.permissions import require

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account

INVITATION_TTL = datetime.timedelta(days=7)


@transaction.atomic
def organization_create(*, name: str, slug: str | None = None, default_currency: str = "RUB") -> Organization:
    """Open a new organization (an agency) on this installation."""
    org = Organization(name=name, slug=slug or slugify(name) or "organization", default_currency=default_currency)
    full_clean(org)
    org.save()
    return org


@transaction.atomic
def member_create(
    *,
    organization: Organization,
    email: str,
    name: str,
    role: str,
    password: str | None = None,
    client_account: Account | None = None,
    actor: User | None = None,
    password_hash: str | None = None,
) -> Membership:
    """Create a user and their membership in `organization` (used by invitations and the demo loader)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this email already exists.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if role == Role.CLIENT and client_account is None:
        raise ValidationError({"client_account": _("A client representative needs their account.")})
    if client_account is not None and client_account.organization_id != organization.pk:
        raise ValidationError({"client_account": _("Choose a value from your organization.")})
    user = User(email=email, name=name)
    if password_hash is not None:
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    membership = Membership.objects.create(
        organization=organization,
        user=user,
        role=role,
        client_account=client_account if role == Role.CLIENT else None,
    )
    audit_record(
        actor=actor,
        organization_id=organization.pk,
        action=AuditAction.CREATE,
        instance=membership,
        changes={"email": [None, email], "role": [None, role]},
    )
    return membership


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    email: str,
    role: str,
    name: str = "",
    client_account: Account | None = None,
    accept_url: Callable[[Invitation], str],
) -> Invitation:
    """An admin invites a person; the email goes out from the worker once the invitation is committed."""
    membership = require(actor, "invite")
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this email already exists.")})
    if role == Role.CLIENT and client_account is None:
        raise ValidationError({"client_account": _("A client representative needs their account.")})
    if client_account is not None and client_account.organization_id != membership.organization_id:
        raise ValidationError({"client_account": _("Choose a value from your organization.")})
    invitation = Invitation(
        organization_id=membership.organization_id,
        email=email,
        name=name,
        role=role,
        client_account=client_account if role == Role.CLIENT else None,
        invited_by=actor,
        expires_at=clock.now() + INVITATION_TTL,
    )
    full_clean(invitation)
    invitation.save()
    audit_create(actor=actor, instance=invitation, fields=["email", "role"], account_id=None)
    from keyaccount.tenancy.tasks import send_invitation_email

    enqueue_with_change(send_invitation_email, invitation.pk, accept_url(invitation))
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    """An admin withdraws an invitation that was not accepted yet; its link stops working at once."""
    membership = require(actor, "invite")
    if invitation.organization_id != membership.organization_id:
        raise PermissionDenied(_("You cannot change this invitation."))
    if invitation.accepted_at is not None:
        raise ValidationError({"invitation": _("This invitation was accepted already.")})
    audit_delete(actor=actor, instance=invitation, fields=["email", "role"], account_id=None)
    invitation.delete()


@transaction.atomic
def invitation_accept(*, token: str, password: str, name: str = "") -> User:
    """The invited person sets a password and becomes a member; a used or expired link is refused."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_open:
        raise ValidationError({"token": _("This invitation is no longer valid. Ask your administrator for a new one.")})
    try:
        validate_password(password, User(email=invitation.email, name=name or invitation.name))
    except ValidationError as e:
        raise ValidationError({"password": e.messages}) from None
    membership = member_create(
        organization=invitation.organization,
        email=invitation.email,
        name=name or invitation.name,
        role=invitation.role,
        password=password,
        client_account=invitation.client_account,
        actor=invitation.invited_by,
    )
    invitation.accepted_at = clock.now()
    invitation.save(update_fields=["accepted_at"])
    return membership.user


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """An admin changes a colleague's role (an admin cannot demote themselves, so one always remains)."""
    own = require(actor, "invite")
    if membership.organization_id != own.organization_id:
        raise PermissionDenied(_("You cannot change this person."))
    if role not in Role.values or role == Role.CLIENT:
        raise ValidationError({"role": _("Choose a valid role.")})
    if membership.user_id == actor.pk and role != Role.ADMIN:
        raise ValidationError({"role": _("You cannot take away your own administrator role.")})
    before = membership.role
    membership.role = role
    if role not in TEAM_MEMBER_ROLES:
        membership.team = None  # teams gather account managers only
    membership.save(update_fields=["role", "team"])
    audit_record(
        actor=actor,
        organization_id=own.organization_id,
        action=AuditAction.UPDATE,
        instance=membership,
        changes={"role": [before, role]},
    )
    return membership


@transaction.atomic
def user_update_preferences(*, actor: User, name: str, timezone_name: str, language: str) -> User:
    """A person sets their own name, time zone and language."""
    actor.name = name
    actor.timezone = timezone_name
    actor.language = language
    full_clean(actor, exclude=["password"])
    actor.save(update_fields=["name", "timezone", "language"])
    return actor


@transaction.atomic
def user_calendar_token_create(*, actor: User) -> str:
    """Give the person a new private calendar-feed address; any earlier address stops working."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    actor.calendar_token = secrets.token_urlsafe(32)
    actor.save(update_fields=["calendar_token"])
    return actor.calendar_token


@transaction.atomic
def user_calendar_token_revoke(*, actor: User) -> None:
    """Switch the person's calendar feed off: its address answers 404 from now on."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    actor.calendar_token = None
    actor.save(update_fields=["calendar_token"])


# --- teams ------------------------------------------------------------------------------------------

TEAM_LEAD_ROLES = {Role.HEAD, Role.ADMIN}
TEAM_MEMBER_ROLES = {Role.ACCOUNT_MANAGER}


def _check_lead(lead: User | None, organization_id: int) -> None:
    if lead is None:
        return
    membership = Membership.objects.filter(user=lead, organization_id=organization_id).first()
    if membership is None or membership.role not in TEAM_LEAD_ROLES:
        raise ValidationError({"lead": _("The lead must be a head of client service or an administrator.")})


TEAM_NAME_TAKEN = gettext_lazy("A team with this name already exists.")


def _save_team(team: Team, **kwargs: Any) -> None:
    """Save, turning the unique name's refusal (another admin took the name a moment ago) into the same
    message as the check before it."""
    try:
        with transaction.atomic():
            team.save(**kwargs)
    except IntegrityError:
        raise ValidationError({"name": TEAM_NAME_TAKEN}) from None


@transaction.atomic
def team_create(*, actor: User, name: str, lead: User | None = None) -> Team:
    """An admin forms a team of account managers, optionally naming the head who leads it."""
    membership = require(actor, "edit_settings")
    _check_lead(lead, membership.organization_id)
    team = Team(organization_id=membership.organization_id, name=name.strip(), lead=lead)
    full_clean(team)
    if Team.objects.filter(organization_id=membership.organization_id, name__iexact=team.name).exists():
        raise ValidationError({"name": TEAM_NAME_TAKEN})
    _save_team(team)
    audit_create(actor=actor, instance=team, fields=["name", "lead"], account_id=None)
    return team


@transaction.atomic
def team_update(*, actor: User, team: Team, name: str, lead: User | None) -> Team:
    """An admin renames a team or names another lead."""
    membership = require(actor, "edit_settings")
    if team.organization_id != membership.organization_id:
        raise PermissionDenied(_("You cannot change this team."))
    _check_lead(lead, membership.organization_id)
    before = {"name": team.name, "lead": team.lead_id}
    team.name = name.strip()
    team.lead = lead
    full_clean(team)
    taken = Team.objects.filter(organization_id=membership.organization_id, name__iexact=team.name)
    if taken.exclude(pk=team.pk).exists():
        raise ValidationError({"name": TEAM_NAME_TAKEN})
    _save_team(team, update_fields=["name", "lead"])
    after = {"name": team.name, "lead": team.lead_id}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit_record(
            actor=actor,
            organization_id=membership.organization_id,
            action=AuditAction.UPDATE,
            instance=team,
            changes=changes,
        )
    return team


@transaction.atomic
def team_delete(*, actor: User, team: Team) -> None:
    """An admin dissolves a team; its account managers stay, without a team."""
    membership = require(actor, "edit_settings")
    if team.organization_id != membership.organization_id:
        raise PermissionDenied(_("You cannot change this team."))
    audit_delete(actor=actor, instance=team, fields=["name", "lead"], account_id=None)
    team.delete()


@transaction.atomic
def membership_set_team(*, actor: User, membership: Membership, team: Team | None) -> Membership:
    """An admin puts an account manager in a team (or takes them out with None)."""
    own = require(actor, "edit_settings")
    if membership.organization_id != own.organization_id:
        raise PermissionDenied(_("You cannot change this person."))
    if team is not None and team.organization_id != own.organization_id:
        raise ValidationError({"team": _("Choose a value from your organization.")})
    if team is not None and membership.role not in TEAM_MEMBER_ROLES:
        raise ValidationError({"team": _("Only account managers are put in teams.")})
    before = membership.team_id
    membership.team = team
    membership.save(update_fields=["team"])
    if before != membership.team_id:
        audit_record(
            actor=actor,
            organization_id=own.organization_id,
            action=AuditAction.UPDATE,
            instance=membership,
            changes={"team": [before, membership.team_id]},
        )
    return membership
