"""Open health alerts in My day: an account manager's accounts, a head's organization, red first; nothing
for other roles; the same queries for few and many alerts."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.alerts.services import alert_close
from keyaccount.alerts.tests.helpers import health, recompute
from keyaccount.core.tests.factories import AccountFactory, on_team
from keyaccount.day.selectors import day_for

GREEN, YELLOW, RED = health("green", 78), health("yellow", 55), health("red", 32)


def test_an_account_manager_gets_the_open_alerts_of_her_accounts_red_first(alice, bob, acme, globex):
    (closed,) = recompute(acme, GREEN, YELLOW)
    alert_close(actor=alice, alert=closed, outcome="resolved")
    (red,) = recompute(acme, GREEN, RED)
    assert recompute(acme, RED, YELLOW) == []  # improving raises nothing
    recompute(globex, GREEN, RED)

    alerts = day_for(alice).alerts

    assert [a.pk for a in alerts] == [red.pk]
    assert alerts[0].message == "Health dropped from Healthy (78) to At risk (32)."
    assert alerts[0].url == f"/alerts/{red.pk}/"


def test_a_head_gets_the_organizations_open_alerts_red_first(carol, alice, bob, acme, globex):
    (red,) = recompute(acme, GREEN, RED)
    (yellow,) = recompute(globex, GREEN, YELLOW)

    assert [a.pk for a in day_for(carol).alerts] == [red.pk, yellow.pk]


def test_assistants_specialists_sales_and_clients_get_no_alerts_section(ann, sam, sally, clint, acme):
    recompute(acme, GREEN, RED)

    assert [day_for(p).alerts for p in (ann, sam, sally, clint)] == [None, None, None, None]


def test_another_organizations_alerts_never_show(mallory, initech, alice, acme):
    recompute(acme, GREEN, RED)

    assert day_for(mallory).alerts == []


def test_the_api_day_lists_the_alerts(api, alice, acme):
    (red,) = recompute(acme, GREEN, RED)
    api.force_authenticate(alice)

    alerts = api.get("/api/v1/me/day/").data["alerts"]

    assert alerts == [
        {
            "id": red.pk,
            "account": {"id": acme.pk, "name": "Acme"},
            "owner": {"id": alice.pk, "name": "Alice"},
            "rule": "band_drop",
            "key": "red",
            "band": "red",
            "score": 32,
            "raised_on": "2026-03-01",
            "message": "Health dropped from Healthy (78) to At risk (32).",
        }
    ]


def test_the_day_page_shows_the_alerts_section(client, carol, acme):
    (red,) = recompute(acme, GREEN, RED)
    client.force_login(carol)

    page = client.get("/").content.decode()

    assert 'id="alerts"' in page
    assert f'href="/alerts/{red.pk}/"' in page


def test_the_days_alerts_run_the_same_queries_for_2_and_20(client, org, alice, carol):
    def grow(n):
        for _ in range(n):
            account = AccountFactory(organization=org, owner=alice)
            on_team(account, alice)
            recompute(account, GREEN, RED)

    def queries(person):
        with CaptureQueriesContext(connection) as ctx:
            alerts = day_for(person).alerts
            [(a.account.name, a.account.owner) for a in alerts]
        return len(ctx.captured_queries), len(alerts)

    grow(2)
    few = queries(alice), queries(carol)
    grow(18)
    many = queries(alice), queries(carol)

    assert [n for _q, n in few] == [2, 2]
    assert [n for _q, n in many] == [20, 20]
    assert [q for q, _n in many] == [q for q, _n in few]
