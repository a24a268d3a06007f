"""My day per role: the account manager's plan, the specialist's tasks, the head's team; the query budget."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyaccount.accounts.models import TeamRole
from keyaccount.core.tests.factories import AccountFactory, ContactFactory, member, on_team
from keyaccount.day.selectors import day_for
from keyaccount.notifications.tests.helpers import hours, make_interaction, make_request, make_task
from keyaccount.tenancy.models import Role
from keyaccount.work.day import team_of


@pytest.fixture
def noon(alice, sam, carol):
    """Everyone in UTC and the clock at noon: today's tasks are those due before midnight."""
    for person in (alice, sam, carol):
        person.timezone = "UTC"
        person.save()
    return timezone.now().astimezone(datetime.UTC).replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def loop(noon, alice, bob, sam, acme, globex):
    """acme's working loop: tasks in every state of urgency, requests, contacts and a meeting today."""
    ivan = ContactFactory(account=acme, name="Ivan")
    return {
        "late_normal": make_task(acme, title="Late report", assignee=sam, due_at=noon - hours(30)),
        "late_urgent": make_task(acme, title="Site is down", assignee=sam, due_at=noon - hours(1), priority="urgent"),
        "today": make_task(acme, title="Send the estimate", assignee=alice, due_at=noon + hours(5)),
        "tomorrow": make_task(acme, title="Plan Q3", assignee=sam, due_at=noon + hours(20)),
        "undated": make_task(acme, title="Tidy the backlog", assignee=sam),
        "done": make_task(acme, title="Old work", assignee=sam, due_at=noon - hours(3), status="done"),
        "globex": make_task(globex, title="Bob's work", assignee=bob, due_at=noon - hours(3)),
        "waiting": make_request(acme, text="New banner", due_in=hours(-1)),
        "fresh": make_request(acme, text="A question", due_in=hours(6)),
        "triaged": make_request(acme, text="Done deal", status="accepted"),
        "meeting": make_interaction(acme, at=noon + hours(3), users=[alice], contacts=[ivan], subject="QBR"),
        "tomorrows_call": make_interaction(acme, at=noon + hours(26), users=[alice], kind="call"),
        "ivan": ivan,
    }


def titles(tasks):
    return [t.title for t in tasks]


def test_an_account_manager_gets_hot_tasks_contacts_requests_and_meetings(alice, loop, noon):
    day = day_for(alice, now=noon)

    assert day.role == "account_manager"
    assert titles(day.overdue_tasks) == ["Site is down", "Late report"]  # urgent first
    assert titles(day.today_tasks) == ["Send the estimate"]
    assert day.upcoming_tasks == []
    assert [r.text for r in day.requests] == ["New banner", "A question"]
    assert [r.over_target for r in day.requests] == [True, False]
    assert [c.name for c in day.contacts_due] == ["Ivan"]
    assert [m.subject for m in day.meetings] == ["QBR"]
    assert day.team is None


def test_a_specialist_gets_their_own_tasks_only(sam, loop, noon):
    day = day_for(sam, now=noon)

    assert titles(day.overdue_tasks) == ["Site is down", "Late report"]
    assert day.today_tasks == []
    assert titles(day.upcoming_tasks) == ["Plan Q3", "Tidy the backlog"]
    assert day.requests == []
    assert day.contacts_due == []
    assert day.team is None
    assert not day.shows_assignee


def test_a_head_gets_the_team(carol, alice, bob, sam, loop, noon):
    day = day_for(carol, now=noon)

    assert day.overdue_tasks == day.today_tasks == day.requests == day.contacts_due == []
    rows = {row.user.name: row for row in day.team}
    assert set(rows) == {"Alice", "Bob", "Sam"}
    alice_row = rows["Alice"]
    assert (alice_row.role, alice_row.accounts, alice_row.open_tasks, alice_row.overdue_tasks) == (
        "account_manager",
        1,
        5,
        2,
    )
    assert alice_row.untriaged_requests == 2
    assert (rows["Bob"].accounts, rows["Bob"].open_tasks, rows["Bob"].overdue_tasks) == (1, 1, 1)
    sam_row = rows["Sam"]
    assert (sam_row.role, sam_row.accounts, sam_row.open_tasks, sam_row.overdue_tasks) == ("specialist", 1, 4, 2)
    assert sam_row.untriaged_requests is None


def test_a_client_gets_an_empty_day(clint, loop, noon):
    day = day_for(clint, now=noon)
    assert day.is_empty


def test_another_organizations_work_never_shows(mallory, initech, loop, noon):
    make_task(initech, title="Initech work", assignee=mallory, due_at=noon - hours(1))

    assert titles(day_for(mallory, now=noon).overdue_tasks) == ["Initech work"]
    assert "Initech work" not in titles(day_for(loop["late_normal"].assignee, now=noon).overdue_tasks)


def test_the_heads_team_view_runs_the_same_queries_for_3_and_15_people(org, carol, noon):
    def grow(n: int) -> None:
        for i in range(n):
            am = member(org, Role.ACCOUNT_MANAGER, f"am{grow.count}")
            spec = member(org, Role.SPECIALIST, f"spec{grow.count}")
            grow.count += 1
            account = AccountFactory(organization=org, owner=am)
            on_team(account, am)
            on_team(account, spec, TeamRole.SPECIALIST)
            make_task(account, assignee=spec, due_at=noon - hours(i + 1))
            make_request(account)

    grow.count = 0

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            rows = team_of(carol, now=noon)
            [(r.user.get_full_name(), r.user.membership.get_role_display()) for r in rows]
        return len(ctx.captured_queries), len(rows)

    grow(2)
    few, few_rows = queries()
    grow(6)
    many, many_rows = queries()

    assert many_rows == few_rows + 12
    assert many == few
