"""REST API of contracts, amendments, upcoming renewals and their outcomes, and revenue movements.

Serializers validate shape only; every write goes to `keyaccount.billing.services.contracts` with the
signed-in user as the actor, and every read comes from `keyaccount.billing.selectors`. Money is a
decimal string in and out, never a float.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing import calc, selectors
from keyaccount.billing.filtersets import AmendmentFilterSet, ContractFilterSet
from keyaccount.billing.models import Amendment, Contract, Renewal, RenewalOutcome
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
from keyaccount.tenancy.access import IsOrganizationMember
from keyaccount.tenancy.permissions import can
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
        instance.mrr = calc.mrr_on(instance, today)  # type: ignore[attr-defined]
        instance.current_value = calc.value_on(instance, today)  # type: ignore[attr-defined]
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

    def get_queryset(self) -> QuerySet[Contract]:
        return selectors.contracts_with_terms(self.request.user)

    def perform_create(self, serializer: ContractSerializer) -> None:
        data, _version = self.split_version(serializer)
        self.written(serializer, services.contract_create(actor=self.request.user, **data))

    def perform_update(self, serializer: ContractSerializer) -> None:
        data, version = self.split_version(serializer)
        contract = services.contract_update(
            actor=self.request.user, contract=serializer.instance, data=data, expected_version=version
        )
        self.written(serializer, contract)

    def perform_destroy(self, instance: Contract) -> None:
        services.contract_delete(actor=self.request.user, contract=instance)

    @extend_schema(
        request=SignInputSerializer,
        responses={200: ContractSerializer, 409: CONFLICT},
        summary="Sign a draft contract",
        description="The contract binds: active when it has started, signed until then.",
    )
    @action(detail=True, methods=["post"], serializer_class=SignInputSerializer)
    def sign(self, request: Request, pk: str | None = None) -> Response:
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
    def terminate(self, request: Request, pk: str | None = None) -> Response:
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
    def notice(self, request: Request, pk: str | None = None) -> Response:
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

    def get_queryset(self) -> QuerySet[Amendment]:
        return selectors.amendments_visible_to(self.request.user)

    def perform_create(self, serializer: AmendmentSerializer) -> None:
        self.written(serializer, services.amendment_create(actor=self.request.user, **serializer.validated_data))

    def perform_destroy(self, instance: Amendment) -> None:
        services.amendment_delete(actor=self.request.user, amendment=instance)


# --- renewals ---------------------------------------------------------------------------------------


class UpcomingRenewalSerializer(serializers.Serializer):
    """A contract coming up for renewal; `id` is the contract's id."""

    id = serializers.IntegerField(help_text=_("The contract's id."))
    contract = serializers.IntegerField(source="contract.pk")
    account = serializers.IntegerField(source="contract.account_id")
    account_name = serializers.CharField(source="contract.account.name")
    number = serializers.CharField(source="contract.number")
    end_date = serializers.DateField(source="contract.end_date")
    notice_deadline = serializers.DateField(
        help_text=_("The last day to give notice: the end minus the notice period.")
    )
    days_to_end = serializers.IntegerField()
    days_to_notice = serializers.IntegerField(help_text=_("Negative when the deadline passed."))
    notice_overdue = serializers.BooleanField(help_text=_("The notice deadline passed and no notice was given."))
    window = serializers.ChoiceField(choices=[30, 60, 90, 120], help_text=_("30, 60, 90 or 120 days."))
    value = MoneyField(help_text=_("The value in force now."))
    mrr = MoneyField()
    currency = serializers.CharField(source="contract.currency")
    auto_renew = serializers.BooleanField(source="contract.auto_renew")
    notice_given_on = serializers.DateField(source="contract.notice_given_on", allow_null=True)


class RenewalInputSerializer(serializers.Serializer):
    contract = ScopedPrimaryKeyRelatedField(model=Contract, scope=selectors.contracts_visible_to)
    outcome = serializers.ChoiceField(choices=RenewalOutcome.choices)
    new_value = MoneyField(
        required=False, allow_null=True, help_text=_("The new term's value; defaults to the current one.")
    )
    new_end_date = serializers.DateField(
        required=False, allow_null=True, help_text=_("The new term's end; required unless churned.")
    )
    decided_on = serializers.DateField(required=False, help_text=_("Defaults to today."))
    note = serializers.CharField(required=False, allow_blank=True)


class RenewalSerializer(serializers.ModelSerializer):
    """The recorded outcome of a contract's term."""

    new_value = MoneyField(read_only=True, allow_null=True)

    class Meta:
        model = Renewal
        fields = [
            "id",
            "contract",
            "term_end",
            "outcome",
            "new_value",
            "new_end_date",
            "decided_on",
            "decided_by",
            "automatic",
            "note",
            "amendment",
            "created_at",
        ]
        read_only_fields = fields


WITHIN = OpenApiParameter("within", int, enum=[30, 60, 90, 120], description="Days ahead (default 120).")
ACCOUNT = OpenApiParameter("account", int, description="Only this account's contracts.")


