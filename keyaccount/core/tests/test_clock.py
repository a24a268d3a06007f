"""One clock: the organization's today, a person's zone, and the one fallback for a zone that names nothing."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from keyaccount.accounts.models import TeamRole
from keyaccount.billing.services import collection
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines
from keyaccount.core import clock
from keyaccount.core.tests.factories import AccountFactory, OrganizationFactory, member, on_team
from keyaccount.tenancy.models import Role

D = datetime.date
# 15:00 UTC on New Year's Eve: already 1 January in Vladivostok (UTC+10), still 31 December in Moscow.
NEW_YEARS_EVE = datetime.datetime(2026, 12, 31, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def new_years_eve(time_machine):
    time_machine.move_to(NEW_YEARS_EVE, tick=False)


def test_now_is_the_frozen_moment(new_years_eve):
    assert clock.now() == NEW_YEARS_EVE


def test_an_organization_in_vladivostok_is_in_the_new_year_while_moscow_is_not(new_years_eve, db):
    east = OrganizationFactory(timezone="Asia/Vladivostok")
    west = OrganizationFactory(timezone="Europe/Moscow")

    assert clock.organization_today(east) == D(2027, 1, 1)
    assert clock.organization_today(west) == D(2026, 12, 31)


def test_a_zone_that_names_nothing_is_the_installations(settings):
    settings.TIME_ZONE = "Europe/Moscow"

    for name in ("", None, "Mars/Olympus_Mons", "../etc/passwd"):
        assert clock.zone_named(name) == zoneinfo.ZoneInfo("Europe/Moscow"), name
    assert clock.zone_named("Asia/Vladivostok") == zoneinfo.ZoneInfo("Asia/Vladivostok")


def test_a_person_has_their_own_day_and_works_in_their_organizations(new_years_eve, db):
    east = OrganizationFactory(timezone="Asia/Vladivostok")
    alice = member(east, Role.ACCOUNT_MANAGER, "alice")
    alice.timezone = "Europe/Lisbon"
    alice.save()

    assert clock.user_zone(alice) == zoneinfo.ZoneInfo("Europe/Lisbon")
    assert clock.user_today(alice) == D(2026, 12, 31)  # 15:00 in Lisbon
    assert clock.today_for(alice) == D(2027, 1, 1)  # the organization's day
    assert clock.zone_for(alice) == zoneinfo.ZoneInfo("Asia/Vladivostok")


def test_someone_outside_any_organization_has_the_installations_day(new_years_eve, settings):
    settings.TIME_ZONE = "Asia/Vladivostok"

    assert clock.today_for(None) == D(2027, 1, 1)
    assert clock.user_today(None) == D(2027, 1, 1)


def test_an_act_is_refused_in_the_future_by_the_organizations_day_not_the_servers(new_years_eve, db, settings):
    settings.TIME_ZONE = "Europe/Moscow"  # the server's day is 31 December
    east = OrganizationFactory(timezone="Asia/Vladivostok")
    alice = member(east, Role.ACCOUNT_MANAGER, "alice")
    account = AccountFactory(organization=east, owner=alice)
    on_team(account, alice, TeamRole.ACCOUNT_MANAGER)
    ContractFactory(account=account, number="C-1", currency="RUB")

    def act(number, sent_on):
        return collection.act_create(
            actor=alice,
            account=account,
            number=number,
            period_start=D(2026, 12, 1),
            period_end=D(2026, 12, 31),
            amount=Decimal("1000.00"),
            sent_on=sent_on,
        )

    assert act("A-1", D(2027, 1, 1)).sent_on == D(2027, 1, 1)  # already today in Vladivostok
    with pytest.raises(ValidationError) as e:
        act("A-2", D(2027, 1, 2))
    assert set(e.value.message_dict) == {"sent_on"}
    assert collection.act_mark_signed(actor=alice, act=account.acts.get()).signed_on == D(2027, 1, 1)


def test_an_invoice_due_on_new_years_eve_is_overdue_in_vladivostok_whatever_the_server_says(
    new_years_eve, db, settings
):
    settings.TIME_ZONE = "Europe/Moscow"  # the server's and the viewer's day is 31 December
    east = OrganizationFactory(timezone="Asia/Vladivostok")
    alice = member(east, Role.ACCOUNT_MANAGER, "alice")
    account = AccountFactory(organization=east, owner=alice)
    on_team(account, alice, TeamRole.ACCOUNT_MANAGER)
    due_today_in_moscow = invoice_with_lines(
        account, [("1", "1000", "0")], number="I-1", issue_date=D(2026, 12, 1), due_date=D(2026, 12, 31)
    )
    api = APIClient()
    api.force_authenticate(alice)

    response = api.get("/api/v1/invoices/", {"overdue": "true"})

    assert response.status_code == 200
    assert [row["number"] for row in response.data["results"]] == [due_today_in_moscow.number]
