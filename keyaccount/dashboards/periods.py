"""The dashboards' period picker: a month, quarter or year (the one containing a day), or custom dates.

A calendar period that is still running ends today ("to date"), so nothing is measured in the future
and the KPIs, the receivables and the charts all stop at the same day. Trend charts (revenue by month,
movements, touches) show the months the period touches, and at least the 12 months ending with the
period's last month.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from keyaccount.billing import calc

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
KINDS = [(MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year")), (CUSTOM, _("Custom dates"))]
TREND_MONTHS = 12


def _bounds(kind: str, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    if kind == YEAR:
        return datetime.date(on.year, 1, 1), datetime.date(on.year, 12, 31)
    if kind == QUARTER:
        first = datetime.date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
        return first, calc.month_end(datetime.date(first.year, first.month + 2, 1))
    return calc.month_start(on), calc.month_end(on)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before, when negative) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Picker:
    """What the reader chose: the period's kind and day, or custom dates; the currency; the scope."""

    kind: str
    on: datetime.date
    start_text: str
    end_text: str
    currency: str
    scope: str
    today: datetime.date

    def kpi_params(self) -> dict[str, str]:
        """The parameters `kpis.scope.frame_from` reads (it validates the dates and the scope)."""
        if self.kind == CUSTOM:
            start, end = self.start_text, self.end_text
        else:
            first, last = _bounds(self.kind, self.on)
            start, end = first.isoformat(), min(last, max(first, self.today)).isoformat()
        return {"period_start": start, "period_end": end, "currency": self.currency, "scope": self.scope}

    def query(self, **changes: Any) -> str:
        """This choice as a query string, with `changes` applied (e.g. on=… for the previous period)."""
        values = {
            "period": self.kind,
            "on": self.on.isoformat(),
            "start": self.start_text,
            "end": self.end_text,
            "currency": self.currency,
            "scope": self.scope,
        }
        values.update(changes)
        dropped = ("on",) if values["period"] == CUSTOM else ("start", "end")
        for name in dropped:
            values.pop(name)
        return urlencode({k: v for k, v in values.items() if v})

    def _step(self, direction: int) -> datetime.date:
        months = {MONTH: 1, QUARTER: 3, YEAR: 12}.get(self.kind, 1)
        return add_months(self.on, direction * months)

    @property
    def previous_query(self) -> str:
        return self.query(on=self._step(-1).isoformat())

    @property
    def next_query(self) -> str:
        return self.query(on=self._step(1).isoformat())


def picker_from(params: Any, today: datetime.date, *, scope: str, currency: str) -> tuple[Picker, dict[str, str]]:
    """The reader's choice from the query string, and field errors of the picker itself (a bad `period`
    or `on`); dates, currency and scope are checked by `frame_from`."""
    errors: dict[str, str] = {}
    kind = (params.get("period") or MONTH).strip()
    if kind not in dict(KINDS):
        errors["period"] = str(_("Choose month, quarter, year or custom dates."))
        kind = MONTH
    on = today
    raw_on = (params.get("on") or "").strip()
    if raw_on:
        try:
            on = datetime.date.fromisoformat(raw_on)
        except ValueError:
            errors["on"] = str(_("Enter a date as YYYY-MM-DD."))
    picker = Picker(
        kind=kind,
        on=on,
        start_text=(params.get("start") or "").strip(),
        end_text=(params.get("end") or "").strip(),
        currency=(params.get("currency") or currency).strip().upper(),
        scope=(params.get("scope") or scope).strip(),
        today=today,
    )
    return picker, errors


def trend_months(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first month, last month) of the trend charts: the period's months, at least TREND_MONTHS of them."""
    last = calc.month_start(end)
    first = min(calc.month_start(start), add_months(last, -(TREND_MONTHS - 1)))
    return first, last
