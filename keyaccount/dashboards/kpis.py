"""The KPIs as the dashboards show them: labelled, with what their numerator and denominator count, and
the comparison of account managers (side by side, and each one against their team's average).

Team average (docs): for each KPI, the arithmetic mean of the values of the team's account managers
whose value is defined (a manager with a zero denominator is left out), the manager looked at included.
An account manager without a team is compared with all account managers of the organization. Each
manager's values are those of the scope "am:<id>" (the accounts they own, their own touches).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing import calc
from keyaccount.dashboards.charts import Chart, Column, Kind
from keyaccount.kpis.api import KPI_FUNCTIONS
from keyaccount.kpis.base import Frame, Metric, Unit

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

# key: (name, what the numerator counts, what the denominator counts)
KPI_TEXT: dict[str, tuple[Any, Any, Any]] = {
    "logo_churn_rate": (
        _("Logo churn rate"),
        _("accounts active at the start that churned in the period"),
        _("accounts active at the start"),
    ),
    "gross_revenue_retention": (
        _("Gross revenue retention"),
        _("MRR at the start − contraction − churned MRR"),
        _("MRR at the start of the starting cohort"),
    ),
    "net_revenue_retention": (
        _("Net revenue retention"),
        _("MRR at the start − contraction − churned MRR + expansion"),
        _("MRR at the start of the starting cohort"),
    ),
    "retention_rate": (
        _("Retention rate"),
        _("accounts active at the end − new accounts"),
        _("accounts active at the start"),
    ),
    "renewal_rate": (
        _("Renewal rate"),
        _("contract terms renewed or expanded"),
        _("contract terms that came up for renewal in the period"),
    ),
    "cross_sell_rate": (
        _("Cross-sell rate"),
        _("accounts of the starting cohort that added a service"),
        _("accounts active at the start"),
    ),
    "revenue": (_("Revenue (paid)"), _("payments received in the period"), None),
    "revenue_growth": (
        _("Revenue growth"),
        _("revenue − revenue of the previous equal period"),
        _("revenue of the previous equal period"),
    ),
    "receivables_outstanding": (_("Receivables outstanding"), _("open amount at the end"), None),
    "receivables_overdue": (_("Receivables overdue"), _("open amount past due at the end"), None),
    "dso": (_("DSO, days"), _("receivables outstanding at the end"), _("amount invoiced in the period")),
    "csat": (_("CSAT"), _("answers of 4 or 5"), _("CSAT answers")),
    "nps": (_("NPS"), _("promoters − detractors"), _("NPS answers")),
    "touches_per_week": (_("Client touches per week"), _("held client touches"), _("weeks in the period")),
    "decision_maker_touch_share": (
        _("Touches with a decision maker"),
        _("touches with a decision maker"),
        _("held client touches"),
    ),
    "tasks_on_time_rate": (
        _("Tasks done on time"),
        _("tasks done by their due time"),
        _("tasks done in the period"),
    ),
}
KPI_KEYS = list(KPI_FUNCTIONS)


# KPIs whose numerator and denominator are amounts of money in the frame's currency.
MONEY_PARTS = {
    "gross_revenue_retention",
    "net_revenue_retention",
    "revenue",
    "revenue_growth",
    "receivables_outstanding",
    "receivables_overdue",
    "dso",
}


def _in_currency(metric: Metric, currency: str) -> Metric:
    """Money parts with the currency's decimals (a database sum may come back as 500 instead of 500.00)."""
    if metric.key not in MONEY_PARTS:
        return metric

    def exact(amount: Any) -> Any:
        return None if amount is None else calc.round_money(Decimal(amount), currency)

    value = exact(metric.value) if metric.unit == Unit.MONEY else metric.value
    return replace(metric, numerator=exact(metric.numerator), denominator=exact(metric.denominator), value=value)


def metrics_of(frame: Frame) -> dict[str, Metric]:
    return {key: _in_currency(function(frame), frame.currency) for key, function in KPI_FUNCTIONS.items()}


