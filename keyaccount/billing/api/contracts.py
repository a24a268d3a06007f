"""REST API of contracts and their amendments (upcoming renewals and revenue movements: `renewals`).

Serializers validate shape only; every write goes to `keyaccount.billing.services.contracts` with the
signed-in user as the actor, and every read comes from `keyaccount.billing.selectors`. Money is a
decimal string in and out, never a float.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing import calc, selectors
from keyaccount.billing.filtersets.contracts import AmendmentFilterSet, ContractFilterSet
from keyaccount.billing.models import Amendment, Contract
from keyaccount.billing.services import contracts as services
from keyaccount.core import clock
from keyaccount.core.api import (
    DecimalStringField,
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
    VersionedSerializerMixin,
)
from keyaccount.core.money import Currency
from keyaccount.tenancy.actors import AuthenticatedRequest
from keyaccount.work.models import Service
from keyaccount.work.selectors import services_of

CONFLICT = OpenApiResponse(description="Someone else saved the contract first (stale `version`); nothing changed.")
VERSION_HELP = _("The version you read; a stale one is refused with 409.")


class MoneyField(DecimalStringField):
    """An amount as a decimal string ("1234.50"), 18 digits with 2 decimals; a JSON float is refused."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)


# --- contracts --------------------------------------------------------------------------------------

VALUE_HISTORY_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"from": {"type": "string", "format": "date"}, "value": {"type": "string"}},
    },
}


class ContractSerializer(VersionedSerializerMixin, ServiceModelSerializer):
    """A contract with the client. Created as a draft; `POST …/{id}/sign/` makes it bind. Once signed, the
    commercial terms (number, value, currency, billing model, dates) change through amendments and renewals."""

    account = ScopedPrimaryKeyRelatedField(model=Account, scope=accounts_visible_to)
    services = ScopedPrimaryKeyRelatedField(
        model=Service, scope=services_of, many=True, required=False, help_text=_("Ids of catalogue services.")
    )
    value = MoneyField(help_text=_("A month's fee for a retainer; the whole price otherwise. A decimal string."))
    currency = serializers.ChoiceField(
        choices=Currency.choices, required=False, help_text=_("ISO 4217; defaults to the account's currency.")
    )
    payment_terms_days = serializers.IntegerField(
        min_value=0, max_value=365, required=False, help_text=_("Defaults to the organization's payment terms.")
    )
    mrr = MoneyField(read_only=True, help_text=_("Monthly recurring revenue today: a retainer's value in force."))
    current_value = MoneyField(read_only=True, help_text=_("The value today, amendments included."))
    value_history = serializers.SerializerMethodField(
        help_text=_("Each change of the value: from which day, how much.")
    )
    create_only_fields = {"account": _("A contract stays with its account.")}

    class Meta:
        model = Contract
        fields = [
            "id",
            "number",
            "account",
            "title",
            "scope",
            "services",
            "billing_model",
            "start_date",
            "end_date",
            "value",
            "currency",
            "tax_rate",
            "payment_terms_days",
            "auto_renew",
            "notice_days",
            "status",
            "signed_on",
            "signed_by",
            "notice_given_on",
            "terminated_on",
            "termination_reason",
            "mrr",
            "current_value",
            "value_history",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "signed_on",
            "signed_by",
            "notice_given_on",
            "terminated_on",
            "termination_reason",
            "created_at",
            "updated_at",
        ]
        validators: list[Any] = []  # the number's uniqueness is the service's to check, after the permission

    def to_representation(self, instance: Contract) -> dict[str, Any]:
        today = clock.today_for(getattr(self.context.get("request"), "user", None))
        instance.mrr = calc.mrr_on(instance, today)  # type: ignore[attr-defined]  # read by the serializer's fields
        instance.current_value = calc.value_on(instance, today)  # type: ignore[attr-defined]  # read by the serializer's fields
        return super().to_representation(instance)

    @extend_schema_field(VALUE_HISTORY_SCHEMA)
    def get_value_history(self, contract: Contract) -> list[dict[str, str]]:
        return [{"from": day.isoformat(), "value": str(value)} for day, value in calc.value_history(contract)]


class SignInputSerializer(serializers.Serializer):
    signed_on = serializers.DateField(help_text=_("When both sides signed."))
    signed_by = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Who signed for the client.")
    )
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class TerminateInputSerializer(serializers.Serializer):
    terminated_on = serializers.DateField(help_text=_("The last day the contract is in force."))
    reason = serializers.CharField(help_text=_("Why it ends early."))
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class NoticeInputSerializer(serializers.Serializer):
    given_on = serializers.DateField(help_text=_("When notice not to renew was given."))
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


