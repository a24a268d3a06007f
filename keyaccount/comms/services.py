"""Every change to the communications log: permission, validation, the write and its audit event.

An interaction is a touch with the client (call, meeting, email, message, event, note), planned or held.
Its participants are the account's contacts and the organization's colleagues; its next step may become
a task for the team or a planned interaction.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, overload

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.comms.models import Feedback, Interaction, InteractionKind, InteractionState
from keyaccount.contacts.models import Contact
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record, diff, snapshot
from keyaccount.core.models import AuditAction
from keyaccount.core.services import apply_update, claim_version, full_clean
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import can, require_on_account

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

# What a person may change on a logged interaction; the state moves only through complete/cancel.
INTERACTION_FIELDS = [
    "kind",
    "direction",
    "occurred_at",
    "duration_minutes",
    "subject",
    "summary",
    "sentiment",
    "feedback",
    "next_step",
    "contacts",
    "users",
]
AUDITED_FIELDS = ["account", "state", *INTERACTION_FIELDS]
# A held interaction may be logged a little ahead of the server's clock (a phone's clock runs fast).
CLOCK_TOLERANCE = datetime.timedelta(minutes=15)


def _check_loggable(actor: User, account: Account) -> None:
    """The actor may log interactions on this account (the account team, sales on their accounts, heads)."""
    require_on_account(actor, account.pk, "log_interactions", message=_("You cannot log interactions on this account."))


def _check_contacts(account: Account, contacts: Iterable[Contact]) -> list[Contact]:
    """Client participants are people of this account: they work there or have a role on it."""
    contacts = list(contacts)
    if not contacts:
        return contacts
    ids = {c.pk for c in contacts}
    allowed = set(
        Contact.objects.filter(organization_id=account.organization_id, pk__in=ids)
        .filter(Q(account_id=account.pk) | Q(other_roles__account_id=account.pk))
        .values_list("pk", flat=True)
    )
    if ids - allowed:
        raise ValidationError({"contacts": _("Choose people who work at this account or have a role on it.")})
    return contacts


def _check_users(account: Account, users: Iterable[User]) -> list[User]:
    """Our participants are colleagues of the organization with an active membership, never client users."""
    from keyaccount.tenancy.models import Membership

    users = list(users)
    if not users:
        return users
    ids = {u.pk for u in users}
    allowed = set(
        Membership.objects.filter(organization_id=account.organization_id, user_id__in=ids, user__is_active=True)
        .exclude(role=Role.CLIENT)
        .values_list("user_id", flat=True)
    )
    if ids - allowed:
        raise ValidationError({"users": _("Choose colleagues of your organization.")})
    return users


def _check_state_fields(interaction: Interaction) -> None:
    """A held interaction lies in the past; sentiment and feedback are known only once it has happened."""
    now = clock.now()
    if interaction.state == InteractionState.DONE and interaction.occurred_at > now + CLOCK_TOLERANCE:
        raise ValidationError({"occurred_at": _("An interaction that happened cannot be in the future.")})
    if interaction.state == InteractionState.PLANNED and interaction.sentiment is not None:
        raise ValidationError({"sentiment": _("Sentiment is recorded once the interaction has happened.")})
    if interaction.state == InteractionState.PLANNED and interaction.feedback != Feedback.NONE:
        raise ValidationError({"feedback": _("Thanks or a complaint are recorded once the interaction has happened.")})


def _prefixed(error: ValidationError, field: str) -> ValidationError:
    """A nested input's errors (e.g. the next-step task's) under the field that carried it."""
    if not hasattr(error, "error_dict"):
        return ValidationError({field: error.messages})
    messages = [
        _("%(field)s: %(message)s") % {"field": name, "message": message}
        for name, errors in error.error_dict.items()
        for e in errors
        for message in e.messages
    ]
    return ValidationError({field: messages})


def _create_next_step_task(actor: User, interaction: Interaction, spec: dict[str, Any]) -> Any:
    """The next step as a task for the team, on the interaction's account."""
    from keyaccount.work import services as work_services

    if not can(actor, "manage_tasks"):
        raise ValidationError({"next_step_task": _("Your role does not allow setting tasks.")})
    unknown = set(spec) - {"title", "assignee", "due_at", "description"}
    if unknown:
        raise ValidationError({"next_step_task": _("Give a title, an assignee and a due time only.")})
    title = (spec.get("title") or interaction.next_step or "").strip()
    if not title:
        raise ValidationError({"next_step_task": _("Give the task a title.")})
    description = spec.get("description") or interaction.next_step
    try:
        return work_services.task_create(
            actor=actor,
            account=interaction.account,
            title=title[:200],
            description=description,
            assignee=spec.get("assignee"),
            due_at=_aware(actor, spec.get("due_at")),
        )
    except ValidationError as e:
        raise _prefixed(e, "next_step_task") from None


