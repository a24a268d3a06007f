"""The charts of the dashboards, each read through the actor's scope (the frame's accounts are already
limited to what the actor sees) and built as a `Chart` (name, title, columns, rows).

Every builder runs a fixed number of queries, whatever the number of accounts.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keyaccount.billing import calc, receivables
from keyaccount.billing.selectors import (
    allocations_visible_to,
    invoices_visible_to,
    mrr_of_accounts,
    revenue_movements,
    upcoming_renewals,
)
from keyaccount.dashboards.charts import Chart, Column, Kind
from keyaccount.dashboards.periods import add_months
from keyaccount.kpis.base import Frame, Period, zone_of

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account

ZERO = Decimal("0.00")
BUCKET_LABELS = {
    "current": _("Not yet due"),
    "days_1_30": _("1–30 days"),
    "days_31_60": _("31–60 days"),
    "days_61_90": _("61–90 days"),
    "days_90_plus": _("Over 90 days"),
}
MOVEMENT_LABELS = {
    calc.Movement.NEW: _("New"),
    calc.Movement.EXPANSION: _("Expansion"),
    calc.Movement.CONTRACTION: _("Contraction"),
    calc.Movement.CHURN: _("Churn"),
}


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """First days of the months from `first`'s month to `last`'s month, both included."""
    result, month = [], calc.month_start(first)
    while month <= last:
        result.append(month)
        month = add_months(month, 1)
    return result


def month_label(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def account_ids(frame: Frame) -> list[int]:
    return list(frame.accounts.order_by().values_list("pk", flat=True))


# --- money ----------------------------------------------------------------------------------------


def movements_chart(frame: Frame, first: datetime.date, last: datetime.date, ids: list[int]) -> Chart:
    """New, expansion, contraction and churn of MRR per month, in the frame's currency (stacked bars)."""
    months = revenue_movements(frame.actor, first, last, account_ids=ids)
    rows = []
    for month in months:
        values = [month.total(kind, frame.currency) for kind in calc.Movement.ALL]
        rows.append([month_label(month.month), *values, sum(values, Decimal(0))])
    columns = [
        Column("month", _("Month")),
        *(Column(kind, MOVEMENT_LABELS[kind], Kind.MONEY) for kind in calc.Movement.ALL),
        Column("net", _("Net change"), Kind.MONEY),
    ]
    return Chart(
        name="revenue_movements",
        title=_("Recurring revenue movements by month"),
        columns=columns,
        rows=rows,
        x="month",
        series=list(calc.Movement.ALL),
        stacked=True,
        currency=frame.currency,
        note=_("Monthly recurring revenue of retainers: the day before each month against its last day."),
    )


def receivables_open(frame: Frame) -> list[receivables.OpenInvoice]:
    """The frame's invoices in its currency with money open at the period's end."""
    invoices = invoices_visible_to(frame.actor).filter(account__in=frame.accounts, currency=frame.currency)
    return receivables.open_invoices(invoices, frame.period.end)


def aging_chart(frame: Frame, open_invoices: list[receivables.OpenInvoice]) -> Chart:
    """What clients owe at the period's end, by how late it is, in the frame's currency."""
    totals = {row.currency: row for row in receivables.aging_totals(open_invoices)}
    total = totals.get(frame.currency)
    rows = [[BUCKET_LABELS[name], getattr(total, name) if total else ZERO] for name in calc.BUCKETS]
    return Chart(
        name="receivables_aging",
        title=_("Receivables aging"),
        columns=[Column("bucket", _("Days past due")), Column("amount", _("Open amount"), Kind.MONEY)],
        rows=rows,
        x="bucket",
        series=["amount"],
        currency=frame.currency,
        note=_("Open amounts of billed invoices at the end of the period."),
    )


def renewals(frame: Frame, today: datetime.date, ids: list[int]) -> list[Any]:
    wanted = set(ids)
    return [row for row in upcoming_renewals(frame.actor, today, within=120) if row.contract.account_id in wanted]


RENEWAL_WINDOW_LABELS = {30: _("within 30 days"), 60: _("31–60 days"), 90: _("61–90 days"), 120: _("91–120 days")}


