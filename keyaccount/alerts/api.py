"""REST API of alerts and playbooks.

`/api/v1/health-alerts/`: the alerts of the accounts the person sees (admins and heads: the whole
organization; account managers and assistants: their accounts), open first; `POST {id}/close/` with
an outcome closes one (the account manager or a head). `/api/v1/playbooks/`: the organization's
playbooks, read by the same people and changed by admins and heads; `steps` is replaced as a whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from keyaccount.alerts import selectors, services
from keyaccount.alerts.filtersets import AlertFilterSet
from keyaccount.alerts.forms import colleagues
from keyaccount.alerts.models import Alert, AlertOutcome, Playbook, PlaybookStep
from keyaccount.alerts.text import describe
from keyaccount.core.api import (
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
    VersionedSerializerMixin,
)
from keyaccount.tenancy.models import User
from keyaccount.tenancy.permissions import can, membership_of

if TYPE_CHECKING:
    from keyaccount.tenancy.actors import AuthenticatedRequest

API_PATHS: list[Any] = []


# --- alerts ------------------------------------------------------------------------------------------


class AlertTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="task.id", read_only=True)
    title = serializers.CharField(source="task.title", read_only=True)
    status = serializers.CharField(source="task.status", read_only=True)
    due_at = serializers.DateTimeField(source="task.due_at", read_only=True, allow_null=True)
    assignee = serializers.IntegerField(source="task.assignee_id", read_only=True, allow_null=True)
    assignee_name = serializers.SerializerMethodField()

    def get_assignee_name(self, link: Any) -> str:
        assignee = link.task.assignee
        return assignee.get_full_name() if assignee is not None else ""


class AlertSerializer(serializers.ModelSerializer):
    """An alert: the rule and what it is about, the health when raised, the facts in plain words
    (`message`), the playbook's tasks and, once closed, its outcome."""

    account_name = serializers.CharField(source="account.name", read_only=True)
    owner = serializers.IntegerField(source="account.owner_id", read_only=True, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    message = serializers.SerializerMethodField(help_text=_("What happened, in plain words."))
    tasks = AlertTaskSerializer(source="alert_tasks", many=True, read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "account",
            "account_name",
            "owner",
            "owner_name",
            "rule",
            "key",
            "status",
            "raised_on",
            "band",
            "score",
            "previous_band",
            "previous_score",
            "facts",
            "message",
            "tasks",
            "outcome",
            "note",
            "closed_at",
            "closed_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_owner_name(self, alert: Alert) -> str:
        owner = alert.account.owner
        return owner.get_full_name() if owner is not None else ""

    def get_message(self, alert: Alert) -> str:
        return describe(alert.rule, alert.key, alert.facts)


class AlertCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AlertOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Required for “other”."))


@extend_schema(tags=["health"])
@extend_schema_view(
    list=extend_schema(summary="Health alerts, open first"),
    retrieve=extend_schema(summary="One health alert with its tasks"),
)
class AlertViewSet(ServiceViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Alerts raised when an account's health takes a turn (band drop, a measure below its threshold,
    champion left, renewal ahead), open first then the newest; filter by `status`, `rule`, `owner`,
    `account`, `band`, `outcome`. Specialists, sales and clients see none."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet
    ordering_fields = ["created_at", "raised_on", "score"]
    capabilities = {"close": "close_alerts"}
    selector = selectors.alerts_visible_to

    @extend_schema(request=AlertCloseSerializer, responses=AlertSerializer, summary="Close an alert with an outcome")
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Close an open alert: `outcome` resolved, false_alarm, churned or other (with a `note`)."""
        alert = self.get_object()
        payload = AlertCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.alert_close(actor=request.user, alert=alert, **payload.validated_data)
        return self.fresh_response(alert, AlertSerializer)


# --- playbooks ---------------------------------------------------------------------------------------


def _colleagues(actor: Any) -> Any:
    return colleagues(actor)


class PlaybookStepSerializer(serializers.ModelSerializer):
    assignee = ScopedPrimaryKeyRelatedField(
        model=User,
        scope=_colleagues,
        required=False,
        allow_null=True,
        help_text=_("A colleague's user id; null for the account's owner."),
    )
    days_until_due = serializers.IntegerField(min_value=0, max_value=365, required=False, default=3)

    class Meta:
        model = PlaybookStep
        fields = ["title", "days_until_due", "assignee"]


class PlaybookSerializer(VersionedSerializerMixin, ServiceModelSerializer):
    """A rule's playbook: the tasks its alerts set, in order."""

    steps = PlaybookStepSerializer(many=True, required=False)
    name = serializers.CharField(max_length=120, required=False, help_text=_("Default: the rule's name."))
    create_only_fields = {
        "rule": _("A playbook keeps its rule; create another playbook."),
        "band": _("A playbook keeps its band; create another playbook."),
    }

    class Meta:
        model = Playbook
        fields = ["id", "rule", "band", "name", "steps", "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness of (organization, rule, band) is the service's to check, with the field named.
        validators: list[Any] = []


def _steps(data: dict[str, Any]) -> None:
    if "steps" in data:
        data["steps"] = [dict(step) for step in data["steps"]]


@extend_schema(tags=["health"])
class PlaybookViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The organization's playbooks: per rule (and, optionally, the account's band) the tasks an alert
    sets. Everyone who sees alerts reads them; admins and heads change them. An organization gets the
    defaults on first use."""

    serializer_class = PlaybookSerializer
    filter_backends: list[Any] = []
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]
    capabilities = {"create": "manage_playbooks", "update": "manage_playbooks", "destroy": "manage_playbooks"}
    selector = selectors.playbooks_visible_to
    services = {
        "create": services.playbook_create,
        "update": services.playbook_update,
        "delete": services.playbook_delete,
    }

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = membership_of(request.user)
        if membership is not None and can(request.user, "manage_playbooks"):
            services.playbook_ensure_defaults(membership.organization_id)
        return super().list(request, *args, **kwargs)

    def create_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        _steps(data)
        return data

    def update_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        _steps(data)
        return {"data": data}


def register(router: Any) -> None:
    router.register("health-alerts", AlertViewSet, basename="health-alert")
    router.register("playbooks", PlaybookViewSet, basename="playbook")
