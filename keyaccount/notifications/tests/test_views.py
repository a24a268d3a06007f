"""The pages: my day as the home page, the notifications list, email preferences and the calendar address."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from keyaccount.notifications.models import Notification, NotificationPreference
from keyaccount.notifications.services import notify
from keyaccount.notifications.tests.helpers import hours, make_request, make_task


def tell(person, title="Overdue: Audit", url="/accounts/"):
    return notify(recipient=person, kind="task_overdue", title=title, url=url)


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


def test_the_header_shows_the_unread_count(client, alice):
    tell(alice)
    tell(alice)
    client.force_login(alice)

    html = client.get(reverse("preferences")).text

    assert 'id="notifications-link"' in html
    assert ">2</span>" in html


def test_the_notifications_page_lists_mine_and_marks_them_read(client, alice, bob):
    first = tell(alice, title="Overdue: Audit")
    tell(alice, title="Due soon: Report")
    tell(bob, title="Bob's")
    client.force_login(alice)

    html = client.get(reverse("notifications")).text
    assert "Overdue: Audit" in html
    assert "Due soon: Report" in html
    assert "Bob's" not in html

    response = client.post(reverse("notification-mark-read", args=[first.pk]), {"next": "/accounts/"})
    assert response.status_code == 302
    assert response.url == "/accounts/"
    assert Notification.objects.get(pk=first.pk).read_at is not None

    client.post(reverse("notifications-mark-all-read"))
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()


def test_opening_a_notification_never_leaves_the_site(client, alice):
    n = tell(alice)
    client.force_login(alice)

    response = client.post(reverse("notification-mark-read", args=[n.pk]), {"next": "https://evil.example/"})

    assert response.url == reverse("notifications")


def test_someone_elses_notification_answers_404(client, alice, carol):
    n = tell(alice)
    client.force_login(carol)

    assert client.post(reverse("notification-mark-read", args=[n.pk])).status_code == 404
    assert Notification.objects.get().read_at is None


def test_email_preferences_are_saved_from_the_page(client, alice):
    client.force_login(alice)

    client.post(reverse("notification-preferences"), {"email": ["task_overdue", "task_due_soon"]})

    off = set(NotificationPreference.objects.filter(user=alice, email=False).values_list("kind", flat=True))
    assert "contacts_due" in off
    assert "task_overdue" not in off


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


def test_the_pages_need_a_sign_in(client, db):
    for name in ("notifications",):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