def renewals_chart(frame: Frame, rows: list[Any]) -> Chart:
    """Contracts awaiting a renewal outcome by how soon the date that matters comes (notice deadline, or
    the end once notice was given): how many, and their MRR in the frame's currency."""
    by_window: dict[int, list[Any]] = {w: [0, ZERO] for w in RENEWAL_WINDOW_LABELS}
    for row in rows:
        by_window[row.window][0] += 1
        if row.contract.currency == frame.currency:
            by_window[row.window][1] += row.mrr
    return Chart(
        name="renewals_ahead",
        title=_("Renewals ahead"),
        columns=[
            Column("window", _("Deadline")),
            Column("contracts", _("Contracts"), Kind.NUMBER),
            Column("mrr", _("MRR"), Kind.MONEY),
        ],
        rows=[[RENEWAL_WINDOW_LABELS[w], n, mrr] for w, (n, mrr) in by_window.items()],
        x="window",
        series=["contracts"],
        currency=frame.currency,
        note=_("A passed notice deadline counts in the first window."),
    )


def renewal_list_chart(rows: list[Any]) -> Chart:
    """The contracts behind `renewals_chart`, nearest first."""
    data: list[list[Any]] = []
    links: list[str | None] = []
    for row in rows:
        contract = row.contract
        data.append(
            [
                str(contract.account),
                str(contract),
                contract.end_date,
                row.notice_deadline,
                row.key_days,
                contract.currency,
                row.mrr,
            ]
        )
        links.append(reverse("billing:contract_detail", args=[contract.pk]))
    return Chart(
        name="renewal_list",
        title=_("Contracts up for renewal"),
        columns=[
            Column("account", _("Account")),
            Column("contract", _("Contract")),
            Column("end_date", _("Ends"), Kind.DATE),
            Column("notice_deadline", _("Notice deadline"), Kind.DATE),
            Column("days", _("Days to the deadline"), Kind.NUMBER),
            Column("currency", _("Currency")),
            Column("mrr", _("MRR"), Kind.NUMBER),
        ],
        rows=data,
        draw="",
        links=links,
    )


def portfolio_chart(
    frame: Frame, open_invoices: list[receivables.OpenInvoice], ids: list[int], today: datetime.date
) -> Chart:
    """An account manager's accounts: status, health, MRR today and receivables at the period's end."""
    accounts = list(frame.accounts.select_related("health").order_by("name", "pk"))
    mrr = mrr_of_accounts(frame.actor, min(today, frame.period.end), ids)
    owed: dict[int, list[Decimal]] = {}
    for invoice in open_invoices:
        entry = owed.setdefault(invoice.account_id, [ZERO, ZERO])
        entry[0] += invoice.open_amount
        if invoice.is_overdue:
            entry[1] += invoice.open_amount
    rows: list[list[Any]] = []
    links: list[str | None] = []
    for account in accounts:
        health = getattr(account, "health", None)
        rows.append(
            [
                account.name,
                account.get_status_display(),
                health.score if health else None,
                health.get_band_display() if health else _("Unknown"),
                mrr.get((account.pk, frame.currency), ZERO),
                owed.get(account.pk, [ZERO, ZERO])[0],
                owed.get(account.pk, [ZERO, ZERO])[1],
            ]
        )
        links.append(reverse("dashboards:account", args=[account.pk]))
    return Chart(
        name="portfolio",
        title=_("Portfolio"),
        columns=[
            Column("account", _("Account")),
            Column("status", _("Status")),
            Column("score", _("Health score"), Kind.NUMBER),
            Column("band", _("Health")),
            Column("mrr", _("MRR"), Kind.MONEY),
            Column("outstanding", _("Receivables"), Kind.MONEY),
            Column("overdue", _("Overdue"), Kind.MONEY),
        ],
        rows=rows,
        x="account",
        series=["mrr"],
        currency=frame.currency,
        links=links,
    )


# --- health ---------------------------------------------------------------------------------------


def _clients(frame: Frame) -> QuerySet[Account]:
    """The frame's accounts that are still clients: a churned account keeps its last score, but it is
    lost, not at risk, so the health charts leave it out."""
    from keyaccount.accounts.models import AccountStatus

    return frame.accounts.exclude(status=AccountStatus.CHURNED)


def health_distribution_chart(frame: Frame) -> Chart:
    from keyaccount.health.base import Band
    from keyaccount.health.selectors import distribution

    counts = distribution(_clients(frame))
    return Chart(
        name="health_distribution",
        title=_("Health distribution"),
        columns=[Column("band", _("Health")), Column("accounts", _("Accounts"), Kind.NUMBER)],
        rows=[[str(label), counts.get(value, 0)] for value, label in Band.choices],
        draw="doughnut",
        x="band",
        series=["accounts"],
        note=_(
            "Current health of each client (churned accounts left out); an account not scored yet counts as unknown."
        ),
    )