def _create_next_interaction(actor: User, interaction: Interaction, spec: dict[str, Any]) -> Interaction:
    """The next touch as a planned interaction with the same people, after this one."""
    unknown = set(spec) - {"kind", "occurred_at", "subject"}
    if unknown:
        raise ValidationError({"next_interaction": _("Give the kind and the time only.")})
    kind, occurred_at = spec.get("kind"), spec.get("occurred_at")
    if kind not in InteractionKind.values:
        raise ValidationError({"next_interaction": _("Choose the kind of the next interaction.")})
    if not isinstance(occurred_at, datetime.datetime):
        raise ValidationError({"next_interaction": _("Give the time of the next interaction.")})
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at, clock.user_zone(actor))
    if occurred_at <= interaction.occurred_at:
        raise ValidationError({"next_interaction": _("The next interaction comes after this one.")})
    planned = Interaction(
        organization_id=interaction.organization_id,
        account=interaction.account,
        kind=kind,
        direction=interaction.direction,
        state=InteractionState.PLANNED,
        occurred_at=occurred_at,
        subject=(spec.get("subject") or interaction.next_step or interaction.subject or "")[:200],
        logged_by=actor,
    )
    try:
        full_clean(planned)
    except ValidationError as e:
        raise _prefixed(e, "next_interaction") from None
    planned.save()
    planned.contacts.set(interaction.contacts.all())
    planned.users.set(interaction.users.all())
    audit_create(actor=actor, instance=planned, fields=AUDITED_FIELDS, account_id=planned.account_id)
    return planned


@overload
def _aware(actor: User, value: datetime.datetime) -> datetime.datetime: ...


@overload
def _aware(actor: User, value: None) -> None: ...


def _aware(actor: User, value: datetime.datetime | None) -> datetime.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, clock.user_zone(actor))
    return value


@transaction.atomic
def interaction_log(
    *,
    actor: User,
    account: Account,
    kind: str,
    occurred_at: datetime.datetime,
    direction: str = "outbound",
    state: str = InteractionState.DONE,
    subject: str = "",
    summary: str = "",
    sentiment: int | None = None,
    feedback: str = Feedback.NONE,
    duration_minutes: int | None = None,
    contacts: Iterable[Contact] = (),
    users: Iterable[User] = (),
    next_step: str = "",
    next_step_task: dict[str, Any] | None = None,
    next_interaction: dict[str, Any] | None = None,
) -> Interaction:
    """Log a touch with the client, held or planned; its next step may become a task or a planned interaction.

    Nothing is written unless all of it is valid: the interaction, the task and the planned follow-up.
    """
    _check_loggable(actor, account)
    if state not in (InteractionState.DONE, InteractionState.PLANNED):
        raise ValidationError({"state": _("Log an interaction as held or as planned.")})
    contacts = _check_contacts(account, contacts)
    users = _check_users(account, users)
    interaction = Interaction(
        organization_id=account.organization_id,
        account=account,
        kind=kind,
        direction=direction,
        state=state,
        occurred_at=_aware(actor, occurred_at),
        subject=subject,
        summary=summary,
        sentiment=sentiment,
        feedback=feedback,
        duration_minutes=duration_minutes,
        next_step=next_step,
        logged_by=actor,
    )
    full_clean(interaction)
    _check_state_fields(interaction)
    interaction.save()
    interaction.contacts.set(contacts)
    interaction.users.set(users)
    if next_step_task:
        interaction.follow_up_task = _create_next_step_task(actor, interaction, next_step_task)
    if next_interaction:
        interaction.follow_up = _create_next_interaction(actor, interaction, next_interaction)
    if next_step_task or next_interaction:
        interaction.save(update_fields=["follow_up_task", "follow_up", "updated_at"])
    audit_create(
        actor=actor,
        instance=interaction,
        fields=[*AUDITED_FIELDS, "follow_up_task", "follow_up"],
        account_id=account.pk,
    )
    return interaction


