"""REST API of the handover from sales (the brief) and the account's onboarding checklist."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets

from keyaccount.accounts import services
from keyaccount.accounts.api.common import ACCOUNT_SCOPE, AccountRecordFilterSet
from keyaccount.accounts.models import HandoverBrief, OnboardingItem
from keyaccount.accounts.selectors import handovers_visible_to, onboarding_items_visible_to
from keyaccount.core.api import (
    IdFilter,
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
    VersionedSerializerMixin,
)
from keyaccount.tenancy.models import User
from keyaccount.tenancy.selectors import team_candidates


class HandoverFilterSet(AccountRecordFilterSet):
    sold_by = IdFilter(field_name="sold_by_id", label=_("Sold by"))

    class Meta:
        model = HandoverBrief
        fields = ["account", "sold_by"]


class HandoverSerializer(VersionedSerializerMixin, ServiceModelSerializer):
    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    sold_by = ScopedPrimaryKeyRelatedField(model=User, scope=team_candidates, allow_null=True, required=False)
    deal_value = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        min_value=0,
        coerce_to_string=True,
        allow_null=True,
        required=False,
        help_text=_('A decimal string in the account\'s currency, e.g. "1250000.00".'),
    )
    currency = serializers.CharField(source="account.currency", read_only=True, help_text=_("ISO 4217."))
    create_only_fields = {"account": _("A handover brief stays with its account.")}

    class Meta:
        model = HandoverBrief
        fields = [
            "id",
            "account",
            "sold_by",
            "what_was_sold",
            "promises",
            "deal_value",
            "currency",
            "expectations",
            "signed_by",
            "signed_on",
            "handed_over_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


@extend_schema(tags=["handover"])
class HandoverViewSet(
    ServiceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What sales sold and promised (one brief per account). Specialists and clients never see it."""

    serializer_class = HandoverSerializer
    filterset_class = HandoverFilterSet
    search_fields = ["account__name", "what_was_sold", "promises"]
    ordering_fields = ["created_at", "updated_at", "signed_on"]
    ordering = ["-created_at", "-id"]
    capabilities = {"create": "edit_handover", "update": "edit_handover"}
    selector = handovers_visible_to

    # One brief per account: the service saves the account's brief, so it is named by its account.
    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data, _version = self.split_version(serializer)
        account = data.pop("account")
        if self.get_queryset().filter(account=account).exists():
            raise serializers.ValidationError(
                {"account": [_("This account already has a handover brief; change it with PATCH.")]}
            )
        brief = services.handover_save(actor=self.request.user, account=account, data=data)
        self.written(serializer, brief)

    # The service saves by account (see above), not by the brief.
    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data, version = self.split_version(serializer)
        brief = services.handover_save(
            actor=self.request.user,
            account=serializer.instance.account,  # type: ignore[union-attr]  # an update's serializer has its instance
            data=data,
            expected_version=version,
        )
        self.written(serializer, brief)


# --- onboarding checklist ---------------------------------------------------------------------------


class OnboardingItemFilterSet(AccountRecordFilterSet):
    done = django_filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True, label=_("Done"))

    class Meta:
        model = OnboardingItem
        fields = ["account", "done"]


class OnboardingItemSerializer(ServiceModelSerializer):
    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    done = serializers.BooleanField(required=False, help_text=_("Tick (true) or untick (false) the step."))
    create_only_fields = {"account": _("A step stays with its account.")}

    class Meta:
        model = OnboardingItem
        fields = ["id", "account", "title", "position", "done", "done_at", "done_by", "created_at"]
        read_only_fields = ["done_at", "done_by", "created_at"]
        # An explicit bound keeps the schema the same on SQLite and PostgreSQL.
        extra_kwargs = {"position": {"required": False, "min_value": 0, "max_value": 32767}}

    def to_representation(self, instance: OnboardingItem) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["done"] = instance.done_at is not None
        return data


@extend_schema(tags=["handover"])
class OnboardingItemViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The account's first-month checklist; PATCH `{"done": true}` ticks a step."""

    serializer_class = OnboardingItemSerializer
    filterset_class = OnboardingItemFilterSet
    search_fields = ["title"]
    ordering_fields = ["position", "created_at", "done_at"]
    ordering = ["account_id", "position", "id"]
    capabilities = {"create": "edit_account", "update": "edit_account", "destroy": "edit_account"}
    selector = onboarding_items_visible_to
    services = {"update": services.onboarding_item_update, "delete": services.onboarding_item_delete}
    object_kwarg = "item"

    # A step can be created already done or at a position: the add and then an update, in one transaction.
    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        with transaction.atomic():
            item = services.onboarding_item_add(
                actor=self.request.user, account=data.pop("account"), title=data.pop("title")
            )
            if data:  # a step created already done, or at a given position
                item = services.onboarding_item_update(actor=self.request.user, item=item, data=data)
        self.written(serializer, item)