@extend_schema(tags=["billing"])
class RenewalViewSet(ServiceViewSetMixin, viewsets.GenericViewSet):
    """Contracts coming up for renewal (the notice deadline, or the end once notice was given, within
    `within` days; deadlines already missed first), and the outcomes recorded for them."""

    serializer_class = UpcomingRenewalSerializer
    filter_backends: list[Any] = []
    capabilities = {"create": "manage_money"}

    def get_queryset(self) -> QuerySet[Contract]:  # for the schema and the permission classes
        return selectors.contracts_visible_to(self.request.user)

    @extend_schema(parameters=[WITHIN, ACCOUNT], responses=UpcomingRenewalSerializer(many=True))
    def list(self, request: Request) -> Response:
        within = request.query_params.get("within", "120")
        if within not in {"30", "60", "90", "120"}:
            raise serializers.ValidationError({"within": [_("Choose 30, 60, 90 or 120.")]})
        account = request.query_params.get("account")
        account_id = None
        if account:
            if not account.isdigit():
                raise serializers.ValidationError({"account": [_("Enter a whole number.")]})
            account_id = int(account)
        rows = selectors.upcoming_renewals(
            request.user, clock.today_for(request.user), int(within), account_id=account_id
        )
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        return self.get_paginated_response(UpcomingRenewalSerializer(page, many=True).data)

    @extend_schema(responses=UpcomingRenewalSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        row = selectors.upcoming_renewal_of(request.user, pk, clock.today_for(request.user))
        if row is None:
            raise Http404
        return Response(UpcomingRenewalSerializer(row).data)

    @extend_schema(
        request=RenewalInputSerializer,
        responses={201: RenewalSerializer},
        summary="Record the outcome of a contract's term",
        description="renewed (same value), expanded (higher), contracted (lower) need `new_end_date` after the "
        "current end and start a new term the day after it; churned ends the contract at its end.",
    )
    def create(self, request: Request) -> Response:
        payload = RenewalInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        renewal = services.renewal_record(
            actor=request.user,
            contract=data["contract"],
            outcome=data["outcome"],
            new_value=data.get("new_value"),
            new_end_date=data.get("new_end_date"),
            decided_on=data.get("decided_on") or clock.today_for(request.user),
            note=data.get("note", ""),
        )
        return Response(RenewalSerializer(renewal).data, status=status.HTTP_201_CREATED)


# --- revenue movements ------------------------------------------------------------------------------


class MovementSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("YYYY-MM"))
    account = serializers.IntegerField(source="account_id")
    account_name = serializers.CharField(source="account.name")
    currency = serializers.CharField()
    kind = serializers.ChoiceField(choices=["new", "expansion", "contraction", "churn"])
    before = MoneyField(help_text=_("MRR on the day before the month."))
    after = MoneyField(help_text=_("MRR on the month's last day."))
    amount = MoneyField(help_text=_("after − before: negative for contraction and churn."))


class MovementTotalSerializer(serializers.Serializer):
    month = serializers.CharField()
    currency = serializers.CharField()
    kind = serializers.CharField()
    amount = MoneyField()


class MovementsSerializer(serializers.Serializer):
    results = MovementSerializer(many=True)
    totals = MovementTotalSerializer(many=True)


def _month(value: str | None, field: str, default: datetime.date) -> datetime.date:
    if not value:
        return default
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise serializers.ValidationError({field: [_("Use the form YYYY-MM.")]}) from None


MAX_MONTHS = 60


def months_of(params: Any, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """`from` and `to` (YYYY-MM) of a request; the last twelve months to `today` by default."""
    this_month = calc.month_start(today)
    last = _month(params.get("to"), "to", this_month)
    first = _month(params.get("from"), "from", (last - datetime.timedelta(days=330)).replace(day=1))
    if first > last:
        raise serializers.ValidationError({"to": [_("The end cannot be before the start.")]})
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        raise serializers.ValidationError({"from": [_("Ask for at most 60 months at a time.")]})
    return first, last


@extend_schema(
    tags=["billing"],
    parameters=[
        OpenApiParameter("from", str, description="First month, YYYY-MM (default: eleven months before `to`)."),
        OpenApiParameter("to", str, description="Last month, YYYY-MM (default: this month)."),
        ACCOUNT,
    ],
    responses=MovementsSerializer,
    summary="Revenue movements per month: new, expansion, contraction, churn",
    description="MRR of retainers (amendments and renewals included) on the day before each month against its "
    "last day, per account and currency; totals per month, kind and currency, never across currencies.",
)
@api_view(["GET"])
@permission_classes([IsOrganizationMember])
def revenue_movements_view(request: Request) -> Response:
    first, last = months_of(request.query_params, clock.today_for(request.user))
    account = request.query_params.get("account")
    if account and not account.isdigit():
        raise serializers.ValidationError({"account": [_("Enter a whole number.")]})
    months = (
        selectors.revenue_movements(request.user, first, last, account_ids=[int(account)] if account else None)
        if can(request.user, "see_money")
        else []
    )
    rows, totals = [], []
    for month in months:
        label = month.month.strftime("%Y-%m")
        for move in month.movements:
            rows.append(
                {
                    "month": label,
                    "account": move.account_id,
                    "account_name": move.account.name if move.account is not None else "",
                    "currency": move.currency,
                    "kind": move.kind,
                    "before": str(calc.round_money(move.before, move.currency)),
                    "after": str(calc.round_money(move.after, move.currency)),
                    "amount": str(calc.round_money(move.amount, move.currency)),
                }
            )
        for (kind, currency), amount in sorted(month.totals.items()):
            totals.append(
                {"month": label, "currency": currency, "kind": kind, "amount": str(calc.round_money(amount, currency))}
            )
    return Response({"results": rows, "totals": totals})


def register(router: Any) -> None:
    """Put this area's viewsets on the API router."""
    router.register("contracts", ContractViewSet, basename="contract")
    router.register("amendments", AmendmentViewSet, basename="amendment")
    router.register("renewals", RenewalViewSet, basename="renewal")
