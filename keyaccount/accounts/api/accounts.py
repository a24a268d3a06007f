"""REST API of client accounts (their lifecycle and owner moves) and the organization's account tags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from keyaccount.accounts import services
from keyaccount.accounts.api.common import ACCOUNT_SCOPE, CONFLICT
from keyaccount.accounts.filtersets import AccountFilterSet
from keyaccount.accounts.models import Account, AccountStatus, ChurnReason, Tag
from keyaccount.accounts.selectors import accounts_visible_to, tags_of
from keyaccount.core.api import (
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
    VersionedSerializerMixin,
    actor_of,
)
from keyaccount.tenancy.actors import AuthenticatedRequest
from keyaccount.tenancy.models import User
from keyaccount.tenancy.selectors import owner_candidates


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class TagNamesField(serializers.Field):
    """Tags as a list of names. Input takes names (any case) or ids of the organization's existing tags."""

    default_error_messages = {
        "not_a_list": _("Send a list of tag names."),
        "unknown": _("Unknown tags: %(tags)s. Use existing tags (GET /api/v1/tags/)."),
    }

    def to_representation(self, value: Any) -> list[str]:
        return [tag.name for tag in value.all()]

    def to_internal_value(self, data: Any) -> Sequence[Tag]:
        if not isinstance(data, list) or not all(
            isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)) for item in data
        ):
            self.fail("not_a_list")
        ids = {item for item in data if isinstance(item, int)}
        names = {item.strip().lower() for item in data if isinstance(item, str) and item.strip()}
        found = list(
            tags_of(actor_of(self)).annotate(lower_name=Lower("name")).filter(Q(pk__in=ids) | Q(lower_name__in=names))
        )
        unknown_ids = ids - {tag.pk for tag in found}
        unknown_names = names - {tag.lower_name for tag in found}
        if unknown_ids or unknown_names:
            missing = ", ".join(sorted(unknown_names) + [str(i) for i in sorted(unknown_ids)])
            raise serializers.ValidationError(self.error_messages["unknown"] % {"tags": missing})
        return found


class AccountSerializer(VersionedSerializerMixin, ServiceModelSerializer):
    """A client account. `status` and `owner` are set on creation; later they change through
    `POST /api/v1/accounts/{id}/status/` and `POST /api/v1/accounts/{id}/owner/`."""

    parent = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE, allow_null=True, required=False)  # type: ignore[assignment]  # the API field; DRF binds Field.parent apart
    owner = ScopedPrimaryKeyRelatedField(
        model=User,
        scope=owner_candidates,
        allow_null=True,
        required=False,
        help_text=_("The owning account manager. An account manager who creates an account owns it."),
    )
    status = serializers.ChoiceField(
        choices=AccountStatus.choices,
        required=False,
        help_text=_("A new account starts as onboarding (default) or active."),
    )
    tags = TagNamesField(required=False, help_text=_("Names of existing tags of the organization."))

    create_only_fields = {
        "status": _("Change the status with POST /api/v1/accounts/{id}/status/."),
        "owner": _("Change the owner with POST /api/v1/accounts/{id}/owner/."),
    }

    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "legal_name",
            "kind",
            "industry",
            "size",
            "website",
            "locations",
            "parent",
            "currency",
            "status",
            "churn_reason",
            "tier",
            "owner",
            "tags",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["churn_reason", "created_at", "updated_at"]


class AccountStatusInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=AccountStatus.choices, help_text=_("The new lifecycle status."))
    churn_reason = serializers.ChoiceField(
        choices=ChurnReason.choices, required=False, allow_blank=True, help_text=_("Required when churning.")
    )
    comment = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text=_("The version you read."))


class AccountOwnerInputSerializer(serializers.Serializer):
    owner = ScopedPrimaryKeyRelatedField(model=User, scope=owner_candidates, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text=_("The version you read."))


@extend_schema(tags=["accounts"])
class AccountViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Client accounts the signed-in user sees: a head sees the organization, an account manager their team's."""

    serializer_class = AccountSerializer
    filterset_class = AccountFilterSet
    search_fields = ["name", "legal_name", "industry"]
    ordering_fields = ["name", "status", "tier", "updated_at", "created_at"]
    ordering = ["name"]
    capabilities = {
        "create": "create_account",
        "update": "edit_account",
        "destroy": "delete_account",
        "change_status": "edit_account",
        "assign_owner": "assign_owner",
    }
    selector = accounts_visible_to
    services = {
        "create": services.account_create,
        "update": services.account_update,
        "delete": services.account_delete,
    }

    @extend_schema(
        request=AccountStatusInputSerializer,
        responses={200: AccountSerializer, 409: CONFLICT},
        summary="Move the account through its lifecycle",
        description="A 400 on `to` lists the moves allowed from the current status; churning needs a reason.",
    )
    @action(detail=True, methods=["post"], url_path="status", serializer_class=AccountStatusInputSerializer)
    def change_status(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        account = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            services.account_change_status(
                actor=request.user,
                account=account,
                to_status=data["to"],
                churn_reason=data.get("churn_reason", ""),
                comment=data.get("comment", ""),
                expected_version=data.get("version"),
            )
        except DjangoValidationError as e:
            # The service names the account's field; this endpoint's input calls it `to`.
            if hasattr(e, "error_dict") and "status" in e.error_dict:
                e.error_dict["to"] = e.error_dict.pop("status")
            raise
        return self.fresh_response(account, AccountSerializer)

    @extend_schema(
        request=AccountOwnerInputSerializer,
        responses={200: AccountSerializer, 409: CONFLICT},
        summary="Hand the account to another account manager (heads and admins)",
    )
    @action(detail=True, methods=["post"], url_path="owner", serializer_class=AccountOwnerInputSerializer)
    def assign_owner(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        account = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.account_assign_owner(
            actor=request.user,
            account=account,
            owner=payload.validated_data["owner"],
            expected_version=payload.validated_data.get("version"),
        )
        return self.fresh_response(account, AccountSerializer)


class TagSerializer(ServiceModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]
        read_only_fields = ["id"]


@extend_schema(tags=["accounts"])
class TagViewSet(ServiceViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The organization's account tags (their names are what `tags` of an account takes); editors add new ones."""

    serializer_class = TagSerializer
    search_fields = ["name"]
    ordering_fields = ["name"]
    ordering = ["name"]
    capabilities = {"create": "edit_account"}
    selector = tags_of
    services = {"create": services.tag_create}