def column_kind(unit: str) -> str:
    return {Unit.RATIO: Kind.RATIO, Unit.MONEY: Kind.MONEY}.get(unit, Kind.NUMBER)


@dataclass(frozen=True)
class KpiRow:
    """One KPI as the page shows it, with an optional comparison value (the team average)."""

    key: str
    label: Any
    numerator_text: Any
    denominator_text: Any
    metric: Metric
    kind: str
    compared: Decimal | None = None


def kpi_rows(metrics: dict[str, Metric], compared: dict[str, Decimal | None] | None = None) -> list[KpiRow]:
    rows = []
    for key in KPI_KEYS:
        label, numerator_text, denominator_text = KPI_TEXT[key]
        metric = metrics[key]
        rows.append(
            KpiRow(
                key=key,
                label=label,
                numerator_text=numerator_text,
                denominator_text=denominator_text,
                metric=metric,
                kind=column_kind(metric.unit),
                compared=(compared or {}).get(key),
            )
        )
    return rows


def kpi_chart(rows: list[KpiRow], *, currency: str, compared_label: Any = None) -> Chart:
    """The KPIs as a table (no drawing): value, numerator, denominator, unit; and the comparison."""
    columns = [
        Column("kpi", _("KPI")),
        Column("value", pgettext_lazy("figure", "Value"), Kind.NUMBER),
        Column("numerator", _("Numerator"), Kind.NUMBER),
        Column("denominator", _("Denominator"), Kind.NUMBER),
        Column("unit", _("Unit")),
    ]
    if compared_label is not None:
        columns.append(Column("compared", compared_label, Kind.NUMBER))
    data = []
    for row in rows:
        m = row.metric
        line = [str(row.label), m.value, m.numerator, m.denominator, m.unit]
        if compared_label is not None:
            line.append(row.compared)
        data.append(line)
    return Chart(name="kpis", title=_("KPIs"), columns=columns, rows=data, draw="", currency=currency)


def average(values: list[Decimal | None]) -> Decimal | None:
    """The mean of the defined values, 4 decimals half up; None when no value is defined."""
    known = [Decimal(v) for v in values if v is not None]
    if not known:
        return None
    return (sum(known, Decimal(0)) / len(known)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def am_frames(actor: User, frame: Frame, user_ids: list[int]) -> dict[int, Frame]:
    """One frame per account manager over the same period and currency (for org-wide readers)."""
    visible = accounts_visible_to(actor)
    return {
        uid: Frame(
            actor=actor,
            accounts=visible.filter(owner_id=uid),
            period=frame.period,
            currency=frame.currency,
            user_id=uid,
        )
        for uid in user_ids
    }


def metrics_by_am(actor: User, frame: Frame, user_ids: list[int]) -> dict[int, dict[str, Metric]]:
    return {uid: metrics_of(f) for uid, f in am_frames(actor, frame, user_ids).items()}


def team_average(by_am: dict[int, dict[str, Metric]]) -> dict[str, Decimal | None]:
    return {key: average([metrics[key].value for metrics in by_am.values()]) for key in KPI_KEYS}


def comparison_chart(people: list[User], by_am: dict[int, dict[str, Metric]], *, currency: str, link: Any) -> Chart:
    """Account managers side by side: one row each, one column per KPI value."""
    columns = [Column("am", _("Account manager"))]
    for key in KPI_KEYS:
        unit = next(iter(by_am.values()))[key].unit if by_am else Unit.RATIO
        columns.append(Column(key, KPI_TEXT[key][0], column_kind(unit)))
    rows = [[str(person), *(by_am[person.pk][key].value for key in KPI_KEYS)] for person in people]
    return Chart(
        name="account_managers",
        title=_("Account managers side by side"),
        columns=columns,
        rows=rows,
        draw="",
        currency=currency,
        links=[link(person) for person in people],
    )
