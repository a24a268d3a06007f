"""Business hours in the organization's calendar, checked against hand-computed answers.

The calendar: 09:00–18:00, Monday to Friday, Europe/Moscow. 2026-03-06 is a Friday.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.tenancy.calendar import add_business_hours, business_hours_between
from keyaccount.tenancy.models import Holiday

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=MSK)


@pytest.fixture
def agency(org):
    org.timezone = "Europe/Moscow"
    org.save()
    return org


def test_it_counts_within_one_working_day(agency):
    assert add_business_hours(at(2, 10), 3, agency) == at(2, 13)


def test_a_friday_evening_request_with_an_8_hour_target_is_due_on_monday_at_16(agency):
    assert add_business_hours(at(6, 17), 8, agency) == at(9, 16)


def test_a_holiday_on_monday_moves_it_to_tuesday_at_16(agency):
    Holiday.objects.create(organization=agency, date=datetime.date(2026, 3, 9), name="Women's Day (moved)")

    assert add_business_hours(at(6, 17), 8, agency) == at(10, 16)


def test_a_saturday_request_counts_from_monday_morning(agency):
    assert add_business_hours(at(7, 11), 8, agency) == at(9, 17)


def test_a_request_before_the_working_day_counts_from_its_start(agency):
    assert add_business_hours(at(2, 7, 30), 2, agency) == at(2, 11)


def test_a_target_that_fills_the_day_exactly_ends_at_closing_time(agency):
    assert add_business_hours(at(2, 9), 9, agency) == at(2, 18)


def test_it_reads_the_start_in_the_organizations_zone(agency):
    # 06:00 UTC is 09:00 in Moscow.
    start = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)

    assert add_business_hours(start, 1, agency) == at(2, 10)


def test_the_working_week_comes_from_the_organization(agency):
    agency.workdays = "1,2,3,4,5,6"
    agency.save()

    assert add_business_hours(at(6, 17), 8, agency) == at(7, 16)


def test_it_runs_one_query_and_none_with_preloaded_holidays(agency):
    with CaptureQueriesContext(connection) as ctx:
        add_business_hours(at(6, 17), 8, agency)
    assert len(ctx.captured_queries) == 1

    with CaptureQueriesContext(connection) as ctx:
        due = add_business_hours(at(6, 17), 8, agency, holidays={datetime.date(2026, 3, 9)})
    assert len(ctx.captured_queries) == 0
    assert due == at(10, 16)


def test_an_organization_without_working_days_counts_wall_clock_hours(agency):
    agency.workdays = ""
    agency.save()

    assert add_business_hours(at(6, 17), 8, agency) == at(7, 1)


def test_business_hours_between_skip_nights_weekends_and_holidays(agency):
    Holiday.objects.create(organization=agency, date=datetime.date(2026, 3, 9))

    assert business_hours_between(at(6, 17), at(10, 16), agency) == datetime.timedelta(hours=8)
    assert business_hours_between(at(10, 16), at(6, 17), agency) == datetime.timedelta(hours=-8)
    assert business_hours_between(at(7, 10), at(8, 20), agency) == datetime.timedelta(0)


def test_adding_then_measuring_gives_the_same_hours(agency):
    start = at(4, 15, 20)
    for hours in (1, 5, 9, 13, 40):
        due = add_business_hours(start, hours, agency)
        assert business_hours_between(start, due, agency) == datetime.timedelta(hours=hours)