def top_risk_chart(frame: Frame, limit: int = 10) -> Chart:
    from keyaccount.health.selectors import top_risk

    risks = top_risk(_clients(frame), limit)
    return Chart(
        name="top_risk",
        title=_("Accounts most at risk"),
        columns=[
            Column("account", _("Account")),
            Column("owner", _("Account manager")),
            Column("score", _("Health score"), Kind.NUMBER),
            Column("band", _("Health")),
            Column("worst", _("Costs the most")),
            Column("points_lost", _("Points lost"), Kind.NUMBER),
        ],
        rows=[
            [
                r.account.name,
                str(r.account.owner or ""),
                r.score,
                r.band,
                r.worst_label,
                r.points_lost,
            ]
            for r in risks
        ],
        x="account",
        series=["score"],
        links=[reverse("dashboards:account", args=[r.account.pk]) for r in risks],
        note=_(
            "Lowest current scores of clients (churned accounts left out) first, with the measure that costs "
            "each score the most points."
        ),
    )


def health_history_chart(account: Account, start: datetime.date, end: datetime.date) -> Chart:
    from keyaccount.health.selectors import history

    rows = [[s.on, s.score, s.band] for s in history(account, start, end)]
    return Chart(
        name="health_history",
        title=_("Health over time"),
        columns=[
            Column("day", _("Day"), Kind.DATE),
            Column("score", _("Health score"), Kind.NUMBER),
            Column("band", _("Health")),
        ],
        rows=rows,
        draw="line",
        x="day",
        series=["score"],
        note=_("Daily snapshots; a day without a score is left blank."),
    )


# --- one account ----------------------------------------------------------------------------------


def revenue_by_month_chart(frame: Frame, account: Account, first: datetime.date, last: datetime.date) -> Chart:
    """Payments received against the account's invoices in the frame's currency, by the payment's month."""
    end = calc.month_end(last)
    rows = (
        allocations_visible_to(frame.actor)
        .filter(
            invoice__account=account,
            invoice__currency=frame.currency,
            payment__date__gte=first,
            payment__date__lte=end,
        )
        .values_list("payment__date", "amount")
    )
    totals = dict.fromkeys(months_between(first, last), ZERO)
    for day, amount in rows:
        totals[calc.month_start(day)] += amount
    return Chart(
        name="revenue_by_month",
        title=_("Revenue by month"),
        columns=[Column("month", _("Month")), Column("paid", _("Paid"), Kind.MONEY)],
        rows=[[month_label(m), amount] for m, amount in totals.items()],
        x="month",
        series=["paid"],
        currency=frame.currency,
        note=_("Payments allocated to the account's invoices, by the payment's date."),
    )


def touches_by_month_chart(frame: Frame, first: datetime.date, last: datetime.date) -> Chart:
    """Held client touches per month on the frame's accounts, and those with a decision maker."""
    from keyaccount.contacts.models import Contact, DecisionRole
    from keyaccount.kpis.activity import touches

    window = Frame(
        actor=frame.actor,
        accounts=frame.accounts,
        period=Period(start=first, end=calc.month_end(last)),
        currency=frame.currency,
        user_id=frame.user_id,
    )
    dm = Contact.objects.filter(interactions=OuterRef("pk"), decision_role=DecisionRole.DECISION_MAKER)
    rows = touches(window).annotate(with_dm=Exists(dm)).values_list("occurred_at", "with_dm")
    tz = zone_of(frame)
    counts = {month: [0, 0] for month in months_between(first, last)}
    for occurred_at, with_dm in rows:
        month = calc.month_start(occurred_at.astimezone(tz).date())
        counts[month][0] += 1
        counts[month][1] += 1 if with_dm else 0
    return Chart(
        name="touches_by_month",
        title=_("Client touches by month"),
        columns=[
            Column("month", _("Month")),
            Column("touches", _("Touches"), Kind.NUMBER),
            Column("with_decision_maker", _("With a decision maker"), Kind.NUMBER),
        ],
        rows=[[month_label(m), n, dm_n] for m, (n, dm_n) in counts.items()],
        x="month",
        series=["touches", "with_decision_maker"],
        note=_("Calls, meetings, emails, messages and events held with the client."),
    )
