"""The alerts pages: the list (open first, filters, who sees what, query budget), an alert with its tasks
and the close form, and the playbooks page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyaccount.alerts.models import Alert, Playbook
from keyaccount.alerts.services import alert_close
from keyaccount.alerts.tests.helpers import health, recompute
from keyaccount.core.tests.factories import AccountFactory, on_team

GREEN, YELLOW, RED = health("green", 78), health("yellow", 55), health("red", 32)


@pytest.fixture
def alerts(alice, bob, acme, globex):
    """acme dropped to red (open), then to yellow once before (closed); globex (bob's) to yellow."""
    (closed,) = recompute(acme, GREEN, YELLOW)
    alert_close(actor=alice, alert=closed, outcome="false_alarm", note="A holiday month")
    (red,) = recompute(acme, GREEN, RED)
    (globex_alert,) = recompute(globex, GREEN, YELLOW)
    return {"closed": closed, "red": red, "globex": globex_alert}


def rows(response):
    return [row["alert"].pk for row in response.context["rows"]]


def test_the_list_shows_open_alerts_first_visit(client, carol, alerts):
    client.force_login(carol)

    response = client.get(reverse("alerts:list"))

    assert response.status_code == 200
    assert rows(response) == [alerts["globex"].pk, alerts["red"].pk]
    assert "Health dropped from Healthy (78) to At risk (32)." in response.content.decode()


def test_a_head_sees_every_alert_open_first(client, carol, alerts):
    client.force_login(carol)

    response = client.get(reverse("alerts:list"), {"status": ""})

    assert rows(response) == [alerts["globex"].pk, alerts["red"].pk, alerts["closed"].pk]


def test_an_account_manager_sees_the_alerts_of_her_accounts_only(client, alice, alerts):
    client.force_login(alice)

    response = client.get(reverse("alerts:list"), {"status": ""})

    assert rows(response) == [alerts["red"].pk, alerts["closed"].pk]


def test_the_list_filters_by_status_rule_and_owner(client, carol, bob, alerts):
    client.force_login(carol)

    assert rows(client.get(reverse("alerts:list"), {"status": "closed"})) == [alerts["closed"].pk]
    assert rows(client.get(reverse("alerts:list"), {"status": "", "owner": bob.pk})) == [alerts["globex"].pk]
    assert rows(client.get(reverse("alerts:list"), {"status": "", "rule": "measure_below"})) == []


def test_a_filter_change_gets_the_results_only(client, carol, alerts):
    client.force_login(carol)

    response = client.get(reverse("alerts:list"), {"status": "open"}, HTTP_HX_REQUEST="true")

    assert response.templates[0].name == "alerts/_results.html"


@pytest.mark.parametrize("person", ["sam", "sally", "clint"])
def test_specialists_sales_and_clients_never_see_alerts(client, request, alerts, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(reverse("alerts:list")).status_code == 403
    assert client.get(reverse("alerts:detail", args=[alerts["red"].pk])).status_code == 404


def test_an_alert_of_another_account_manager_or_organization_is_not_found(client, bob, mallory, alerts):
    client.force_login(bob)
    assert client.get(reverse("alerts:detail", args=[alerts["red"].pk])).status_code == 404
    client.force_login(mallory)
    assert client.get(reverse("alerts:detail", args=[alerts["red"].pk])).status_code == 404


def test_the_list_runs_the_same_queries_for_2_and_20_alerts(client, org, alice, carol):
    client.force_login(carol)

    def grow(n):
        for _ in range(n):
            account = AccountFactory(organization=org, owner=alice, name=f"Client {grow.count}")
            grow.count += 1
            on_team(account, alice)
            recompute(account, GREEN, RED)

    grow.count = 0

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("alerts:list"))
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.context["rows"])

    grow(2)
    few, few_rows = queries()
    grow(18)
    many, many_rows = queries()

    assert (few_rows, many_rows) == (2, 20)
    assert many == few


def test_the_detail_shows_the_tasks_and_the_close_form(client, alice, alerts):
    client.force_login(alice)

    response = client.get(reverse("alerts:detail", args=[alerts["red"].pk]))

    page = response.content.decode()
    assert [t.title for t in response.context["tasks"]] == [
        "Call the decision maker",
        "Review open tasks",
        "Schedule a meeting with the sponsor",
    ]
    assert response.context["may_close"] is True
    assert f'action="/alerts/{alerts["red"].pk}/close/"' in page


