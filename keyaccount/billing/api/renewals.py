"""REST API of contracts coming up for renewal and the outcomes recorded for them, and the revenue
movements per month (new, expansion, contraction, churn).

Every write goes to `keyaccount.billing.services.contracts` with the signed-in user as the actor, and
every read comes from `keyaccount.billing.selectors`. Money is a decimal string in and out, never a float.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from keyaccount.billing import calc, selectors
from keyaccount.billing.api.contracts import MoneyField
from keyaccount.billing.models import Contract, Renewal, RenewalOutcome
from keyaccount.billing.services import contracts as services
from keyaccount.core import clock
from keyaccount.core.api import ScopedPrimaryKeyRelatedField, ServiceViewSetMixin
from keyaccount.tenancy.access import IsOrganizationMember
from keyaccount.tenancy.actors import AuthenticatedRequest
from keyaccount.tenancy.permissions import can


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
    selector = selectors.contracts_visible_to  # for the schema and the permission classes

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
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]  # DRF pages any sequence; the stubs say QuerySet
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
    def create(self, request: AuthenticatedRequest) -> Response:
        # Not a model create: the input names the contract, and the answer is the renewal recorded.
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
    router.register("renewals", RenewalViewSet, basename="renewal")
