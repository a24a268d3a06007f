"""REST API of the organization's service catalogue (SEO, contextual ads, SMM…)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from keyaccount.core.api import ServiceViewSetMixin
from keyaccount.work import services
from keyaccount.work.api.common import WorkSerializer
from keyaccount.work.filtersets import ServiceFilterSet
from keyaccount.work.models import Service
from keyaccount.work.selectors import services_of


class ServiceSerializer(WorkSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "description", "is_active", "position"]
        extra_kwargs = {"position": {"required": False}}
        validators: list[Any] = []  # uniqueness is the service's to check, after the permission


@extend_schema(tags=["work"])
class ServiceViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The organization's service catalogue (SEO, contextual ads, SMM…); administrators edit it."""

    serializer_class = ServiceSerializer
    filterset_class = ServiceFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "position"]
    ordering = ["position", "name"]
    capabilities = {"create": "manage_catalogue", "update": "manage_catalogue", "destroy": "manage_catalogue"}
    selector = services_of
    services = {
        "create": services.service_create,
        "update": services.service_update,
        "delete": services.service_delete,
    }