def test_an_assistant_sees_the_alert_but_cannot_close_it(client, ann, alerts):
    client.force_login(ann)

    response = client.get(reverse("alerts:detail", args=[alerts["red"].pk]))
    assert response.status_code == 200
    assert response.context["may_close"] is False

    refused = client.post(reverse("alerts:close", args=[alerts["red"].pk]), {"outcome": "resolved"})
    assert refused.status_code == 403
    assert Alert.objects.get(pk=alerts["red"].pk).status == "open"


def test_the_account_manager_closes_an_alert_from_its_page(client, alice, alerts):
    client.force_login(alice)

    response = client.post(
        reverse("alerts:close", args=[alerts["red"].pk]), {"outcome": "resolved", "note": "Met the sponsor"}
    )

    assert response.status_code == 302
    alert = Alert.objects.get(pk=alerts["red"].pk)
    assert (alert.status, alert.outcome, alert.note, alert.closed_by) == (
        "closed",
        "resolved",
        "Met the sponsor",
        alice,
    )


def test_closing_with_other_and_no_note_is_refused_on_the_field(client, alice, alerts):
    client.force_login(alice)

    response = client.post(reverse("alerts:close", args=[alerts["red"].pk]), {"outcome": "other", "note": " "})

    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    assert Alert.objects.get(pk=alerts["red"].pk).status == "open"


def test_a_closed_alert_is_not_closed_twice(client, carol, alerts):
    client.force_login(carol)

    response = client.post(reverse("alerts:close", args=[alerts["closed"].pk]), {"outcome": "resolved"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["This alert is closed already."]
    assert Alert.objects.get(pk=alerts["closed"].pk).outcome == "false_alarm"


def test_the_playbooks_page_gives_a_head_the_defaults_to_edit(client, carol):
    client.force_login(carol)

    response = client.get(reverse("alerts:playbooks"))

    assert response.status_code == 200
    first = response.context["playbooks"][0]
    assert (first.rule, first.band, [s.title for s in first.steps.all()]) == (
        "band_drop",
        "red",
        ["Call the decision maker", "Review open tasks", "Schedule a meeting with the sponsor"],
    )
    assert response.context["may_edit"] is True


def test_an_account_manager_reads_playbooks_but_does_not_edit_them(client, alice, carol, alerts):
    client.force_login(alice)

    response = client.get(reverse("alerts:playbooks"))
    assert response.context["may_edit"] is False
    playbook = Playbook.objects.get(rule="band_drop", band="red")
    assert client.get(reverse("alerts:playbook_edit", args=[playbook.pk])).status_code == 403
    assert client.post(reverse("alerts:playbook_delete", args=[playbook.pk])).status_code == 403


def test_a_head_edits_a_playbooks_steps(client, carol, bob):
    client.force_login(carol)
    client.get(reverse("alerts:playbooks"))
    playbook = Playbook.objects.get(rule="renewal_ahead")
    data = {
        "name": "Renewal in sight",
        "version": playbook.version,
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-0-title": "Prepare the offer",
        "steps-0-days_until_due": "10",
        "steps-0-assignee": "",
        "steps-1-title": "",
        "steps-2-title": "Ask Bob for the case study",
        "steps-2-days_until_due": "4",
        "steps-2-assignee": str(bob.pk),
    }

    response = client.post(reverse("alerts:playbook_edit", args=[playbook.pk]), data)

    assert response.status_code == 302
    playbook.refresh_from_db()
    assert playbook.name == "Renewal in sight"
    assert [(s.title, s.days_until_due, s.assignee) for s in playbook.steps.all()] == [
        ("Prepare the offer", 10, None),
        ("Ask Bob for the case study", 4, bob),
    ]


def test_a_head_creates_a_playbook_and_a_duplicate_is_refused_on_the_band(client, carol):
    client.force_login(carol)
    data = {
        "rule": "band_drop",
        "band": "",
        "name": "Any drop",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-0-title": "Look into it",
        "steps-0-days_until_due": "2",
    }

    assert client.post(reverse("alerts:playbook_create"), data).status_code == 302
    again = client.post(reverse("alerts:playbook_create"), data)

    assert again.status_code == 200
    assert "band" in again.context["form"].errors
    assert Playbook.objects.filter(rule="band_drop", band="").count() == 1
