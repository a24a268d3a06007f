"""One shape for every chart of the dashboards: a name, a title, columns and rows.

The same `Chart` is drawn by Chart.js (from `payload`, put on the page with json_script), rendered as an
HTML table one click away, and exported as CSV (`?export=<name>`), so the picture, the table and the
file always show the same numbers. Values stay exact (Decimal) in the table and the CSV; only the
drawing turns them into floats.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from keyaccount.billing.exports import CSV_CONTENT_TYPE, rows_to_csv


class Kind:
    """How a column's values read: plain text, a count, money (in the chart's currency), a 0–1 ratio."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    RATIO = "ratio"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a (lazy) translated string
    kind: str = Kind.TEXT


@dataclass
class Chart:
    """A chart and the table behind it.

    `x` is the column whose values label the horizontal axis (or the slices); `series` the columns drawn.
    `draw` is a Chart.js type ("bar", "line", "doughnut") or "" for a table without a drawing.
    `links` (optional) gives, per row, an address the first cell links to.
    """

    name: str
    title: Any
    columns: list[Column]
    rows: list[list[Any]]
    draw: str = "bar"
    x: str = ""
    series: list[str] = field(default_factory=list)
    stacked: bool = False
    currency: str | None = None
    links: list[str | None] = field(default_factory=list)
    note: Any = ""

    def index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def column(self, key: str) -> Column:
        return self.columns[self.index(key)]

    def cells(self) -> list[list[tuple[Column, Any]]]:
        """Rows as (column, value) pairs, for the HTML table."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]

    def table_rows(self) -> list[dict[str, Any]]:
        links = self.links or [None] * len(self.rows)
        return [{"cells": cells, "link": link} for cells, link in zip(self.cells(), links, strict=True)]


def _number(value: Any) -> float | None:
    """A point for Chart.js to draw (JSON numbers); the table and the CSV keep the exact decimals."""
    if value is None:
        return None
    if isinstance(value, (Decimal, int, float)):
        return float(value)
    return None


def _label(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def payload(chart: Chart) -> dict[str, Any]:
    """What `static/dashboards/charts.js` draws: Chart.js type, labels and one dataset per series."""
    x = chart.index(chart.x) if chart.x else 0
    return {
        "type": chart.draw,
        "stacked": chart.stacked,
        "labels": [_label(row[x]) for row in chart.rows],
        "datasets": [
            {
                "key": key,
                "label": str(chart.column(key).label),
                "data": [_number(row[chart.index(key)]) for row in chart.rows],
            }
            for key in chart.series
        ],
    }


def csv_rows(chart: Chart) -> tuple[list[str], list[Sequence[Any]]]:
    headers = [str(c.label) for c in chart.columns]
    if chart.currency and any(c.kind == Kind.MONEY for c in chart.columns):
        headers = [
            f"{h} ({chart.currency})" if c.kind == Kind.MONEY else h
            for c, h in zip(chart.columns, headers, strict=True)
        ]
    return headers, [list(row) for row in chart.rows]


def csv_response(chart: Chart, *, prefix: str = "") -> HttpResponse:
    """The chart's table as a CSV download: one header row, exact decimals, ISO dates."""
    headers, rows = csv_rows(chart)
    response = HttpResponse(rows_to_csv(headers, rows), content_type=CSV_CONTENT_TYPE)
    filename = slugify("-".join(p for p in (prefix, chart.name) if p)) or "chart"
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def find(charts: Sequence[Chart], name: str) -> Chart | None:
    return next((c for c in charts if c.name == name), None)
