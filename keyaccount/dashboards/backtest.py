"""The backtest section of the organization dashboard (heads and admins): how well the current health
model's month-end scores told the accounts that churned or shrank within 90 days (`health.backtest`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyaccount.dashboards.charts import Chart, Column, Kind
from keyaccount.health.backtest import backtest
from keyaccount.tenancy.permissions import membership_of

if TYPE_CHECKING:
    from keyaccount.kpis.base import Frame


def charts(frame: Frame) -> list[Chart]:
    """Two tables: the figures (ROC AUC, samples, precision, recall) and the confusion table."""
    membership = membership_of(frame.actor)
    assert membership is not None
    result = backtest(membership.organization, accounts=list(frame.accounts.values_list("pk", flat=True)))
    summary = Chart(
        name="backtest",
        title=_("Backtest of the health score"),
        columns=[Column("figure", _("Figure")), Column("value", pgettext_lazy("figure", "Value"), Kind.NUMBER)],
        rows=[
            [str(_("ROC AUC")), result.auc],
            [str(_("Samples (month-end scores)")), result.samples],
            [str(_("Churned or shrank within 90 days")), result.positives],
            [str(_("Neither churned nor shrank")), result.negatives],
            [str(_("Red threshold (score below)")), result.red_below],
            [str(_("Precision at the red threshold")), result.precision],
            [str(_("Recall at the red threshold")), result.recall],
            [str(_("First month end")), result.first_month_end],
            [str(_("Last month end")), result.last_month_end],
        ],
        draw="",
        note=_(
            "Month-end health scored with the current health model's weights. ROC AUC: the chance that an "
            "account which then churned or shrank had a lower score than one which did not (1 perfect, 0.5 "
            "no better than chance)."
        ),
    )
    predicted = str(_("Red (score below %(threshold)s)") % {"threshold": result.red_below})
    confusion = Chart(
        name="backtest_confusion",
        title=_("Confusion table at the red threshold"),
        columns=[
            Column("predicted", _("Score")),
            Column("positive", _("Churned or shrank within 90 days"), Kind.NUMBER),
            Column("negative", _("Neither churned nor shrank"), Kind.NUMBER),
        ],
        rows=[
            [predicted, result.true_positives, result.false_positives],
            [str(_("Not red")), result.false_negatives, result.true_negatives],
        ],
        draw="",
    )
    return [summary, confusion]
