"""REST API of client requests and their triage: accept into tasks, reject with a reason, or quote as
extra work, and the client's answer to a quote."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from keyaccount.contacts.models import Contact
from keyaccount.contacts.selectors import contacts_visible_to
from keyaccount.core.api import ScopedPrimaryKeyRelatedField, ServiceViewSetMixin, VersionedSerializerMixin
from keyaccount.core.money import Currency
from keyaccount.tenancy.actors import AuthenticatedRequest
from keyaccount.work import services
from keyaccount.work.api.common import (
    ACCOUNT_SCOPE,
    COLLEAGUE_SCOPE,
    CONFLICT,
    PROJECT_SCOPE,
    VERSION_HELP,
    ActorDateTimeField,
    WorkSerializer,
)
from keyaccount.work.filtersets import RequestFilterSet
from keyaccount.work.models import RejectReason, Request, TaskPriority
from keyaccount.work.selectors import requests_visible_to


class RequestSerializer(VersionedSerializerMixin, WorkSerializer):
    """A client's wish as it arrived. It is triaged with `POST /api/v1/requests/{id}/triage/`."""

    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    contact = ScopedPrimaryKeyRelatedField(
        model=Contact,
        scope=contacts_visible_to,
        allow_null=True,
        required=False,
        help_text=_("Who asked: a contact of the account."),
    )
    project = ScopedPrimaryKeyRelatedField(**PROJECT_SCOPE, allow_null=True, required=False)
    received_at = ActorDateTimeField(
        required=False, help_text=_("When it arrived (default: now). A time without a zone is read in yours.")
    )
    response_met = serializers.BooleanField(
        read_only=True, allow_null=True, help_text=_("Triaged within the target; null while waiting.")
    )
    over_target = serializers.BooleanField(
        read_only=True, help_text=_("Still waiting for triage after the answer was due.")
    )
    tasks: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("Tasks made from it.")
    )
    create_only_fields = {"account": _("A request stays with its account.")}

    class Meta:
        model = Request
        fields = [
            "id",
            "account",
            "channel",
            "text",
            "contact",
            "project",
            "received_at",
            "logged_by",
            "status",
            "response_due_at",
            "response_met",
            "over_target",
            "triaged_at",
            "triaged_by",
            "reject_reason",
            "explanation",
            "quote_amount",
            "quote_currency",
            "quote_accepted",
            "tasks",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "logged_by",
            "status",
            "response_due_at",
            "triaged_at",
            "triaged_by",
            "reject_reason",
            "explanation",
            "quote_amount",
            "quote_currency",
            "quote_accepted",
            "created_at",
            "updated_at",
        ]


class TaskSpecSerializer(serializers.Serializer):
    """A task to create from a request."""

    title = serializers.CharField(max_length=200)
    assignee = ScopedPrimaryKeyRelatedField(**COLLEAGUE_SCOPE, allow_null=True, required=False)
    due_at = ActorDateTimeField(allow_null=True, required=False)
    priority = serializers.ChoiceField(choices=TaskPriority.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    expected_result = serializers.CharField(required=False, allow_blank=True)
    project = ScopedPrimaryKeyRelatedField(
        **PROJECT_SCOPE, allow_null=True, required=False, help_text=_("Defaults to the request's project.")
    )
    checklist = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, help_text=_("Titles of checklist steps.")
    )


class TriageInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[(d, d) for d in services.Decision.ALL])
    reason = serializers.ChoiceField(
        choices=RejectReason.choices, required=False, allow_blank=True, help_text=_("Required to reject.")
    )
    explanation = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Required to reject: what to tell the client.")
    )
    quote_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, help_text=_("Required to quote.")
    )
    quote_currency = serializers.ChoiceField(
        choices=Currency.choices, required=False, allow_blank=True, help_text=_("Defaults to the account's.")
    )
    tasks = TaskSpecSerializer(many=True, required=False, help_text=_("To accept: at least one task."))
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class QuoteAnswerInputSerializer(serializers.Serializer):
    accepted = serializers.BooleanField(help_text=_("The client's answer to the quote."))
    tasks = TaskSpecSerializer(many=True, required=False, help_text=_("On a yes: tasks to create right away."))
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


@extend_schema(tags=["work"])
@extend_schema_view(update=extend_schema(responses={200: RequestSerializer, 409: CONFLICT}))
class RequestViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Client requests of the accounts the signed-in user works on, newest first. Only a request waiting
    for triage can be deleted (one logged by mistake)."""

    serializer_class = RequestSerializer
    filterset_class = RequestFilterSet
    search_fields = ["text"]
    ordering_fields = ["received_at", "response_due_at", "status", "created_at"]
    ordering = ["-received_at", "-id"]
    capabilities = {
        "create": "manage_requests",
        "update": "manage_requests",
        "destroy": "manage_requests",
        "triage": "manage_requests",
        "quote_answer": "manage_requests",
    }
    selector = requests_visible_to
    services = {
        "create": services.request_log,
        "update": services.request_update,
        "delete": services.request_delete,
    }

    @extend_schema(
        request=TriageInputSerializer,
        responses={200: RequestSerializer, 409: CONFLICT},
        summary="Triage a request: accept into tasks, reject with a reason, or quote as extra work",
        description="A request is triaged once. `accept` needs `tasks` (at least one); `reject` needs `reason` "
        "and `explanation`; `quote` needs a positive `quote_amount` (currency defaults to the account's).",
    )
    @action(detail=True, methods=["post"], url_path="triage", serializer_class=TriageInputSerializer)
    def triage(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        target = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        services.request_triage(
            actor=request.user,
            request=target,
            decision=data["decision"],
            reason=data.get("reason", ""),
            explanation=data.get("explanation", ""),
            quote_amount=data.get("quote_amount"),
            quote_currency=data.get("quote_currency", ""),
            tasks=[dict(t) for t in data.get("tasks", [])],
            expected_version=data.get("version"),
        )
        return self.fresh_response(target, RequestSerializer)

    @extend_schema(
        request=QuoteAnswerInputSerializer,
        responses={200: RequestSerializer, 409: CONFLICT},
        summary="Record the client's yes or no to a quote",
    )
    @action(detail=True, methods=["post"], url_path="quote-answer", serializer_class=QuoteAnswerInputSerializer)
    def quote_answer(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        target = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.request_quote_answer(
            actor=request.user,
            request=target,
            accepted=data["accepted"],
            tasks=[dict(t) for t in data.get("tasks", [])],
            expected_version=data.get("version"),
        )
        return self.fresh_response(target, RequestSerializer)
