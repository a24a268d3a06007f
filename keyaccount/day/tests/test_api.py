"""/me/day/ and the calendar address on /me/."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from keyaccount.notifications.tests.helpers import hours, make_interaction, make_request, make_task
from keyaccount.tenancy.services import user_calendar_token_create


@pytest.fixture
def as_alice(api, alice):
    api.force_authenticate(alice)
    return api


def test_me_gives_the_calendar_address_once_there_is_one(as_alice, alice):
    assert as_alice.get("/api/v1/me/").data["calendar_feed_url"] is None

    token = user_calendar_token_create(actor=alice)

    assert as_alice.get("/api/v1/me/").data["calendar_feed_url"] == f"http://testserver/calendar/{token}.ics"


def test_my_day_for_an_account_manager(as_alice, alice, sam, acme):
    now = timezone.now()
    task = make_task(acme, title="Site is down", assignee=sam, due_at=now - hours(1), priority="urgent")
    make_request(acme, text="New banner", due_in=hours(-1))
    make_interaction(acme, at=now + datetime.timedelta(minutes=1), users=[alice], subject="Quick call")

    data = as_alice.get("/api/v1/me/day/").data

    assert data["role"] == "account_manager"
    assert data["overdue_tasks"][0] == {
        "id": task.pk,
        "title": "Site is down",
        "account": {"id": acme.pk, "name": "Acme"},
        "project": None,
        "assignee": {"id": sam.pk, "name": "Sam"},
        "priority": "urgent",
        "status": "new",
        "due_at": data["overdue_tasks"][0]["due_at"],
    }
    assert data["requests"][0]["over_target"] is True
    assert data["team"] is None
    assert set(data) == {
        "date",
        "role",
        "overdue_tasks",
        "today_tasks",
        "upcoming_tasks",
        "contacts_due",
        "requests",
        "meetings",
        "team",
        "money",
        "alerts",
    }


def test_my_day_for_a_head_lists_the_team(api, carol, alice, acme):
    api.force_authenticate(carol)

    team = api.get("/api/v1/me/day/").data["team"]

    assert team == [
        {
            "user": {"id": alice.pk, "name": "Alice"},
            "role": "account_manager",
            "accounts": 1,
            "open_tasks": 0,
            "overdue_tasks": 0,
            "untriaged_requests": 0,
            "overdue_money": [],
        }
    ]
