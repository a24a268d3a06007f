"""REST API of receivables and collection: the receivables list (aging per account and currency), its
summary with DSO and its export; closing documents (acts); the organization's billing settings.

Receivables are computed, not stored: a row's id is `<account id>-<currency>` (e.g. `12-RUB`) and every
read takes `?as_of=YYYY-MM-DD` (default today). Definitions: `keyaccount/billing/receivables.py`.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing import receivables, selectors
from keyaccount.billing.exports import FORMATS, export_response
from keyaccount.billing.filtersets.collection import ActFilterSet, ReceivableFilterSet
from keyaccount.billing.models import Act, Contract
from keyaccount.billing.services import collection as services
from keyaccount.core import clock
from keyaccount.core.api import (
    DecimalStringField,
    FilterBackend,
    MoneyOut,
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
    VersionedSerializerMixin,
)
from keyaccount.tenancy.actors import AuthenticatedRequest
from keyaccount.tenancy.permissions import can, membership_of, require

MONEY: MoneyOut = {"max_digits": 18, "decimal_places": 2, "coerce_to_string": True}
ROW_ID = re.compile(r"^(\d+)-([A-Z]{3})$")
AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, description="The day looked at, YYYY-MM-DD; default today.", required=False
)


# --- receivables ------------------------------------------------------------------------------------


class InvoiceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    due_date = serializers.DateField(read_only=True)


class AgingSerializer(serializers.Serializer):
    """Open amounts by days past due, in one currency (never summed across currencies)."""

    currency = serializers.CharField(read_only=True)
    current = serializers.DecimalField(**MONEY, read_only=True, help_text=_("Not yet due."))
    days_1_30 = serializers.DecimalField(**MONEY, read_only=True)
    days_31_60 = serializers.DecimalField(**MONEY, read_only=True)
    days_61_90 = serializers.DecimalField(**MONEY, read_only=True)
    days_90_plus = serializers.DecimalField(**MONEY, read_only=True)
    total = serializers.DecimalField(**MONEY, read_only=True, help_text=_("The sum of the buckets."))
    overdue = serializers.DecimalField(**MONEY, read_only=True, help_text=_("Total less current."))
    invoice_count = serializers.IntegerField(read_only=True)
    oldest_overdue_invoice = InvoiceRefSerializer(source="oldest_overdue", read_only=True, allow_null=True)
    oldest_overdue_days = serializers.IntegerField(read_only=True, allow_null=True)


class ReceivableSerializer(AgingSerializer):
    """What one account owes in one currency at `as_of`."""

    id = serializers.CharField(source="key", read_only=True, help_text=_("<account id>-<currency>"))
    account = serializers.IntegerField(source="account_id", read_only=True)
    account_name = serializers.CharField(read_only=True)
    owner = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True)
    owner_name = serializers.CharField(read_only=True)

    class Meta:
        fields = [
            "id",
            "account",
            "account_name",
            "owner",
            "owner_name",
            "currency",
            "current",
            "days_1_30",
            "days_31_60",
            "days_61_90",
            "days_90_plus",
            "total",
            "overdue",
            "invoice_count",
            "oldest_overdue_invoice",
            "oldest_overdue_days",
        ]


class DsoMixin(serializers.Serializer):
    invoiced = serializers.DecimalField(
        **MONEY, read_only=True, help_text=_("Invoiced in the period (issue date within it, not void).")
    )
    dso = serializers.DecimalField(
        max_digits=12,
        decimal_places=1,
        coerce_to_string=True,
        read_only=True,
        allow_null=True,
        help_text=_("Days sales outstanding for the period; null when nothing was invoiced."),
    )


class TotalSerializer(DsoMixin, AgingSerializer):
    pass


class OwnerTotalSerializer(DsoMixin, AgingSerializer):
    owner = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True)
    owner_name = serializers.CharField(read_only=True)


class SummarySerializer(serializers.Serializer):
    as_of = serializers.DateField(read_only=True)
    period_start = serializers.DateField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    period_days = serializers.IntegerField(read_only=True)
    totals = TotalSerializer(many=True, read_only=True, help_text=_("Per currency, everything you see."))
    by_owner = OwnerTotalSerializer(many=True, read_only=True, help_text=_("Per account manager and currency."))


class SummaryQuerySerializer(serializers.Serializer):
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("period_start"), attrs.get("period_end")
        if start and end and end < start:
            raise serializers.ValidationError({"period_end": _("The period cannot end before it starts.")})
        return attrs


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=FORMATS, default="csv")


def export_table(rows: list[receivables.AccountAging]) -> tuple[list[Any], list[list[Any]]]:
    """The receivables list as a table for CSV and XLSX: headers and rows of plain values."""
    headers = [
        _("Account"),
        _("Account manager"),
        _("Currency"),
        _("Current"),
        _("1–30 days"),
        _("31–60 days"),
        _("61–90 days"),
        _("Over 90 days"),
        _("Total"),
        _("Overdue"),
        _("Oldest overdue invoice"),
        _("Due date"),
        _("Days past due"),
    ]
    table = []
    for row in rows:
        oldest = row.oldest_overdue
        table.append(
            [
                row.account_name,
                row.owner_name,
                row.currency,
                row.current,
                row.days_1_30,
                row.days_31_60,
                row.days_61_90,
                row.days_90_plus,
                row.total,
                row.overdue,
                oldest.number if oldest else "",
                oldest.due_date if oldest else None,
                oldest.days_past_due if oldest else None,
            ]
        )
    return headers, table


def as_of_of(request: Request) -> datetime.date:
    """The `as_of` of a request whose filters were validated already (today when absent)."""
    value = request.query_params.get("as_of")
    if not value:
        return clock.today_for(request.user)
    return serializers.DateField().to_internal_value(value)


ROW_FILTERS = [
    OpenApiParameter("account", OpenApiTypes.INT, description="Only this account."),
    OpenApiParameter("owner", OpenApiTypes.INT, description="Only accounts of this account manager."),
    OpenApiParameter("currency", OpenApiTypes.STR, description="Only this currency, e.g. RUB."),
]


@extend_schema(tags=["billing"])
@extend_schema_view(
    list=extend_schema(parameters=[AS_OF], summary="Receivables per account and currency, by days past due"),
    retrieve=extend_schema(
        parameters=[AS_OF, OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="12-RUB")],
        summary="One account's receivables in one currency",
    ),
)
class ReceivableViewSet(ServiceViewSetMixin, viewsets.GenericViewSet):
    """What clients owe at `as_of`: per account and currency, the open amounts by days past due (current,
    1–30, 31–60, 61–90, 90+), the total, the overdue part and the oldest overdue invoice. Only accounts
    with something open are listed. Amounts in different currencies are never added together."""

    serializer_class = ReceivableSerializer
    filterset_class = ReceivableFilterSet
    filter_backends = [FilterBackend]
    lookup_value_regex = r"[0-9]+-[A-Z]{3}"
    selector = selectors.invoices_visible_to

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # `?format=csv` chooses the export file, not a DRF renderer.
        if getattr(self, "action", None) == "export":
            renderer = JSONRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    def rows(self) -> list[receivables.AccountAging]:
        invoices = self.filter_queryset(self.get_queryset())
        return receivables.receivables_by_account(invoices, as_of_of(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.rows()
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]  # DRF pages any sequence; the stubs say QuerySet
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        match = ROW_ID.match(str(kwargs.get("pk", "")))
        if match is None:
            raise Http404
        invoices = self.filter_queryset(self.get_queryset()).filter(
            account_id=int(match.group(1)), currency=match.group(2)
        )
        rows = receivables.receivables_by_account(invoices, as_of_of(request))
        if not rows:
            raise Http404
        return Response(self.get_serializer(rows[0]).data)

    @extend_schema(
        parameters=[
            AS_OF,
            OpenApiParameter("period_start", OpenApiTypes.DATE, description="DSO period start; default as_of − 89."),
            OpenApiParameter("period_end", OpenApiTypes.DATE, description="DSO period end; default as_of."),
            *ROW_FILTERS,
        ],
        responses=SummarySerializer,
        summary="Receivables totals per currency and per account manager, with DSO",
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def summary(self, request: Request) -> Response:
        """Totals per currency for everything you see, and per account manager, at `as_of`; DSO for the
        period (default: the 90 days ending at `as_of`)."""
        invoices = FilterBackend().filter_queryset(request, self.get_queryset(), self)
        as_of = as_of_of(request)
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data.get("period_start"), query.validated_data.get("period_end")
        if start and not end:
            end = as_of if as_of >= start else start
        elif end and not start:
            start = receivables.default_period(end)[0]
        result = receivables.summary(invoices, as_of, start, end)
        data = SummarySerializer(
            {**result.__dict__, "period_days": receivables.period_days(result.period_start, result.period_end)}
        ).data
        return Response(data)

    @extend_schema(
        parameters=[
            AS_OF,
            OpenApiParameter("format", OpenApiTypes.STR, enum=[*FORMATS], description="csv (default) or xlsx"),
            *ROW_FILTERS,
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Receivables per account and currency as CSV or XLSX",
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request: Request) -> HttpResponse:
        """The receivables list as a file: CSV (UTF-8) or XLSX, decimals exact."""
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        invoices = FilterBackend().filter_queryset(request, self.get_queryset(), self)
        as_of = as_of_of(request)
        headers, table = export_table(receivables.receivables_by_account(invoices, as_of))
        return export_response(
            query.validated_data["format"], f"receivables-{as_of.isoformat()}", headers, table, str(_("Receivables"))
        )


# --- acts -------------------------------------------------------------------------------------------


class ActSerializer(VersionedSerializerMixin, ServiceModelSerializer):
    """A closing document (act of work done) for a period, which the client signs."""

    account = ScopedPrimaryKeyRelatedField(model=Account, scope=accounts_visible_to)
    contract = ScopedPrimaryKeyRelatedField(
        model=Contract, scope=selectors.contracts_visible_to, required=False, allow_null=True
    )
    account_name = serializers.CharField(source="account.name", read_only=True)
    amount = DecimalStringField(**MONEY, help_text=_("A decimal string greater than zero."))
    currency = serializers.CharField(
        required=False, max_length=3, help_text=_("The contract's currency; default the contract's or the account's.")
    )
    needs_chasing = serializers.SerializerMethodField(
        help_text=_("Sent at least the organization's chase period ago and not signed.")
    )
    create_only_fields = {
        "account": _("An act stays with its account."),
        "sent_on": _("Mark the act as sent with POST …/send/."),
    }

    class Meta:
        model = Act
        fields = [
            "id",
            "account",
            "account_name",
            "contract",
            "number",
            "period_start",
            "period_end",
            "amount",
            "currency",
            "sent_on",
            "signed_on",
            "chased_at",
            "needs_chasing",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["signed_on", "chased_at", "created_at", "updated_at"]

    def get_needs_chasing(self, act: Act) -> bool:
        chase_days = self.context.get("act_chase_days")
        if chase_days is None:
            return False
        actor = getattr(self.context.get("request"), "user", None)
        return services.act_chase_due(act, clock.today_for(actor), chase_days)


class ActSendSerializer(serializers.Serializer):
    sent_on = serializers.DateField(required=False, help_text=_("Default today."))
    version = serializers.IntegerField(required=False, min_value=1)


class ActSignSerializer(serializers.Serializer):
    signed_on = serializers.DateField(required=False, help_text=_("Default today; not before it was sent."))
    version = serializers.IntegerField(required=False, min_value=1)


@extend_schema(tags=["billing"])
class ActViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Closing documents of the accounts whose money the signed-in user sees; `?needs_chasing=true` lists
    those sent long ago and still unsigned. A signed act no longer changes."""

    serializer_class = ActSerializer
    filterset_class = ActFilterSet
    search_fields = ["number", "note"]
    ordering_fields = ["period_end", "sent_on", "signed_on", "amount", "created_at"]
    ordering = ["-period_end", "-id"]
    capabilities = {
        "create": "manage_money",
        "update": "manage_money",
        "destroy": "manage_money",
        "send": "manage_money",
        "sign": "manage_money",
    }
    selector = selectors.acts_visible_to
    services = {"create": services.act_create, "update": services.act_update, "delete": services.act_delete}

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        membership = membership_of(self.request.user)
        if membership is not None and can(self.request.user, "see_money"):
            context["act_chase_days"] = selectors.settings_read(membership.organization_id).act_chase_days
        return context

    @extend_schema(request=ActSendSerializer, responses=ActSerializer, summary="Mark an act as sent to the client")
    @action(detail=True, methods=["post"])
    def send(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        act = self.get_object()
        payload = ActSendSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.act_mark_sent(
            actor=request.user,
            act=act,
            sent_on=payload.validated_data.get("sent_on"),
            expected_version=payload.validated_data.get("version"),
        )
        return self.fresh_response(act, ActSerializer)

    @extend_schema(request=ActSignSerializer, responses=ActSerializer, summary="Record the client's signature")
    @action(detail=True, methods=["post"])
    def sign(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        act = self.get_object()
        payload = ActSignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.act_mark_signed(
            actor=request.user,
            act=act,
            signed_on=payload.validated_data.get("signed_on"),
            expected_version=payload.validated_data.get("version"),
        )
        return self.fresh_response(act, ActSerializer)


# --- billing settings -------------------------------------------------------------------------------


class DunningStepSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365, help_text=_("Days overdue."))
    escalate = serializers.BooleanField(default=False, help_text=_("Also tell the heads."))


class BillingSettingsSerializer(serializers.Serializer):
    payment_terms_days = serializers.IntegerField(
        min_value=0, max_value=365, help_text=_("Days to pay an invoice that is not under a contract.")
    )
    act_chase_days = serializers.IntegerField(
        min_value=1, max_value=365, help_text=_("An act sent this many days ago and not signed is flagged.")
    )
    dunning_steps = DunningStepSerializer(
        many=True, help_text=_("Days overdue at which the account manager gets a reminder; escalate tells the heads.")
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Send back the version you read; a stale one is refused with 409."
    )


@extend_schema(tags=["billing"])
class BillingSettingsView(APIView):
    """The organization's money defaults: payment terms, when unsigned acts are flagged, the collection
    steps. Everyone who sees money reads them; heads and administrators change them."""

    @extend_schema(responses=BillingSettingsSerializer, summary="The organization's billing settings")
    def get(self, request: Request) -> Response:
        membership = require(request.user, "see_money")
        return Response(BillingSettingsSerializer(selectors.settings_read(membership.organization_id)).data)

    @extend_schema(
        request=BillingSettingsSerializer,
        responses={200: BillingSettingsSerializer, 409: OpenApiResponse(description="Stale version.")},
        summary="Change the billing settings",
    )
    def put(self, request: AuthenticatedRequest) -> Response:
        return self._save(request, partial=False)

    @extend_schema(
        request=BillingSettingsSerializer,
        responses={200: BillingSettingsSerializer, 409: OpenApiResponse(description="Stale version.")},
        summary="Change some of the billing settings",
    )
    def patch(self, request: AuthenticatedRequest) -> Response:
        return self._save(request, partial=True)

    def _save(self, request: AuthenticatedRequest, *, partial: bool) -> Response:
        if not can(request.user, "manage_billing_settings"):
            raise DjangoPermissionDenied(_("Your role does not allow this."))
        payload = BillingSettingsSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        version = data.pop("version", None)
        if "dunning_steps" in data:
            data["dunning_steps"] = [dict(step) for step in data["dunning_steps"]]
        saved = services.billing_settings_update(actor=request.user, data=data, expected_version=version)
        return Response(BillingSettingsSerializer(saved).data)


def register(router: Any) -> None:
    """Put this area's viewsets on the API router."""
    router.register("receivables", ReceivableViewSet, basename="receivable")
    router.register("acts", ActViewSet, basename="act")
