"""REST API of the account team: our people on an account and their role there."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets

from keyaccount.accounts import services
from keyaccount.accounts.api.common import ACCOUNT_SCOPE
from keyaccount.accounts.models import AccountTeamMember, TeamRole
from keyaccount.accounts.selectors import team_members_visible_to
from keyaccount.core.api import IdFilter, ScopedPrimaryKeyRelatedField, ServiceModelSerializer, ServiceViewSetMixin
from keyaccount.tenancy.models import User
from keyaccount.tenancy.selectors import team_candidates


class TeamMemberFilterSet(django_filters.FilterSet):
    account = IdFilter(field_name="account_id", label=_("Account"))
    user = IdFilter(field_name="user_id", label=_("User"))
    role = django_filters.MultipleChoiceFilter(choices=TeamRole.choices, label=_("Role on the account"))

    class Meta:
        model = AccountTeamMember
        fields = ["account", "user", "role"]


class TeamMemberSerializer(ServiceModelSerializer):
    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    user = ScopedPrimaryKeyRelatedField(model=User, scope=team_candidates)

    class Meta:
        model = AccountTeamMember
        fields = ["id", "account", "user", "role", "created_at"]
        read_only_fields = ["created_at"]
        validators: list[Any] = []  # uniqueness is the service's to check, after the permission


@extend_schema(tags=["team"])
class TeamMemberViewSet(
    ServiceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Our people on an account and their role there. To change a role, remove and add again."""

    serializer_class = TeamMemberSerializer
    filterset_class = TeamMemberFilterSet
    ordering_fields = ["role", "created_at"]
    ordering = ["account_id", "role", "id"]
    capabilities = {"create": "manage_team", "destroy": "manage_team"}
    selector = team_members_visible_to
    services = {"create": services.team_member_add, "delete": services.team_member_remove}
    object_kwarg = "member"
