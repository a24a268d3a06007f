"""`{% cell value column currency %}` and `{% kpi_value metric %}`: numbers of the dashboards as people read
them (ratios as percentages, money with its currency's decimals), while tables and CSV keep exact values."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils import formats

from keyaccount.core.money import format_money
from keyaccount.dashboards.charts import Column, Kind
from keyaccount.dashboards.kpis import MONEY_PARTS
from keyaccount.kpis.base import Metric, Unit

register = template.Library()
DASH = "—"


def percent(value: Any) -> str:
    number = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{formats.number_format(number, 1)} %"


DISPLAY_PLACES = {Unit.DAYS: 1, Unit.PER_WEEK: 2}


def number(value: Any) -> str:
    return formats.number_format(value, use_l10n=True)


@register.simple_tag
def cell(value: Any, column: Column, currency: str | None = None) -> str:
    if value is None or value == "":
        return DASH
    if column.kind == Kind.RATIO and isinstance(value, (Decimal, int)):
        return percent(value)
    if column.kind == Kind.MONEY and currency and isinstance(value, (Decimal, int)):
        return format_money(Decimal(value), currency)
    if column.kind == Kind.DATE and isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return number(value)
    return str(value)


@register.simple_tag
def kpi_value(value: Any, unit: str, currency: str | None = None) -> str:
    """A KPI value (or a comparison value in the same unit) as the page shows it."""
    if value is None:
        return DASH
    if unit == Unit.RATIO:
        return percent(value)
    if unit == Unit.MONEY and currency:
        return format_money(Decimal(value), currency)
    # Days and touches per week show the places the KPI itself is given in, averages included.
    places = DISPLAY_PLACES.get(unit)
    if places is not None:
        return formats.number_format(Decimal(value), decimal_pos=places, use_l10n=True)
    return number(value)


@register.simple_tag
def kpi_part(metric: Metric, part: str, currency: str | None = None) -> str:
    """The numerator or denominator of a KPI: money in the currency, counts and weeks as numbers."""
    value = getattr(metric, part)
    if value is None:
        return DASH
    if metric.key in MONEY_PARTS and currency:
        return format_money(Decimal(value), currency)
    return number(value)
