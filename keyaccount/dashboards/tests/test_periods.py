"""The period picker: calendar periods that stop at today while running, custom dates, trend windows."""

from __future__ import annotations

import datetime

from keyaccount.dashboards.periods import add_months, picker_from, trend_months

D = datetime.date
TODAY = D(2026, 5, 20)


def params(**values):
    picker, errors = picker_from(values, TODAY, scope="organization", currency="")
    return picker.kpi_params(), errors


def test_a_past_month_is_the_whole_calendar_month():
    kpi, errors = params(period="month", on="2026-02-10")
    assert errors == {}
    assert (kpi["period_start"], kpi["period_end"]) == ("2026-02-01", "2026-02-28")


def test_the_running_month_ends_today():
    kpi, _errors = params()
    assert (kpi["period_start"], kpi["period_end"]) == ("2026-05-01", "2026-05-20")


def test_a_quarter_and_a_year():
    kpi, _ = params(period="quarter", on="2025-08-31")
    assert (kpi["period_start"], kpi["period_end"]) == ("2025-07-01", "2025-09-30")
    kpi, _ = params(period="year", on="2026-01-01")
    assert (kpi["period_start"], kpi["period_end"]) == ("2026-01-01", "2026-05-20")


def test_custom_dates_are_passed_on_as_typed_for_the_kpi_frame_to_check():
    kpi, errors = params(period="custom", start="2026-03-05", end="2026-03-01")
    assert errors == {}
    assert (kpi["period_start"], kpi["period_end"]) == ("2026-03-05", "2026-03-01")


def test_it_refuses_an_unknown_period_or_a_bad_day():
    _kpi, errors = params(period="week", on="soon")
    assert set(errors) == {"period", "on"}


def test_the_scope_and_currency_come_from_the_url():
    kpi, _ = params(scope="team:3", currency="usd")
    assert (kpi["scope"], kpi["currency"]) == ("team:3", "USD")


def test_previous_and_next_step_by_the_period():
    picker, _ = picker_from({"period": "quarter", "on": "2026-02-10"}, TODAY, scope="organization", currency="")
    assert "on=2025-11-01" in picker.previous_query
    assert "on=2026-05-01" in picker.next_query
    assert "start=" not in picker.previous_query


def test_trend_charts_show_at_least_twelve_months():
    assert trend_months(D(2026, 5, 1), D(2026, 5, 20)) == (D(2025, 6, 1), D(2026, 5, 1))
    assert trend_months(D(2024, 1, 15), D(2026, 5, 20)) == (D(2024, 1, 1), D(2026, 5, 1))


def test_add_months_crosses_years():
    assert add_months(D(2026, 1, 31), -1) == D(2025, 12, 1)
    assert add_months(D(2026, 12, 5), 1) == D(2027, 1, 1)
