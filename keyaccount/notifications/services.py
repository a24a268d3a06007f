"""Telling people what needs them: in-app notifications, their read state, and who wants them by email."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from keyaccount.core import clock
from keyaccount.core.tasks import enqueue_with_change
from keyaccount.notifications.models import Notification, NotificationKind, NotificationPreference
from keyaccount.notifications.selectors import notification_preferences_of
from keyaccount.tenancy.permissions import membership_of

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


def wants_email(user: User, kind: str) -> bool:
    """Email is on unless the person turned it off for this kind."""
    choice = NotificationPreference.objects.filter(user=user, kind=kind).values_list("email", flat=True).first()
    return True if choice is None else choice


@transaction.atomic
def notify(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    subject: models.Model | None = None,
    url: str = "",
) -> Notification | None:
    """Tell `recipient` about `subject`: an in-app notification, and an email when they want one.

    Written by the system (jobs, other services), so there is no actor. A person without an active
    membership gets nothing; the email job is stored with the notification and never outlives a rollback.
    """
    if kind not in NotificationKind.values:
        raise ValidationError({"kind": _("Choose a valid kind.")})
    membership = membership_of(recipient)
    if membership is None:
        return None
    if (
        subject is not None
        and getattr(subject, "organization_id", membership.organization_id) != membership.organization_id
    ):
        return None  # never tell anyone about another organization's record
    notification = Notification.objects.create(
        organization_id=membership.organization_id,
        recipient=recipient,
        kind=kind,
        title=str(title)[:255],
        body=str(body),
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        subject_title=str(subject)[:255] if subject is not None else "",
        url=url[:500],
    )
    if recipient.email and wants_email(recipient, kind):
        from keyaccount.notifications.tasks import send_notification_email

        enqueue_with_change(send_notification_email, notification.pk)
    return notification


def _own(actor: User, notification: Notification) -> None:
    membership = membership_of(actor)
    if membership is None or notification.recipient_id != actor.pk:
        raise PermissionDenied(_("This notification is not yours."))


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """The person has seen it; reading it again keeps the first time."""
    _own(actor, notification)
    if notification.read_at is None:
        now = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now, updated_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    """Everything unread of the person becomes read; returns how many."""
    membership = membership_of(actor)
    if membership is None:
        raise PermissionDenied(_("You are not a member of an organization."))
    now = clock.now()
    return Notification.objects.filter(
        organization_id=membership.organization_id, recipient=actor, read_at__isnull=True
    ).update(read_at=now, updated_at=now)


@transaction.atomic
def notification_preferences_set(*, actor: User, email: dict[str, bool]) -> dict[str, bool]:
    """The person chooses, per kind, whether to get an email too; kinds left out keep their choice."""
    if membership_of(actor) is None:
        raise PermissionDenied(_("You are not a member of an organization."))
    unknown = sorted(set(email) - set(NotificationKind.values))
    if unknown:
        raise ValidationError({"kind": _("Unknown kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}})
    for kind, on in email.items():
        NotificationPreference.objects.update_or_create(user=actor, kind=kind, defaults={"email": bool(on)})
    return notification_preferences_of(actor)
