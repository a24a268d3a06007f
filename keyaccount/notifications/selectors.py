"""Reads of notifications: each person sees only their own, in their organization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from keyaccount.notifications.models import Notification, NotificationKind, NotificationPreference
from keyaccount.tenancy.actors import Actor
from keyaccount.tenancy.permissions import membership_of

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


def notifications_visible_to(actor: Actor) -> QuerySet[Notification]:
    """The actor's own notifications, newest first (nobody reads anyone else's, heads included)."""
    membership = membership_of(actor)
    if membership is None:
        return Notification.objects.none()
    return Notification.objects.filter(organization_id=membership.organization_id, recipient_id=membership.user_id)


def notification_get_for(actor: Actor, pk: int | str) -> Notification:
    """One of the actor's notifications or 404."""
    try:
        return notifications_visible_to(actor).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unread_count(actor: Actor) -> int:
    """How many of the actor's notifications are unread: one COUNT on the (organization, recipient, read_at) index."""
    return notifications_visible_to(actor).filter(read_at__isnull=True).count()


def notification_preferences_of(user: User) -> dict[str, bool]:
    """Every kind with the person's email choice (on unless turned off), in the kinds' order."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, True) for kind in NotificationKind.values}
