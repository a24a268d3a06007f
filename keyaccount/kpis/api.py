"""GET /api/v1/kpis/: every KPI for a scope and period, each with its numerator, denominator and value,
so a head of client service can check any number by hand (definitions: docs/metrics.md)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from keyaccount.billing import calc
from keyaccount.kpis import activity, revenue
from keyaccount.kpis.base import Frame, Metric, Unit
from keyaccount.kpis.scope import frame_from
from keyaccount.tenancy.actors import AuthenticatedRequest

# Every KPI, in the order the response lists them: `def key(frame) -> Metric` in its module.
KPI_FUNCTIONS: dict[str, Callable[[Frame], Metric]] = {
    "logo_churn_rate": revenue.logo_churn_rate,
    "gross_revenue_retention": revenue.gross_revenue_retention,
    "net_revenue_retention": revenue.net_revenue_retention,
    "retention_rate": revenue.retention_rate,
    "renewal_rate": revenue.renewal_rate,
    "cross_sell_rate": revenue.cross_sell_rate,
    "revenue": revenue.revenue,
    "revenue_growth": revenue.revenue_growth,
    "receivables_outstanding": revenue.receivables_outstanding,
    "receivables_overdue": revenue.receivables_overdue,
    "dso": revenue.dso,
    "csat": activity.csat,
    "nps": activity.nps,
    "touches_per_week": activity.touches_per_week,
    "decision_maker_touch_share": activity.decision_maker_touch_share,
    "tasks_on_time_rate": activity.tasks_on_time_rate,
}
KPI_KEYS = list(KPI_FUNCTIONS)


def _text(number: object) -> str | None:
    if number is None:
        return None
    if isinstance(number, Decimal):
        return format(number, "f")
    return str(number)


def _money(number: object, currency: str | None) -> object:
    """An amount of money to its currency's minor units ("4483333.32", not "4483333.32000000" as a sum can
    come back from SQLite); anything else as it is."""
    if currency and isinstance(number, Decimal):
        return calc.round_money(number, currency)
    return number


def metric_data(metric: Metric) -> dict[str, Any]:
    """A metric with a currency counts money in its numerator and denominator; its value is money too when
    its unit is money (a ratio or days keep their own precision)."""
    return {
        "numerator": _text(_money(metric.numerator, metric.currency)),
        "denominator": _text(_money(metric.denominator, metric.currency)),
        "value": _text(_money(metric.value, metric.currency) if metric.unit == Unit.MONEY else metric.value),
        "unit": metric.unit,
    }


_METRIC = inline_serializer(
    name="KpiMetric",
    fields={
        "numerator": serializers.CharField(allow_null=True, help_text=_("Decimal string: what is counted.")),
        "denominator": serializers.CharField(allow_null=True, help_text=_("Decimal string: what it is divided by.")),
        "value": serializers.CharField(
            allow_null=True,
            help_text=_(
                "Decimal string. Ratios are fractions 0–1 (NPS −1 to 1), money is in the response's currency, "
                "DSO in days, touches per week; null when the denominator is zero."
            ),
        ),
        "unit": serializers.ChoiceField(choices=["ratio", "money", "days", "per_week"]),
    },
)

_RESPONSE = inline_serializer(
    name="KpiReport",
    fields={
        "scope": serializers.CharField(),
        "period_start": serializers.DateField(),
        "period_end": serializers.DateField(),
        "currency": serializers.CharField(),
        "metrics": inline_serializer(name="KpiMetrics", fields=dict.fromkeys(KPI_KEYS, _METRIC)),
    },
)


class KpiView(APIView):
    """The KPIs of the organization, one account manager's portfolio or one account over a period."""

    @extend_schema(
        tags=["kpis"],
        summary="KPIs for a scope and period",
        parameters=[
            OpenApiParameter(
                "scope",
                OpenApiTypes.STR,
                description='"organization" (default), "team:<team id>" (heads and admins), "am:<user id>" '
                'or "account:<id>".',
            ),
            OpenApiParameter("period_start", OpenApiTypes.DATE, required=True, description="First day, included."),
            OpenApiParameter("period_end", OpenApiTypes.DATE, required=True, description="Last day, included."),
            OpenApiParameter(
                "currency",
                OpenApiTypes.STR,
                description="Money metrics count only this currency; default: the organization's most used "
                "contract currency, else RUB.",
            ),
        ],
        responses={
            200: _RESPONSE,
            400: OpenApiResponse(description="A bad period, currency or a scope outside what you see."),
            403: OpenApiResponse(description="Your role does not see money."),
        },
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        try:
            frame = frame_from(request.user, request.query_params)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        metrics = {key: metric_data(function(frame)) for key, function in KPI_FUNCTIONS.items()}
        return Response(
            {
                "scope": (request.query_params.get("scope") or "organization").strip(),
                "period_start": frame.period.start.isoformat(),
                "period_end": frame.period.end.isoformat(),
                "currency": frame.currency,
                "metrics": metrics,
            }
        )
