"""REST API of the communications log and of the contacts due by their cadence.

Writes go to `keyaccount.comms.services` with the signed-in user as the actor; querysets come from
`keyaccount.comms.selectors`. A time sent without a zone is read in the person's own time zone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.comms import services
from keyaccount.comms.filtersets import DueContactFilterSet, InteractionFilterSet
from keyaccount.comms.models import Feedback, Interaction, InteractionKind, InteractionState
from keyaccount.comms.selectors import cadence_of, contacts_due, interactions_visible_to
from keyaccount.contacts.models import Contact
from keyaccount.contacts.selectors import contacts_visible_to
from keyaccount.core import clock
from keyaccount.core.api import (
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
    VersionedSerializerMixin,
    actor_of,
)
from keyaccount.tenancy.actors import AuthenticatedRequest
from keyaccount.tenancy.models import User
from keyaccount.tenancy.selectors import team_candidates

CONFLICT = OpenApiResponse(description="Someone else saved the interaction first (stale `version`); nothing changed.")


class ActorDateTimeField(serializers.DateTimeField):
    """ISO 8601; a time without a zone is read in the signed-in person's own time zone (their profile)."""

    def default_timezone(self) -> datetime.tzinfo:  # type: ignore[override]  # DRF returns a tzinfo; the stubs say str
        return clock.user_zone(actor_of(self))


class NextStepTaskSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=_("Defaults to the next step.")
    )
    assignee = ScopedPrimaryKeyRelatedField(
        model=User, scope=team_candidates, allow_null=True, required=False, help_text=_("A colleague (user id).")
    )
    due_at = ActorDateTimeField(allow_null=True, required=False)


class NextInteractionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InteractionKind.choices)
    occurred_at = ActorDateTimeField(help_text=_("When the next interaction is planned."))
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)


class InteractionSerializer(VersionedSerializerMixin, ServiceModelSerializer):
    """A touch with the client, held or planned. `state` is set on creation (`done` or `planned`); a planned
    one is later held (`POST …/complete/`) or cancelled (`POST …/cancel/`)."""

    account = ScopedPrimaryKeyRelatedField(model=Account, scope=accounts_visible_to)
    state = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in (InteractionState.DONE, InteractionState.PLANNED)],
        required=False,
        help_text=_("`done` (default) for one that happened, `planned` for one to come."),
    )
    occurred_at = ActorDateTimeField(help_text=_("When it happened or is planned (ISO 8601)."))
    contacts = ScopedPrimaryKeyRelatedField(
        model=Contact,
        scope=contacts_visible_to,
        many=True,
        required=False,
        help_text=_("Client participants: contacts of the account (ids)."),
    )
    users = ScopedPrimaryKeyRelatedField(
        model=User,
        scope=team_candidates,
        many=True,
        required=False,
        help_text=_("Our participants: colleagues (user ids)."),
    )
    next_step_task = NextStepTaskSerializer(
        write_only=True, required=False, help_text=_("Creates a task for the next step, on the same account.")
    )
    next_interaction = NextInteractionSerializer(
        write_only=True, required=False, help_text=_("Plans the next interaction with the same people.")
    )
    create_only_fields = {
        "account": _("An interaction's account does not change; log it on the right account instead."),
        "state": _("Mark a planned interaction held with POST …/complete/ or cancel it with POST …/cancel/."),
    }

    class Meta:
        model = Interaction
        fields = [
            "id",
            "account",
            "kind",
            "direction",
            "state",
            "occurred_at",
            "duration_minutes",
            "subject",
            "summary",
            "sentiment",
            "feedback",
            "contacts",
            "users",
            "next_step",
            "next_step_task",
            "next_interaction",
            "follow_up_task",
            "follow_up",
            "logged_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["follow_up_task", "follow_up", "logged_by", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is not None:
            errors = {
                name: _("Only when logging an interaction.")
                for name in ("next_step_task", "next_interaction")
                if name in attrs
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class CompleteInputSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, help_text=_("What was said."))
    sentiment = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("−2 (very negative) to +2 (very positive).")
    )
    feedback = serializers.ChoiceField(
        choices=Feedback.choices,
        required=False,
        help_text=_("`thanks` or `complaint` when the client expressed one; `none` otherwise."),
    )
    occurred_at = ActorDateTimeField(required=False, help_text=_("When it was held; defaults to the planned time."))
    next_step = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text=_("The version you read."))


class CancelInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, help_text=_("The version you read."))


@extend_schema(tags=["interactions"])
@extend_schema_view(
    update=extend_schema(responses={200: InteractionSerializer, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: InteractionSerializer, 409: CONFLICT}),
)
class InteractionViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The communications log of the accounts the signed-in person sees: calls, meetings, emails, messages,
    events and notes, held or planned. `?mine=true` keeps those they logged or took part in."""

    serializer_class = InteractionSerializer
    filterset_class = InteractionFilterSet
    search_fields = ["subject", "summary", "next_step"]
    ordering_fields = ["occurred_at", "created_at", "updated_at", "sentiment"]
    ordering = ["-occurred_at", "-id"]
    capabilities = {
        "create": "log_interactions",
        "update": "log_interactions",
        "destroy": "log_interactions",
        "complete": "log_interactions",
        "cancel": "log_interactions",
    }
    selector = interactions_visible_to
    services = {
        "create": services.interaction_log,
        "update": services.interaction_update,
        "delete": services.interaction_delete,
    }

    @extend_schema(request=CompleteInputSerializer, responses={200: InteractionSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def complete(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Mark a planned interaction as held, with the summary and sentiment; refused (400) unless planned."""
        interaction = self.get_object()
        payload = CompleteInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        version = data.pop("version", None)
        services.interaction_complete(actor=request.user, interaction=interaction, expected_version=version, **data)
        return self.fresh_response(interaction, InteractionSerializer)

    @extend_schema(request=CancelInputSerializer, responses={200: InteractionSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def cancel(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Call off a planned interaction; it stays in the log as cancelled. Refused (400) unless planned."""
        interaction = self.get_object()
        payload = CancelInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.interaction_cancel(
            actor=request.user, interaction=interaction, expected_version=payload.validated_data.get("version")
        )
        return self.fresh_response(interaction, InteractionSerializer)


# --- contacts due by cadence ------------------------------------------------------------------------


class DueContactSerializer(serializers.ModelSerializer):
    """A person due to be contacted: never touched, or last touched a cadence ago or more."""

    account_name = serializers.CharField(source="account.name", read_only=True)
    cadence_days = serializers.IntegerField(
        source="cadence",
        read_only=True,
        help_text=_("Effective: the contact's, else the account's, else the organization's."),
    )
    last_touch_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("The latest held interaction with them; null if never.")
    )
    due_on = serializers.SerializerMethodField(help_text=_("Null when they were never contacted (due now)."))
    days_overdue = serializers.SerializerMethodField(help_text=_("Null when they were never contacted."))

    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "title",
            "account",
            "account_name",
            "preferred_channel",
            "cadence_days",
            "last_touch_at",
            "due_on",
            "days_overdue",
        ]
        read_only_fields = fields

    def _cadence(self, contact: Contact) -> Contact:
        if not hasattr(contact, "is_due"):
            actor = actor_of(self)
            zone = clock.user_zone(actor)
            cadence_of(contact, timezone.localdate(timezone=zone), zone)
        return contact

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_due_on(self, contact: Contact) -> datetime.date | None:
        return self._cadence(contact).due_on  # type: ignore[attr-defined]  # set by with_cadence()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_overdue(self, contact: Contact) -> int | None:
        return self._cadence(contact).days_overdue  # type: ignore[attr-defined]  # set by with_cadence()


@extend_schema(tags=["interactions"])
class DueContactViewSet(ServiceViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Contacts due today by their cadence, most overdue first (never-contacted people first of all).

    Only people still at the company, on accounts the signed-in person sees and may log interactions on.
    """

    serializer_class = DueContactSerializer
    filterset_class = DueContactFilterSet
    search_fields = ["name", "email", "title"]
    ordering_fields = ["name"]
    ordering = None
    selector = contacts_due
