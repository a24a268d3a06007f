"""The pages: the notifications list and email preferences."""

from __future__ import annotations

from django.urls import reverse

from keyaccount.notifications.models import Notification, NotificationPreference
from keyaccount.notifications.services import notify


def tell(person, title="Overdue: Audit", url="/accounts/"):
    return notify(recipient=person, kind="task_overdue", title=title, url=url)


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


def test_the_pages_need_a_sign_in(client, db):
    for name in ("notifications",):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
