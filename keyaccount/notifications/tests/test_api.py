"""The notifications API and email preferences."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.notifications.models import Notification
from keyaccount.notifications.services import notify
from keyaccount.notifications.tests.helpers import make_task


def tell(person, subject=None, title="Overdue: Audit"):
    return notify(recipient=person, kind="task_overdue", title=title, body="Acme", subject=subject, url="/x/")


@pytest.fixture
def as_alice(api, alice):
    api.force_authenticate(alice)
    return api


def test_a_notification_shows_what_it_is_about(as_alice, alice, acme):
    task = make_task(acme, title="Audit")
    n = tell(alice, task)

    row = as_alice.get("/api/v1/notifications/").data["results"][0]

    assert row == {
        "id": n.pk,
        "kind": "task_overdue",
        "title": "Overdue: Audit",
        "body": "Acme",
        "subject_type": "work.task",
        "subject_id": str(task.pk),
        "subject_title": "Audit",
        "url": "/x/",
        "read_at": None,
        "created_at": row["created_at"],
    }


def test_the_list_filters_unread(as_alice, alice):
    read = tell(alice, title="Old")
    tell(alice, title="New")
    as_alice.post(f"/api/v1/notifications/{read.pk}/read/")

    unread = as_alice.get("/api/v1/notifications/", {"unread": "true"}).data["results"]
    seen = as_alice.get("/api/v1/notifications/", {"unread": "false"}).data["results"]

    assert [n["title"] for n in unread] == ["New"]
    assert [n["title"] for n in seen] == ["Old"]


def test_marking_read_answers_the_notification(as_alice, alice):
    n = tell(alice)

    response = as_alice.post(f"/api/v1/notifications/{n.pk}/read/")

    assert response.status_code == 200
    assert response.data["read_at"] is not None
    assert Notification.objects.get().read_at is not None


def test_someone_elses_notification_answers_404(api, alice, carol, mallory):
    n = tell(alice)
    for person in (carol, mallory):
        api.force_authenticate(person)
        assert api.get(f"/api/v1/notifications/{n.pk}/").status_code == 404
        assert api.post(f"/api/v1/notifications/{n.pk}/read/").status_code == 404
    assert Notification.objects.get().read_at is None


def test_read_all_marks_only_mine(as_alice, alice, bob):
    tell(alice)
    tell(alice)
    tell(bob)

    response = as_alice.post("/api/v1/notifications/read-all/")

    assert response.data == {"marked": 2}
    assert Notification.objects.filter(read_at__isnull=True).get().recipient == bob


def test_the_list_runs_the_same_queries_for_2_and_20_notifications(as_alice, alice):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert as_alice.get("/api/v1/notifications/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        tell(alice)
    few = count()
    for _ in range(18):
        tell(alice)
    assert count() == few


# --- preferences ------------------------------------------------------------------------------------


def test_preferences_list_every_kind_with_email_on_by_default(as_alice):
    rows = as_alice.get("/api/v1/notification-preferences/").data

    assert {r["kind"] for r in rows} >= {"task_due_soon", "task_overdue", "contacts_due", "request_breach"}
    assert {r["email"] for r in rows} == {True}
    assert rows[0]["label"]


def test_preferences_change_only_the_kinds_sent(as_alice):
    response = as_alice.patch(
        "/api/v1/notification-preferences/", [{"kind": "contacts_due", "email": False}], format="json"
    )

    assert response.status_code == 200
    assert {r["kind"]: r["email"] for r in response.data}["contacts_due"] is False
    assert {r["kind"]: r["email"] for r in response.data}["task_overdue"] is True


def test_an_unknown_kind_answers_400(as_alice):
    response = as_alice.patch("/api/v1/notification-preferences/", [{"kind": "gossip", "email": False}], format="json")
    assert response.status_code == 400


def test_preferences_need_a_member(api, django_user_model, db):
    assert api.get("/api/v1/notification-preferences/").status_code == 401
    api.force_authenticate(django_user_model.objects.create_user("stranger@example.com", "x"))
    assert api.get("/api/v1/notification-preferences/").status_code == 403


# --- me ---------------------------------------------------------------------------------------------
