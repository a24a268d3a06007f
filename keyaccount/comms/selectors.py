"""Reads of the communications log, the contact cadence and the account timeline, through the actor's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Model,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst

from keyaccount.accounts.models import AccountStatus
from keyaccount.accounts.selectors import audit_events_visible_to
from keyaccount.comms.models import Interaction, InteractionState
from keyaccount.contacts.models import Contact
from keyaccount.core import clock
from keyaccount.core.models import AuditEvent
from keyaccount.tenancy.actors import Actor
from keyaccount.tenancy.permissions import can, scoped_to_accounts_q, visible_contacts_q, visible_tasks_q

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User


# --- interactions -----------------------------------------------------------------------------------


def interactions_visible_to(actor: Actor) -> QuerySet[Interaction]:
    """Interactions of the accounts the actor sees, with what a list shows, in a constant number of queries."""
    return (
        Interaction.objects.filter(scoped_to_accounts_q(actor, "see_interactions"))
        .select_related("account", "logged_by", "follow_up_task", "follow_up")
        .prefetch_related("contacts", "users")
    )


def interaction_get_for(actor: Actor, pk: int | str) -> Interaction:
    """One visible interaction or 404 (another organization's id answers exactly like a missing one)."""
    try:
        return interactions_visible_to(actor).get(pk=pk)
    except (Interaction.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def interactions_loggable_by(actor: Actor) -> QuerySet[Interaction]:
    """Interactions the actor may change: those of accounts where they may log interactions."""
    from keyaccount.tenancy.permissions import editable_accounts_q

    return Interaction.objects.filter(editable_accounts_q(actor, "log_interactions", "account__"))


# --- cadence ----------------------------------------------------------------------------------------


def with_cadence(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """Annotate each contact with `cadence` (effective, in days), `last_touch_at` and `next_touch_at`.

    The effective cadence is the contact's own, else the account's default, else the organization's.
    The last touch is the latest held interaction the contact took part in (any account, same organization).
    One query, whatever the number of contacts.
    """
    return contacts.annotate(
        cadence=Coalesce(
            "cadence_days", "account__cadence_days", "organization__default_cadence_days", output_field=IntegerField()
        ),
        last_touch_at=Max("interactions__occurred_at", filter=Q(interactions__state=InteractionState.DONE)),
    ).annotate(
        next_touch_at=ExpressionWrapper(
            F("last_touch_at") + ExpressionWrapper(F("cadence") * datetime.timedelta(days=1), DurationField()),
            output_field=DateTimeField(),
        )
    )


def _midnight(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def cadence_of(contact: Contact, today: datetime.date, zone: datetime.tzinfo) -> None:
    """Set `due_on` and `days_overdue` on a contact annotated by `with_cadence`.

    Due on = the date of the last touch (in the actor's zone) + the cadence; never touched = due now
    (`due_on` and `days_overdue` None). Negative `days_overdue` means days left.
    """
    last = getattr(contact, "last_touch_at", None)
    if last is None:
        contact.due_on = None  # type: ignore[attr-defined]  # the cadence, for pages and the API
        contact.days_overdue = None  # type: ignore[attr-defined]  # the cadence, for pages and the API
        contact.is_due = True  # type: ignore[attr-defined]  # the cadence, for pages and the API
        return
    due_on = timezone.localtime(last, zone).date() + datetime.timedelta(days=contact.cadence)  # type: ignore[attr-defined]  # the cadence, for pages and the API
    contact.due_on = due_on  # type: ignore[attr-defined]  # the cadence, for pages and the API
    contact.days_overdue = (today - due_on).days  # type: ignore[attr-defined]  # the cadence, for pages and the API
    contact.is_due = due_on <= today  # type: ignore[attr-defined]  # the cadence, for pages and the API


def contacts_with_cadence(actor: Actor) -> QuerySet[Contact]:
    """Contacts the actor may keep in touch with, annotated with their cadence and last touch."""
    if not can(actor, "log_interactions"):
        return with_cadence(Contact.objects.none())
    return with_cadence(Contact.objects.filter(visible_contacts_q(actor)).select_related("account"))


def contacts_due(actor: Actor, today: datetime.date | None = None) -> QuerySet[Contact]:
    """Contacts due to be contacted today by their cadence: never touched, or last touched a cadence ago or more.

    Only people still at the company, of accounts the actor sees that are not churned. Most overdue first,
    never-touched first of all. Call `cadence_of(contact, today, zone)` (or use `due_rows`) for the days.
    """
    zone = clock.user_zone(actor)
    today = today or timezone.localdate(timezone=zone)
    tomorrow = _midnight(today + datetime.timedelta(days=1), zone)
    return (
        contacts_with_cadence(actor)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .exclude(account__status=AccountStatus.CHURNED)
        .filter(Q(last_touch_at__isnull=True) | Q(next_touch_at__lt=tomorrow))
        .order_by(F("next_touch_at").asc(nulls_first=True), "name", "pk")
    )


def due_rows(actor: Actor, contacts: Any, today: datetime.date | None = None) -> list[Contact]:
    """The contacts (a page or a list) with `due_on`, `days_overdue` and `is_due` set for the actor's today."""
    zone = clock.user_zone(actor)
    today = today or timezone.localdate(timezone=zone)
    rows = list(contacts)
    for contact in rows:
        cadence_of(contact, today, zone)
    return rows


# --- the account timeline ---------------------------------------------------------------------------

TIMELINE_KINDS = ("interaction", "request", "task", "change")
# Records shown as their own timeline entries; their audit events would repeat them.
_OWN_ENTRIES = {"comms.interaction", "work.request", "work.task"}


@dataclass
class TimelineEntry:
    """One line of the account's timeline: what happened when, and the record behind it."""

    kind: str  # interaction, request, task or change
    at: datetime.datetime
    obj: Any
    event: str = ""  # for tasks: "created" or "done"
    changes: list[dict[str, Any]] | None = None
    url: str = ""  # the record's page, set by the view

    @property
    def sort_key(self) -> tuple[datetime.datetime, int]:
        return (self.at, getattr(self.obj, "pk", 0) or 0)


def account_timeline(
    actor: User, account: Account, kinds: list[str] | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """Interactions, client requests, tasks (created and done) and changes of the account, newest first.

    Each source is read through the actor's scope and cut at `limit`, so the page runs a constant
    number of queries however long the account's history is.
    """
    from keyaccount.work.models import Request, Task

    wanted = set(kinds or TIMELINE_KINDS) & set(TIMELINE_KINDS)
    entries: list[TimelineEntry] = []
    if "interaction" in wanted:
        interactions = (
            Interaction.objects.filter(scoped_to_accounts_q(actor, "see_interactions"), account_id=account.pk)
            .select_related("logged_by")
            .prefetch_related("contacts")
            .order_by("-occurred_at", "-pk")[:limit]
        )
        entries += [TimelineEntry("interaction", i.occurred_at, i) for i in interactions]
    if "request" in wanted:
        requests = (
            Request.objects.filter(scoped_to_accounts_q(actor, "see_requests"), account_id=account.pk)
            .select_related("contact")
            .order_by("-received_at", "-pk")[:limit]
        )
        entries += [TimelineEntry("request", r.received_at, r) for r in requests]
    if "task" in wanted:
        tasks = Task.objects.filter(visible_tasks_q(actor), account_id=account.pk).select_related("assignee")
        entries += [TimelineEntry("task", t.created_at, t, "created") for t in tasks.order_by("-created_at")[:limit]]
        done = tasks.filter(completed_at__isnull=False).order_by("-completed_at")[:limit]
        entries += [TimelineEntry("task", t.completed_at, t, "done") for t in done]  # type: ignore[arg-type]  # done tasks have completed_at
    if "change" in wanted:
        events = audit_events_visible_to(actor).filter(account_id=account.pk).exclude(object_type__in=_OWN_ENTRIES)
        entries += [
            TimelineEntry("change", e.created_at, e, event=_what_changed(e), changes=_changed_fields(e))
            for e in events[:limit]
        ]
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries[:limit]


def planned_interactions(actor: Actor) -> QuerySet[Interaction]:
    """Planned interactions the actor sees, soonest first."""
    return interactions_visible_to(actor).filter(state=InteractionState.PLANNED).order_by("occurred_at", "pk")


def _model_of(event: AuditEvent) -> type[Model] | None:
    try:
        return apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return None


def _what_changed(event: AuditEvent) -> str:
    model = _model_of(event)
    return str(model._meta.verbose_name) if model else event.object_type


def _changed_fields(event: AuditEvent) -> list[dict[str, Any]]:
    """The names of the fields an event changed, as people read them (the history section has the values)."""
    model = _model_of(event)
    names = []
    for name in event.changes or {}:
        try:
            label = model._meta.get_field(name).verbose_name if model else name  # type: ignore[union-attr]  # concrete fields of a known model
        except FieldDoesNotExist:
            label = name.replace("_", " ")
        names.append({"field": capfirst(str(label))})
    return names