@transaction.atomic
def interaction_update(
    *, actor: User, interaction: Interaction, data: dict[str, Any], expected_version: int | None = None
) -> Interaction:
    """Correct a logged interaction; a stale `expected_version` is refused (ConflictError)."""
    _check_loggable(actor, interaction.account)
    data = dict(data)
    if "contacts" in data:
        data["contacts"] = _check_contacts(interaction.account, data["contacts"])
    if "users" in data:
        data["users"] = _check_users(interaction.account, data["users"])
    if "occurred_at" in data:
        data["occurred_at"] = _aware(actor, data["occurred_at"])
    proposed = copy.copy(interaction)
    for name in ("occurred_at", "sentiment", "feedback"):
        if name in data:
            setattr(proposed, name, data[name])
    _check_state_fields(proposed)
    apply_update(
        actor=actor,
        instance=interaction,
        data=data,
        editable=INTERACTION_FIELDS,
        account_id=interaction.account_id,
        expected_version=expected_version,
    )
    return interaction


def _audit_state_move(actor: User, interaction: Interaction, before: dict[str, Any]) -> None:
    """One audit event for a move from planned: the state and whatever else the move changed."""
    after = snapshot(interaction, list(before))
    audit_record(
        actor=actor,
        organization_id=interaction.organization_id,
        action=AuditAction.UPDATE,
        instance=interaction,
        changes=diff(before, after),
        account_id=interaction.account_id,
    )


@transaction.atomic
def interaction_complete(
    *,
    actor: User,
    interaction: Interaction,
    summary: str = "",
    sentiment: int | None = None,
    feedback: str | None = None,
    occurred_at: datetime.datetime | None = None,
    next_step: str | None = None,
    expected_version: int | None = None,
) -> Interaction:
    """Mark a planned interaction as held, with what was said, how it felt and any thanks or complaint.

    It keeps its planned time unless another is given; one held early moves to now.
    """
    _check_loggable(actor, interaction.account)
    if interaction.state != InteractionState.PLANNED:
        raise ValidationError({"state": _("Only a planned interaction can be marked as held.")})
    before = snapshot(interaction, ["state", "occurred_at", "summary", "sentiment", "feedback", "next_step"])
    now = clock.now()
    when = _aware(actor, occurred_at) or min(interaction.occurred_at, now)
    interaction.occurred_at = when
    interaction.summary = summary if summary else interaction.summary
    interaction.sentiment = sentiment
    if feedback is not None:
        interaction.feedback = feedback
    if next_step is not None:
        interaction.next_step = next_step
    interaction.state = InteractionState.DONE
    full_clean(interaction)
    _check_state_fields(interaction)
    claim_version(interaction, expected_version, state=InteractionState.PLANNED)
    interaction.save()
    _audit_state_move(actor, interaction, before)
    return interaction


@transaction.atomic
def interaction_cancel(*, actor: User, interaction: Interaction, expected_version: int | None = None) -> Interaction:
    """Call off a planned interaction; it stays in the log as cancelled."""
    _check_loggable(actor, interaction.account)
    if interaction.state != InteractionState.PLANNED:
        raise ValidationError({"state": _("Only a planned interaction can be cancelled.")})
    before = snapshot(interaction, ["state"])
    claim_version(interaction, expected_version, state=InteractionState.PLANNED)
    interaction.state = InteractionState.CANCELLED
    interaction.save()
    _audit_state_move(actor, interaction, before)
    return interaction


@transaction.atomic
def interaction_delete(*, actor: User, interaction: Interaction) -> None:
    """Remove an interaction logged by mistake (a call that did not happen is cancelled instead)."""
    _check_loggable(actor, interaction.account)
    audit_delete(
        actor=actor,
        instance=interaction,
        fields=["account", "kind", "state", "occurred_at", "subject"],
        account_id=interaction.account_id,
    )
    interaction.delete()
