"""The pages: my day as the home page, and the calendar address on the preferences page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from keyaccount.notifications.tests.helpers import hours, make_request, make_task


def test_the_home_page_is_the_account_managers_day(client, alice, sam, acme):
    make_task(acme, title="Site is down", assignee=sam, due_at=timezone.now() - hours(1), priority="urgent")
    make_request(acme, text="Please add a banner", due_in=hours(-2))
    client.force_login(alice)

    response = client.get("/")

    assert response.status_code == 200
    html = response.text
    assert "My day" in html
    assert "Site is down" in html
    assert "Please add a banner" in html
    assert "Past its response target" in html


def test_a_specialist_sees_their_tasks_on_the_home_page(client, sam, acme):
    make_task(acme, title="Write the audit", assignee=sam)
    client.force_login(sam)

    html = client.get("/").text

    assert "Write the audit" in html
    assert "Requests waiting for triage" not in html


def test_a_head_sees_the_team_on_the_home_page(client, carol, alice, acme):
    client.force_login(carol)

    html = client.get("/").text

    assert 'id="team"' in html
    assert "Alice" in html


def test_a_client_goes_to_their_account(client, clint, acme):
    client.force_login(clint)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == reverse("accounts:detail", args=[acme.pk])


def test_the_calendar_address_is_created_and_turned_off_on_the_preferences_page(client, alice):
    client.force_login(alice)
    assert "Create my calendar address" in client.get(reverse("preferences")).text

    client.post(reverse("calendar-token"))
    alice.refresh_from_db()
    token = alice.calendar_token
    assert f"/calendar/{token}.ics" in client.get(reverse("preferences")).text

    client.post(reverse("calendar-token-revoke"))
    alice.refresh_from_db()
    assert alice.calendar_token is None
    assert client.get(f"/calendar/{token}.ics").status_code == 404
