"""The alerts and playbooks API: what an alert says, closing it, filters, playbook edits with bad input,
and the list budgets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.alerts.models import Alert, Playbook
from keyaccount.alerts.services import alert_close, playbook_ensure_defaults
from keyaccount.alerts.tests.helpers import health, recompute
from keyaccount.core.tests.factories import AccountFactory, on_team

GREEN, YELLOW, RED = health("green", 78), health("yellow", 55), health("red", 32)
URL = "/api/v1/health-alerts/"


@pytest.fixture
def red_alert(acme):
    (alert,) = recompute(acme, GREEN, RED)
    return alert


def test_an_alert_reads_with_its_message_tasks_and_owner(api, alice, red_alert):
    api.force_authenticate(alice)

    data = api.get(f"{URL}{red_alert.pk}/").data

    assert {k: data[k] for k in ("rule", "key", "status", "band", "score", "previous_band", "previous_score")} == {
        "rule": "band_drop",
        "key": "red",
        "status": "open",
        "band": "red",
        "score": 32,
        "previous_band": "green",
        "previous_score": 78,
    }
    assert (data["account_name"], data["owner"], data["owner_name"]) == ("Acme", alice.pk, "Alice")
    assert data["message"] == "Health dropped from Healthy (78) to At risk (32)."
    assert [(t["title"], t["assignee"], t["status"]) for t in data["tasks"]] == [
        ("Call the decision maker", alice.pk, "new"),
        ("Review open tasks", alice.pk, "new"),
        ("Schedule a meeting with the sponsor", alice.pk, "new"),
    ]


def test_closing_answers_the_closed_alert(api, alice, red_alert):
    api.force_authenticate(alice)

    response = api.post(f"{URL}{red_alert.pk}/close/", {"outcome": "churned", "note": "Moved to another agency"})

    assert response.status_code == 200
    assert (response.data["status"], response.data["outcome"], response.data["closed_by"]) == (
        "closed",
        "churned",
        alice.pk,
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"outcome": "fixed"}, "outcome"), ({}, "outcome"), ({"outcome": "other", "note": ""}, "note")],
)
def test_a_bad_close_names_the_field_and_changes_nothing(api, alice, red_alert, payload, field):
    api.force_authenticate(alice)

    response = api.post(f"{URL}{red_alert.pk}/close/", payload, format="json")

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert Alert.objects.get(pk=red_alert.pk).status == "open"


def test_closing_a_closed_alert_is_refused(api, alice, carol, red_alert):
    alert_close(actor=carol, alert=red_alert, outcome="resolved")
    api.force_authenticate(alice)

    response = api.post(f"{URL}{red_alert.pk}/close/", {"outcome": "false_alarm"})

    assert response.status_code == 400
    assert list(response.data) == ["status"]


def test_the_list_filters_by_status_rule_and_owner(api, carol, bob, acme, globex, red_alert):
    (yellow,) = recompute(globex, GREEN, YELLOW)
    alert_close(actor=carol, alert=red_alert, outcome="resolved")
    api.force_authenticate(carol)

    def ids(**params):
        return [row["id"] for row in api.get(URL, params).data["results"]]

    assert ids() == [yellow.pk, red_alert.pk]  # open first
    assert ids(status="closed") == [red_alert.pk]
    assert ids(owner=bob.pk) == [yellow.pk]
    assert ids(rule="champion_left") == []
    assert api.get(URL, {"rule": "nonsense"}).status_code == 400


def test_an_owner_of_another_organization_matches_nothing(api, carol, mallory, red_alert):
    api.force_authenticate(carol)

    assert api.get(URL, {"owner": mallory.pk}).data["results"] == []


def test_the_list_runs_the_same_queries_for_2_and_20_alerts(api, org, alice, carol):
    api.force_authenticate(carol)

    def grow(n):
        for _ in range(n):
            account = AccountFactory(organization=org, owner=alice)
            on_team(account, alice)
            recompute(account, GREEN, RED)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            results = api.get(URL).data["results"]
        return len(ctx.captured_queries), len(results)

    grow(2)
    few, few_rows = queries()
    grow(18)
    many, many_rows = queries()

    assert (few_rows, many_rows) == (2, 20)
    assert many == few


# --- playbooks ---------------------------------------------------------------------------------------


def test_a_head_lists_the_default_playbooks_on_first_use(api, carol):
    api.force_authenticate(carol)

    rows = api.get("/api/v1/playbooks/").data["results"]

    assert [(r["rule"], r["band"], len(r["steps"])) for r in rows] == [
        ("band_drop", "red", 3),
        ("band_drop", "yellow", 2),
        ("champion_left", "", 3),
        ("measure_below", "", 2),
        ("renewal_ahead", "", 3),
    ]
    assert rows[0]["steps"][0] == {"title": "Call the decision maker", "days_until_due": 1, "assignee": None}


def test_a_head_replaces_a_playbooks_steps(api, org, carol, bob):
    playbook_ensure_defaults(org.pk)
    playbook = Playbook.objects.get(rule="measure_below")
    api.force_authenticate(carol)

    response = api.patch(
        f"/api/v1/playbooks/{playbook.pk}/",
        {"steps": [{"title": "Ask Bob", "days_until_due": 0, "assignee": bob.pk}], "version": playbook.version},
        format="json",
    )

    assert response.status_code == 200
    assert response.data["steps"] == [{"title": "Ask Bob", "days_until_due": 0, "assignee": bob.pk}]
    assert response.data["version"] == playbook.version + 1


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([{"title": "", "days_until_due": 1}], "steps"),
        ([{"title": "Call", "days_until_due": 400}], "steps"),
        ([{"title": "Call", "days_until_due": -1}], "steps"),
    ],
)
def test_bad_steps_are_refused_naming_the_field_and_nothing_changes(api, org, carol, steps, field):
    playbook_ensure_defaults(org.pk)
    playbook = Playbook.objects.get(rule="measure_below")
    api.force_authenticate(carol)

    response = api.patch(f"/api/v1/playbooks/{playbook.pk}/", {"steps": steps}, format="json")

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert playbook.steps.count() == 2


def test_an_assignee_of_another_organization_is_refused(api, org, carol, mallory):
    playbook_ensure_defaults(org.pk)
    playbook = Playbook.objects.get(rule="measure_below")
    api.force_authenticate(carol)

    response = api.patch(
        f"/api/v1/playbooks/{playbook.pk}/", {"steps": [{"title": "Call", "assignee": mallory.pk}]}, format="json"
    )

    assert response.status_code == 400
    assert "steps" in response.data


def test_a_stale_version_is_refused_with_409(api, org, carol):
    playbook_ensure_defaults(org.pk)
    playbook = Playbook.objects.get(rule="measure_below")
    api.force_authenticate(carol)

    response = api.patch(f"/api/v1/playbooks/{playbook.pk}/", {"name": "X", "version": 99}, format="json")

    assert response.status_code == 409
    assert Playbook.objects.get(pk=playbook.pk).name == "A measure fell below its threshold"


def test_the_rule_of_a_playbook_stays(api, org, carol):
    playbook_ensure_defaults(org.pk)
    playbook = Playbook.objects.get(rule="measure_below")
    api.force_authenticate(carol)

    response = api.patch(f"/api/v1/playbooks/{playbook.pk}/", {"rule": "band_drop"}, format="json")

    assert response.status_code == 400
    assert list(response.data) == ["rule"]


def test_a_second_playbook_for_the_same_rule_and_band_is_refused(api, org, carol):
    playbook_ensure_defaults(org.pk)
    api.force_authenticate(carol)

    response = api.post("/api/v1/playbooks/", {"rule": "renewal_ahead", "band": ""}, format="json")

    assert response.status_code == 400
    assert list(response.data) == ["band"]
