"""The periodic jobs: task reminders, response-target breaches and the morning digest, each sent once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from keyaccount.comms.tasks import send_contacts_due_digest
from keyaccount.core.tests.factories import ContactFactory
from keyaccount.notifications.models import Notification
from keyaccount.notifications.tests.helpers import hours, make_interaction, make_request, make_task
from keyaccount.work.models import Task, TaskStatus
from keyaccount.work.services import task_move_due
from keyaccount.work.tasks import notify_request_breaches, send_task_reminders


def told(kind: str | None = None) -> list[tuple[str, str, str]]:
    rows = Notification.objects.order_by("recipient__name", "kind")
    if kind:
        rows = rows.filter(kind=kind)
    return [(n.recipient.name, n.kind, n.subject_title) for n in rows]


def test_a_task_due_within_a_day_reminds_its_assignee_once(alice, sam, acme):
    make_task(acme, title="Audit", assignee=sam, due_in=hours(5))
    make_task(acme, title="Later", assignee=sam, due_in=hours(30))

    first = send_task_reminders.call()
    second = send_task_reminders.call()

    assert first == {"due_soon": 1, "overdue": 0}
    assert second == {"due_soon": 0, "overdue": 0}
    assert told() == [("Sam", "task_due_soon", "Audit")]


def test_an_overdue_task_tells_the_assignee_and_the_account_manager(alice, sam, acme):
    task = make_task(acme, title="Audit", assignee=sam, due_in=hours(-2))

    send_task_reminders.call()
    send_task_reminders.call()

    assert told() == [("Alice", "task_overdue", "Audit"), ("Sam", "task_overdue", "Audit")]
    n = Notification.objects.filter(recipient=sam).get()
    assert n.subject_type == "work.task"
    assert n.subject_id == str(task.pk)
    assert n.title == "Overdue: Audit"


def test_the_account_manager_who_is_the_assignee_is_told_once(alice, acme):
    make_task(acme, assignee=alice, due_in=hours(-2))

    send_task_reminders.call()

    assert Notification.objects.count() == 1


def test_an_unassigned_task_due_soon_reminds_the_account_manager(alice, acme):
    make_task(acme, title="Who does this?", due_in=hours(3))

    send_task_reminders.call()

    assert told() == [("Alice", "task_due_soon", "Who does this?")]


def test_finished_and_undated_tasks_are_left_alone(alice, sam, acme):
    make_task(acme, assignee=sam, due_in=hours(-2), status=TaskStatus.DONE)
    make_task(acme, assignee=sam, due_in=hours(-2), status=TaskStatus.CANCELLED)
    make_task(acme, assignee=sam)

    assert send_task_reminders.call() == {"due_soon": 0, "overdue": 0}


def test_moving_the_due_date_re_arms_the_reminders(alice, sam, acme):
    task = make_task(acme, assignee=sam, due_in=hours(-1))
    send_task_reminders.call()
    assert len(told("task_overdue")) == 2

    task = Task.objects.select_related("account").get(pk=task.pk)
    task_move_due(actor=alice, task=task, due_at=timezone.now() + hours(4), reason="The client moved the launch")
    send_task_reminders.call()
    assert told("task_due_soon") == [("Sam", "task_due_soon", task.title)]

    task = Task.objects.select_related("account").get(pk=task.pk)
    task_move_due(actor=alice, task=task, due_at=timezone.now() - hours(1), reason="Back-dated: it was due")
    send_task_reminders.call()
    assert len(told("task_overdue")) == 4


def test_reminders_are_written_in_the_recipients_language(alice, sam, acme):
    sam.language = "ru"
    sam.save()
    make_task(acme, title="Аудит", assignee=sam, due_in=hours(-1))

    send_task_reminders.call()

    assert Notification.objects.get(recipient=sam).title == "Просрочено: Аудит"
    assert Notification.objects.get(recipient=alice).title == "Overdue: Аудит"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two workers racing need PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_reminders_at_once_send_each_reminder_once(alice, sam, acme):
    for n in range(5):
        make_task(acme, title=f"Soon {n}", assignee=sam, due_in=hours(3))
        make_task(acme, title=f"Late {n}", assignee=sam, due_in=hours(-3))
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            send_task_reminders.call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert Notification.objects.filter(kind="task_due_soon").count() == 5
    assert Notification.objects.filter(kind="task_overdue", recipient=sam).count() == 5
    assert Notification.objects.filter(kind="task_overdue", recipient=alice).count() == 5


# --- response-target breaches -----------------------------------------------------------------------


def test_a_request_past_its_response_target_tells_the_account_manager_once(alice, acme, globex):
    make_request(acme, text="A new banner", due_in=hours(-1))
    make_request(acme, text="Not yet late", due_in=hours(2))
    make_request(acme, text="Answered", due_in=hours(-1), status="accepted")

    assert notify_request_breaches.call() == 1
    assert notify_request_breaches.call() == 0
    assert told() == [("Alice", "request_breach", "A new banner")]


# --- the morning digest -----------------------------------------------------------------------------


def test_the_digest_tells_each_account_manager_their_contacts_due(alice, bob, acme, globex):
    ivan = ContactFactory(account=acme, name="Ivan", cadence_days=7)
    ContactFactory(account=acme, name="Olga")  # never contacted: due
    fresh = ContactFactory(account=acme, name="Fresh", cadence_days=30)
    make_interaction(acme, at=timezone.now() - datetime.timedelta(days=10), contacts=[ivan], state="done")
    make_interaction(acme, at=timezone.now() - datetime.timedelta(days=1), contacts=[fresh], state="done")

    assert send_contacts_due_digest.call() == 1

    digest = Notification.objects.get()
    assert digest.recipient == alice
    assert digest.kind == "contacts_due"
    assert digest.title == "2 contacts are due today"
    assert "Olga (Acme): never contacted" in digest.body
    assert "Ivan (Acme): 3 days overdue" in digest.body
    assert "Fresh" not in digest.body
