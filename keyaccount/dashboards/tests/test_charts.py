"""One chart object feeds the drawing, the table and the CSV with the same numbers."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.template import Context, Template

from keyaccount.dashboards.charts import Chart, Column, Kind, csv_response, find, payload


def revenue_chart() -> Chart:
    return Chart(
        name="revenue_by_month",
        title="Revenue by month",
        columns=[Column("month", "Month"), Column("paid", "Paid", Kind.MONEY), Column("share", "Share", Kind.RATIO)],
        rows=[["2026-03", Decimal("1234.50"), Decimal("0.1250")], ["2026-04", Decimal("0.00"), None]],
        x="month",
        series=["paid"],
        currency="RUB",
    )


def test_the_payload_has_one_label_per_row_and_one_dataset_per_series():
    assert payload(revenue_chart()) == {
        "type": "bar",
        "stacked": False,
        "labels": ["2026-03", "2026-04"],
        "datasets": [{"key": "paid", "label": "Paid", "data": [1234.5, 0.0]}],
    }


def test_the_csv_has_a_header_row_with_the_currency_and_exact_values():
    response = csv_response(revenue_chart(), prefix="account-7")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="account-7-revenue_by_month.csv"'
    assert response.content.decode().split("\r\n") == [
        "Month,Paid (RUB),Share",
        "2026-03,1234.50,0.1250",
        "2026-04,0.00,",
        "",
    ]


def test_the_table_shows_money_with_its_currency_and_ratios_as_percentages():
    chart = revenue_chart()
    html = Template('{% include "dashboards/_table.html" %}').render(Context({"c": chart}))
    assert "<th>Month</th>" in html
    assert "12.5 %" in html
    assert "1,234.50\xa0RUB" in html
    assert html.count("<tr>") == 3  # header + two rows
    assert "—" in html  # the missing share


def test_dates_in_labels_are_iso_days():
    chart = Chart(
        name="h",
        title="h",
        columns=[Column("day", "Day", Kind.DATE), Column("score", "Score", Kind.NUMBER)],
        rows=[[datetime.date(2026, 3, 1), 40]],
        draw="line",
        x="day",
        series=["score"],
    )
    assert payload(chart)["labels"] == ["2026-03-01"]
    assert payload(chart)["datasets"][0]["data"] == [40.0]


def test_a_chart_is_found_by_name():
    chart = revenue_chart()
    assert find([chart], "revenue_by_month") is chart
    assert find([chart], "nope") is None


def test_a_kpi_tile_shows_days_and_touches_in_the_places_the_kpi_is_given_in_averages_included():
    from django.utils import translation

    template = Template("{% load dashboard_tags %}{% kpi_value v unit %}")
    with translation.override("en"):
        assert template.render(Context({"v": Decimal("13.3000"), "unit": "days"})) == "13.3"
        assert template.render(Context({"v": Decimal("1.9833"), "unit": "per_week"})) == "1.98"
        assert template.render(Context({"v": Decimal("0.2650"), "unit": "ratio"})) == "26.5 %"
        assert template.render(Context({"v": None, "unit": "days"})) == "—"
