"""REST API of an account's history: lifecycle moves and the audit trail."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from keyaccount.accounts.api.common import AccountRecordFilterSet
from keyaccount.accounts.models import AccountStatus, AccountStatusChange
from keyaccount.accounts.selectors import audit_events_visible_to, status_changes_visible_to
from keyaccount.core.api import IdFilter, ServiceViewSetMixin
from keyaccount.core.models import AuditAction, AuditEvent


class StatusChangeFilterSet(AccountRecordFilterSet):
    to_status = django_filters.MultipleChoiceFilter(choices=AccountStatus.choices, label=_("New status"))

    class Meta:
        model = AccountStatusChange
        fields = ["account", "to_status"]


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccountStatusChange
        fields = ["id", "account", "from_status", "to_status", "churn_reason", "comment", "changed_by", "created_at"]
        read_only_fields = fields


@extend_schema(tags=["history"])
class StatusChangeViewSet(ServiceViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Every lifecycle move of an account: from, to, why and by whom."""

    serializer_class = StatusChangeSerializer
    filterset_class = StatusChangeFilterSet
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    selector = status_changes_visible_to


class AuditEventFilterSet(AccountRecordFilterSet):
    object_type = django_filters.CharFilter(label=_("Object type, e.g. accounts.account"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    action = django_filters.MultipleChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    actor = IdFilter(field_name="actor_id", label=_("Actor"))

    class Meta:
        model = AuditEvent
        fields = ["account", "object_type", "object_id", "action", "actor"]


class AuditEventSerializer(serializers.ModelSerializer):
    changes = serializers.JSONField(
        read_only=True, help_text=_('Changed fields as {"field": [before, after]}; related objects by id.')
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "account",
            "changes",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema(tags=["history"])
class AuditEventViewSet(ServiceViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Who changed what and when, with before and after: the organization for heads and admins,
    the accounts of their team for account managers and assistants."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    search_fields = ["object_repr"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    selector = audit_events_visible_to
