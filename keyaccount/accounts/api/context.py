"""REST API of the client context: the forces driving the client's market and their business goal over time."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from keyaccount.accounts import services
from keyaccount.accounts.api.common import ACCOUNT_SCOPE, AccountRecordFilterSet
from keyaccount.accounts.models import BusinessGoalRevision, DrivingForce, ForceKind, Impact
from keyaccount.accounts.selectors import driving_forces_visible_to, goal_revisions_visible_to
from keyaccount.core.api import ScopedPrimaryKeyRelatedField, ServiceModelSerializer, ServiceViewSetMixin


class DrivingForceFilterSet(AccountRecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ForceKind.choices, label=_("Force"))
    impact = django_filters.ChoiceFilter(choices=Impact.choices, label=_("Impact"))

    class Meta:
        model = DrivingForce
        fields = ["account", "kind", "impact"]


class DrivingForceSerializer(ServiceModelSerializer):
    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    create_only_fields = {"account": _("A record stays with its account.")}

    class Meta:
        model = DrivingForce
        fields = ["id", "account", "kind", "subject", "change", "impact", "noted_on", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


@extend_schema(tags=["client context"])
class DrivingForceViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Changes in the client's market (suppliers, customers, competitors, substitutes) and their impact."""

    serializer_class = DrivingForceSerializer
    filterset_class = DrivingForceFilterSet
    search_fields = ["subject", "change"]
    ordering_fields = ["kind", "noted_on", "created_at"]
    ordering = ["kind", "-noted_on", "-id"]
    capabilities = {"create": "edit_account", "update": "edit_account", "destroy": "edit_account"}
    selector = driving_forces_visible_to
    services = {
        "create": services.driving_force_create,
        "update": services.driving_force_update,
        "delete": services.driving_force_delete,
    }
    object_kwarg = "force"


class GoalRevisionFilterSet(AccountRecordFilterSet):
    class Meta:
        model = BusinessGoalRevision
        fields = ["account"]


class GoalRevisionSerializer(ServiceModelSerializer):
    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    create_only_fields = {"account": _("A record stays with its account.")}

    class Meta:
        model = BusinessGoalRevision
        fields = ["id", "account", "goal", "revised_on", "author", "created_at"]
        read_only_fields = ["author", "created_at"]
        extra_kwargs = {"revised_on": {"required": False, "help_text": _("Defaults to today.")}}


@extend_schema(tags=["client context"])
class GoalRevisionViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The client's business goal over time; the latest revision is the current goal."""

    serializer_class = GoalRevisionSerializer
    filterset_class = GoalRevisionFilterSet
    search_fields = ["goal"]
    ordering_fields = ["revised_on", "created_at"]
    ordering = ["-revised_on", "-id"]
    capabilities = {"create": "edit_account", "update": "edit_account", "destroy": "edit_account"}
    selector = goal_revisions_visible_to
    services = {
        "create": services.goal_revise,
        "update": services.goal_revision_update,
        "delete": services.goal_revision_delete,
    }
    object_kwarg = "revision"