@extend_schema(tags=["billing"])
@extend_schema_view(update=extend_schema(responses={200: ContractSerializer, 409: CONFLICT}))
class ContractViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Contracts of the accounts the signed-in user sees (roles that see money only)."""

    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    search_fields = ["number", "title", "account__name"]
    ordering_fields = ["number", "start_date", "end_date", "value", "status", "created_at"]
    ordering = ["-start_date", "-id"]
    capabilities = {
        "create": "manage_money",
        "update": "manage_money",
        "destroy": "manage_money",
        "sign": "manage_money",
        "terminate": "manage_money",
        "notice": "manage_money",
    }
    selector = selectors.contracts_with_terms
    services = {
        "create": services.contract_create,
        "update": services.contract_update,
        "delete": services.contract_delete,
    }

    @extend_schema(
        request=SignInputSerializer,
        responses={200: ContractSerializer, 409: CONFLICT},
        summary="Sign a draft contract",
        description="The contract binds: active when it has started, signed until then.",
    )
    @action(detail=True, methods=["post"], serializer_class=SignInputSerializer)
    def sign(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        contract = self.get_object()
        data = self._input(request)
        services.contract_sign(
            actor=request.user,
            contract=contract,
            signed_on=data["signed_on"],
            signed_by=data.get("signed_by", ""),
            expected_version=data.get("version"),
        )
        return self.fresh_response(contract, ContractSerializer)

    @extend_schema(
        request=TerminateInputSerializer,
        responses={200: ContractSerializer, 409: CONFLICT},
        summary="Terminate a contract early",
    )
    @action(detail=True, methods=["post"], serializer_class=TerminateInputSerializer)
    def terminate(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        contract = self.get_object()
        data = self._input(request)
        services.contract_terminate(
            actor=request.user,
            contract=contract,
            terminated_on=data["terminated_on"],
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        return self.fresh_response(contract, ContractSerializer)

    @extend_schema(
        request=NoticeInputSerializer,
        responses={200: ContractSerializer, 409: CONFLICT},
        summary="Record notice not to renew",
        description="An auto-renewing contract with notice does not renew itself at its end.",
    )
    @action(detail=True, methods=["post"], serializer_class=NoticeInputSerializer)
    def notice(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        contract = self.get_object()
        data = self._input(request)
        services.contract_give_notice(
            actor=request.user, contract=contract, given_on=data["given_on"], expected_version=data.get("version")
        )
        return self.fresh_response(contract, ContractSerializer)

    def _input(self, request: Request) -> dict[str, Any]:
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return dict(payload.validated_data)


# --- amendments -------------------------------------------------------------------------------------


class AmendmentSerializer(ServiceModelSerializer):
    """An additional agreement: from `effective_date` the value, the end date or the scope change."""

    contract = ScopedPrimaryKeyRelatedField(model=Contract, scope=selectors.contracts_visible_to)
    new_value = MoneyField(required=False, allow_null=True, help_text=_("In the contract's currency."))
    previous_value = MoneyField(read_only=True)

    class Meta:
        model = Amendment
        fields = [
            "id",
            "contract",
            "kind",
            "number",
            "signed_on",
            "effective_date",
            "new_value",
            "new_end_date",
            "scope_change",
            "previous_value",
            "previous_end_date",
            "created_at",
        ]
        read_only_fields = ["kind", "previous_end_date", "created_at"]


@extend_schema(tags=["billing"])
class AmendmentViewSet(
    ServiceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Amendments and renewal terms of the contracts the signed-in user sees. Only the latest amendment
    may be withdrawn (deleted); renewal terms stay."""

    serializer_class = AmendmentSerializer
    filterset_class = AmendmentFilterSet
    ordering_fields = ["effective_date", "created_at"]
    ordering = ["effective_date", "id"]
    capabilities = {"create": "manage_money", "destroy": "manage_money"}
    selector = selectors.amendments_visible_to
    services = {"create": services.amendment_create, "delete": services.amendment_delete}


def register(router: Any) -> None:
    """Put this area's viewsets on the API router."""
    router.register("contracts", ContractViewSet, basename="contract")
    router.register("amendments", AmendmentViewSet, basename="amendment")
