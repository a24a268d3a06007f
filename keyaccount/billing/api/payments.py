"""REST API of payments: record money received, put it against invoices, keep the rest as credit.

`POST /api/v1/payments/` honours an `Idempotency-Key` header (`keyaccount.core.idempotency`). A payment
is not edited: delete it (its allocations are reversed) and record it again.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing import selectors
from keyaccount.billing.filtersets.payments import PaymentFilterSet
from keyaccount.billing.models import Invoice, Payment, PaymentAllocation
from keyaccount.billing.services import payments as services
from keyaccount.core.api import (
    DecimalStringField,
    MoneyOut,
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
)
from keyaccount.core.idempotency import IDEMPOTENCY_MISMATCH, IDEMPOTENCY_PARAMETER, idempotent
from keyaccount.tenancy.actors import AuthenticatedRequest

MONEY: MoneyOut = {"max_digits": 18, "decimal_places": 2, "coerce_to_string": True}


class AllocationInputSerializer(serializers.Serializer):
    """`amount` of the payment put against `invoice` (an open invoice of the same account and currency)."""

    invoice = ScopedPrimaryKeyRelatedField(model=Invoice, scope=selectors.invoices_visible_to)
    amount = DecimalStringField(**MONEY, help_text=_('A decimal string, e.g. "15000.00".'))


class AllocationSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    amount = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = PaymentAllocation
        fields = ["id", "invoice", "invoice_number", "amount"]
        read_only_fields = fields


class PaymentSerializer(ServiceModelSerializer):
    """Money received from the client, its allocations to invoices and the credit left over."""

    account = ScopedPrimaryKeyRelatedField(model=Account, scope=accounts_visible_to)
    amount = DecimalStringField(**MONEY, help_text=_("A decimal string greater than zero."))
    allocated_amount = serializers.DecimalField(**MONEY, read_only=True)
    unallocated = serializers.DecimalField(
        **MONEY, read_only=True, help_text=_("The part not put against an invoice: the account's credit.")
    )
    allocations = AllocationInputSerializer(
        many=True, required=False, write_only=True, help_text=_("Invoices to put the payment against.")
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "account",
            "date",
            "amount",
            "currency",
            "reference",
            "note",
            "allocations",
            "allocated_amount",
            "unallocated",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["recorded_by", "created_at"]
        # Money is never assumed to be in roubles: a payment without its currency is refused on the field.
        extra_kwargs = {"currency": {"required": True}}

    def to_representation(self, instance: Payment) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["allocations"] = AllocationSerializer(instance.allocations.all(), many=True).data
        return data


class PaymentReadSerializer(PaymentSerializer):
    """The schema of a payment as it is answered, allocations with the invoice number."""

    allocations = AllocationSerializer(many=True, read_only=True)  # type: ignore[assignment]  # the reverse relation, as a nested list


class AllocateInputSerializer(serializers.Serializer):
    allocations = AllocationInputSerializer(many=True, allow_empty=False)


def _plain_allocations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"invoice": row["invoice"], "amount": row["amount"]} for row in rows]


@extend_schema(tags=["billing"])
@extend_schema_view(
    list=extend_schema(responses=PaymentReadSerializer),
    retrieve=extend_schema(responses=PaymentReadSerializer),
    create=extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        request=PaymentSerializer,
        responses={201: PaymentReadSerializer, 422: IDEMPOTENCY_MISMATCH},
        description="Record a payment and put it against open invoices of the same account and currency; "
        "what is not allocated stays as the account's credit. An invoice is never allocated more than it "
        "has open.",
    ),
)
class PaymentViewSet(
    ServiceViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Payments of the accounts whose money the signed-in user sees, latest first. No update: delete a
    wrong payment (its allocations are reversed) and record it again."""

    serializer_class = PaymentSerializer
    filterset_class = PaymentFilterSet
    search_fields = ["reference", "note"]
    ordering_fields = ["date", "amount", "created_at"]
    ordering = ["-date", "-id"]
    capabilities = {"create": "manage_money", "destroy": "manage_money", "allocate": "manage_money"}
    selector = selectors.payments_with_allocations
    services = {"create": services.payment_record, "delete": services.payment_delete}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return idempotent(
            request, "payments.create", lambda: super(PaymentViewSet, self).create(request, *args, **kwargs)
        )

    def create_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "allocations": _plain_allocations(data.get("allocations", []))}

    @extend_schema(
        request=AllocateInputSerializer,
        responses={200: PaymentReadSerializer},
        summary="Put a payment's remaining credit against open invoices",
    )
    @action(detail=True, methods=["post"], url_path="allocate", serializer_class=AllocateInputSerializer)
    def allocate(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        payment = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.payment_allocate(
            actor=request.user,
            payment=payment,
            allocations=_plain_allocations(payload.validated_data["allocations"]),
        )
        return self.fresh_response(payment, PaymentSerializer)


def register(router: Any) -> None:
    """Put this area's viewsets on the API router."""
    router.register("payments", PaymentViewSet, basename="payment")
