"""REST API of projects (engagements) and their measurable goals."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from keyaccount.core.api import ScopedPrimaryKeyRelatedField, ServiceViewSetMixin, VersionedSerializerMixin, actor_of
from keyaccount.tenancy.permissions import can
from keyaccount.work import services
from keyaccount.work.api.common import ACCOUNT_SCOPE, COLLEAGUE_SCOPE, CONFLICT, PROJECT_SCOPE, WorkSerializer
from keyaccount.work.filtersets import ProjectFilterSet, ProjectGoalFilterSet
from keyaccount.work.models import Project, ProjectGoal, Service
from keyaccount.work.selectors import project_goals_visible_to, projects_visible_to, services_of


class ProjectSerializer(VersionedSerializerMixin, WorkSerializer):
    """An engagement: service, stage, budget (hidden as null from roles that see no money), scope, dates, team."""

    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    service = ScopedPrimaryKeyRelatedField(model=Service, scope=services_of, allow_null=True, required=False)
    team = ScopedPrimaryKeyRelatedField(
        **COLLEAGUE_SCOPE, many=True, required=False, help_text=_("User ids of our people on the project.")
    )
    goals: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("Ids of the project's goals.")
    )
    create_only_fields = {"account": _("A project stays with its account.")}

    class Meta:
        model = Project
        fields = [
            "id",
            "account",
            "service",
            "name",
            "stage",
            "budget",
            "currency",
            "scope",
            "starts_on",
            "ends_on",
            "team",
            "goals",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "budget": {"help_text": _("A decimal string in the project's currency; null for roles that see no money.")},
            "currency": {"required": False, "help_text": _("Defaults to the account's currency.")},
        }

    def to_representation(self, instance: Project) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not can(actor_of(self), "see_money"):
            data["budget"] = None
        return data


@extend_schema(tags=["work"])
@extend_schema_view(update=extend_schema(responses={200: ProjectSerializer, 409: CONFLICT}))
class ProjectViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Projects (engagements) of the accounts the signed-in user sees."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    search_fields = ["name", "scope"]
    ordering_fields = ["name", "stage", "starts_on", "ends_on", "created_at", "updated_at"]
    ordering = ["name", "id"]
    capabilities = {"create": "manage_projects", "update": "manage_projects", "destroy": "manage_projects"}
    selector = projects_visible_to
    services = {
        "create": services.project_create,
        "update": services.project_update,
        "delete": services.project_delete,
    }


class ProjectGoalSerializer(WorkSerializer):
    project = ScopedPrimaryKeyRelatedField(**PROJECT_SCOPE)
    create_only_fields = {"project": _("A goal stays with its project.")}

    class Meta:
        model = ProjectGoal
        fields = ["id", "project", "description", "metric", "target_value", "target_date", "achieved_on"]


@extend_schema(tags=["work"])
class ProjectGoalViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Measurable goals of projects, e.g. "top-10 for 30 queries by 2026-06-01"."""

    serializer_class = ProjectGoalSerializer
    filterset_class = ProjectGoalFilterSet
    ordering_fields = ["target_date", "id"]
    ordering = ["target_date", "id"]
    capabilities = {"create": "manage_projects", "update": "manage_projects", "destroy": "manage_projects"}
    selector = project_goals_visible_to
    services = {
        "create": services.project_goal_create,
        "update": services.project_goal_update,
        "delete": services.project_goal_delete,
    }
    object_kwarg = "goal"
