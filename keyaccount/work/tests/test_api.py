"""The delivery side over the REST API: field names integrations rely on, workflow errors, filters, zones."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from keyaccount.core.tests.factories import ContactFactory
from keyaccount.work import services
from keyaccount.work.models import Request, RequestStatus, Task, TaskDueChange, TaskStatus

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


@pytest.fixture
def as_alice(api, alice):
    api.force_authenticate(alice)
    return api


@pytest.fixture
def task(alice, acme, sam):
    return services.task_create(
        actor=alice,
        account=acme,
        title="Fix meta tags",
        assignee=sam,
        due_at=timezone.now() + datetime.timedelta(days=3),
    )


def test_a_request_is_logged_with_the_fields_integrations_use(as_alice, acme):
    ivan = ContactFactory(account=acme, name="Ivan")

    response = as_alice.post(
        "/api/v1/requests/",
        {"account": acme.pk, "channel": "email", "text": "Add a banner", "contact": ivan.pk},
        format="json",
    )

    assert response.status_code == 201, response.data
    body = response.data
    assert (body["status"], body["contact"], body["response_met"], body["over_target"]) == ("new", ivan.pk, None, False)
    assert body["response_due_at"]


def test_a_request_refuses_a_contact_of_another_account(as_alice, acme, globex):
    stranger = ContactFactory(account=globex)

    response = as_alice.post(
        "/api/v1/requests/", {"account": acme.pk, "channel": "call", "text": "x", "contact": stranger.pk}, format="json"
    )

    assert response.status_code == 400
    assert "contact" in response.data
    assert not Request.objects.exists()


def test_accepting_a_request_creates_its_tasks(as_alice, alice, acme, sam):
    request = services.request_log(actor=alice, account=acme, channel="call", text="New landing page")

    response = as_alice.post(
        f"/api/v1/requests/{request.pk}/triage/",
        {
            "decision": "accept",
            "tasks": [
                {"title": "Design", "assignee": sam.pk, "due_at": "2026-04-01T18:00:00+03:00", "checklist": ["Draft"]},
                {"title": "Build"},
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.data
    assert response.data["status"] == "accepted"
    assert response.data["response_met"] is True
    assert len(response.data["tasks"]) == 2
    design = Task.objects.get(title="Design")
    assert (design.assignee, design.request_id, design.checklist.count()) == (sam, request.pk, 1)


def test_rejecting_without_an_explanation_answers_400_naming_it(as_alice, alice, acme):
    request = services.request_log(actor=alice, account=acme, channel="call", text="Make the logo bigger")

    response = as_alice.post(f"/api/v1/requests/{request.pk}/triage/", {"decision": "reject", "reason": "absurd"})

    assert response.status_code == 400
    assert "explanation" in response.data
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_a_quote_and_the_clients_answer(as_alice, alice, acme):
    request = services.request_log(actor=alice, account=acme, channel="call", text="A promo video")

    quoted = as_alice.post(
        f"/api/v1/requests/{request.pk}/triage/",
        {"decision": "quote", "quote_amount": "45000.00", "quote_currency": "RUB"},
    )
    answered = as_alice.post(
        f"/api/v1/requests/{request.pk}/quote-answer/", {"accepted": True, "tasks": [{"title": "Shoot the video"}]}
    )

    assert quoted.status_code == 200, quoted.data
    assert quoted.data["quote_amount"] == "45000.00"
    assert answered.status_code == 200, answered.data
    assert answered.data["quote_accepted"] is True
    assert len(answered.data["tasks"]) == 1


def test_a_task_takes_title_account_assignee_and_due_at(as_alice, acme, sam):
    response = as_alice.post(
        "/api/v1/tasks/",
        {"title": "Audit", "account": acme.pk, "assignee": sam.pk, "due_at": "2030-05-01T12:00:00Z"},
        format="json",
    )

    assert response.status_code == 201, response.data
    body = response.data
    assert (body["status"], body["assignee"], body["is_overdue"], body["is_due_soon"]) == ("new", sam.pk, False, False)
    assert body["allowed_transitions"] == ["in_progress", "blocked", "cancelled"]


def test_a_due_time_without_a_zone_is_read_in_the_users_zone(as_alice, alice, acme):
    alice.timezone = "Europe/Moscow"
    alice.save()

    response = as_alice.post(
        "/api/v1/tasks/", {"title": "Call", "account": acme.pk, "due_at": "2030-05-01T12:00:00"}, format="json"
    )

    assert response.status_code == 201, response.data
    assert Task.objects.get().due_at == datetime.datetime(2030, 5, 1, 12, 0, tzinfo=MSK)
    assert response.data["due_at"] == "2030-05-01T12:00:00+03:00"


def test_an_assignee_from_another_organization_is_refused_naming_the_field(as_alice, acme, mallory):
    response = as_alice.post(
        "/api/v1/tasks/", {"title": "x", "account": acme.pk, "assignee": mallory.pk}, format="json"
    )

    assert response.status_code == 400
    assert "assignee" in response.data


def test_a_transition_that_is_not_allowed_answers_400_with_the_allowed_ones(as_alice, task):
    response = as_alice.post(f"/api/v1/tasks/{task.pk}/transition/", {"to": "done"})

    assert response.status_code == 400
    assert response.data["allowed"] == ["in_progress", "blocked", "cancelled"]
    assert "in_progress" in response.data["to"][0]
    task.refresh_from_db()
    assert task.status == TaskStatus.NEW


@pytest.mark.parametrize("to", ["blocked", "cancelled"])
def test_blocking_or_cancelling_through_the_api_needs_a_reason_as_the_form_does(as_alice, task, to):
    response = as_alice.post(f"/api/v1/tasks/{task.pk}/transition/", {"to": to}, format="json")

    assert response.status_code == 400
    assert "reason" in response.data
    task.refresh_from_db()
    assert task.status == TaskStatus.NEW

    response = as_alice.post(f"/api/v1/tasks/{task.pk}/transition/", {"to": to, "reason": "Waiting for access"})
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == to


def test_the_assignee_moves_their_task_and_the_history_is_kept(api, sam, task):
    api.force_authenticate(sam)

    response = api.post(f"/api/v1/tasks/{task.pk}/transition/", {"to": "in_progress"})

    assert response.status_code == 200, response.data
    assert response.data["status"] == "in_progress"
    assert task.status_changes.count() == 2


def test_the_status_and_deadline_do_not_change_through_patch(as_alice, task):
    response = as_alice.patch(
        f"/api/v1/tasks/{task.pk}/", {"status": "done", "due_at": "2030-01-01T00:00:00Z"}, format="json"
    )

    assert response.status_code == 400
    assert {"status", "due_at"} <= set(response.data)


def test_moving_the_deadline_needs_a_reason(as_alice, task):
    refused = as_alice.post(f"/api/v1/tasks/{task.pk}/move-due/", {"due_at": "2030-01-01T10:00:00Z"})
    moved = as_alice.post(
        f"/api/v1/tasks/{task.pk}/move-due/", {"due_at": "2030-01-01T10:00:00Z", "reason": "The client is away"}
    )

    assert refused.status_code == 400
    assert "reason" in refused.data
    assert moved.status_code == 200, moved.data
    assert TaskDueChange.objects.get(task=task).reason == "The client is away"


def test_a_stale_task_edit_answers_409(as_alice, task):
    as_alice.patch(f"/api/v1/tasks/{task.pk}/", {"priority": "high", "version": 1}, format="json")

    response = as_alice.patch(f"/api/v1/tasks/{task.pk}/", {"priority": "low", "version": 1}, format="json")

    assert response.status_code == 409
    assert response.data["current_version"] == 2


def test_task_filters_overdue_mine_and_status(as_alice, alice, acme, task):
    late = services.task_create(
        actor=alice, account=acme, title="Late", assignee=alice, due_at=timezone.now() - datetime.timedelta(hours=2)
    )

    overdue = as_alice.get("/api/v1/tasks/", {"overdue": "true"}).data["results"]
    mine = as_alice.get("/api/v1/tasks/", {"mine": "true"}).data["results"]
    new = as_alice.get("/api/v1/tasks/", {"status": "new", "assignee": task.assignee_id}).data["results"]

    assert [t["id"] for t in overdue] == [late.pk]
    assert overdue[0]["is_overdue"] is True
    assert [t["id"] for t in mine] == [late.pk]
    assert [t["id"] for t in new] == [task.pk]


def test_a_specialist_sees_a_project_without_its_budget(api, alice, sam, acme):
    project = services.project_create(actor=alice, account=acme, name="SEO", budget=Decimal("120000.00"))
    api.force_authenticate(sam)
    seen_by_sam = api.get(f"/api/v1/projects/{project.pk}/").data
    api.force_authenticate(alice)
    seen_by_alice = api.get(f"/api/v1/projects/{project.pk}/").data

    assert seen_by_sam["budget"] is None
    assert seen_by_alice["budget"] == "120000.00"


def test_the_assignee_ticks_a_step_and_comments(api, alice, sam, task):
    item = services.task_checklist_add(actor=alice, task=task, title="Titles")
    api.force_authenticate(sam)

    ticked = api.patch(f"/api/v1/task-checklist-items/{item.pk}/", {"done": True}, format="json")
    renamed = api.patch(f"/api/v1/task-checklist-items/{item.pk}/", {"title": "Other"}, format="json")
    comment = api.post("/api/v1/task-comments/", {"task": task.pk, "text": "Done"}, format="json")

    assert ticked.status_code == 200, ticked.data
    assert ticked.data["done"] is True
    assert renamed.status_code == 403
    assert comment.status_code == 201
    assert comment.data["author"] == sam.pk


def test_a_received_time_without_a_zone_is_read_in_the_users_zone(as_alice, alice, acme):
    alice.timezone = "Europe/Moscow"
    alice.save()

    response = as_alice.post(
        "/api/v1/requests/",
        {"account": acme.pk, "channel": "call", "text": "x", "received_at": "2026-03-02T10:00:00"},
        format="json",
    )

    assert response.status_code == 201, response.data
    assert Request.objects.get().received_at == datetime.datetime(2026, 3, 2, 10, 0, tzinfo=MSK)


def test_the_admin_shows_tasks_and_requests_read_only(client, django_user_model, alice, task):
    root = django_user_model.objects.create_superuser("root@example.com", "a long root passphrase")
    services.request_log(actor=alice, account=task.account, channel="call", text="x")
    client.force_login(root)

    for name in ("task", "request", "project", "service"):
        assert client.get(reverse(f"admin:work_{name}_changelist")).status_code == 200
    response = client.get(reverse("admin:work_task_change", args=[task.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
