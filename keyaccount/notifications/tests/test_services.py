"""Notifications: who is told, the email copy, read state and email preferences."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from keyaccount.notifications.models import Notification, NotificationKind, NotificationPreference
from keyaccount.notifications.selectors import notification_preferences_of, notifications_visible_to, unread_count
from keyaccount.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
    notify,
)
from keyaccount.notifications.tests.helpers import make_task


def tell(person, subject=None, kind=NotificationKind.TASK_OVERDUE, title="Overdue: Fix the landing page"):
    return notify(recipient=person, kind=kind, title=title, body="Acme", subject=subject, url="/accounts/1/")


def test_it_stores_what_the_notification_is_about(alice, acme):
    task = make_task(acme, title="Fix the landing page")

    n = tell(alice, task)

    assert (n.organization_id, n.recipient, n.kind) == (acme.organization_id, alice, "task_overdue")
    assert (n.subject_type, n.subject_id, n.subject_title) == ("work.task", str(task.pk), "Fix the landing page")
    assert n.read_at is None


def test_it_enqueues_the_email_copy_with_the_notification(alice):
    n = tell(alice)

    job = DBTaskResult.objects.get()
    assert job.task_path == "keyaccount.notifications.tasks.send_notification_email"
    assert job.args_kwargs["args"] == [n.pk]


def test_no_email_job_when_the_person_turned_email_off_for_that_kind(alice):
    notification_preferences_set(actor=alice, email={"task_overdue": False})

    tell(alice)
    tell(alice, kind=NotificationKind.TASK_DUE_SOON)

    assert Notification.objects.count() == 2
    assert DBTaskResult.objects.count() == 1  # only the due-soon one


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_notification_leaves_no_email_job(alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        tell(alice)
        raise RuntimeError

    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_the_notification_once_in_the_recipients_language(alice, mailoutbox, settings):
    settings.SITE_URL = "https://keyaccount.example"
    alice.language = "ru"
    alice.save()
    n = tell(alice)

    call_command("db_worker", "--batch", "--no-reload", verbosity=0)
    from keyaccount.notifications.tasks import send_notification_email

    send_notification_email.call(n.pk)  # a second delivery attempt sends nothing

    assert [m.to for m in mailoutbox] == [[alice.email]]
    assert mailoutbox[0].subject == "Overdue: Fix the landing page"
    assert "https://keyaccount.example/accounts/1/" in mailoutbox[0].body
    assert Notification.objects.get().emailed_at is not None


def test_nobody_is_told_about_another_organizations_record(mallory, acme):
    assert tell(mallory, make_task(acme)) is None
    assert not Notification.objects.exists()


def test_a_person_without_a_membership_is_not_told(django_user_model, db):
    stranger = django_user_model.objects.create_user("stranger@example.com", "x")
    assert tell(stranger) is None


def test_it_refuses_an_unknown_kind(alice):
    with pytest.raises(ValidationError) as e:
        tell(alice, kind="gossip")
    assert "kind" in e.value.error_dict


def test_marking_read_keeps_the_first_time(alice):
    n = tell(alice)

    first = notification_mark_read(actor=alice, notification=n).read_at
    again = notification_mark_read(actor=alice, notification=Notification.objects.get()).read_at

    assert first is not None
    assert again == first
    assert unread_count(alice) == 0


def test_nobody_marks_someone_elses_notification(alice, carol):
    n = tell(alice)

    with pytest.raises(PermissionDenied):
        notification_mark_read(actor=carol, notification=n)
    assert Notification.objects.get().read_at is None


def test_mark_all_read_touches_only_my_notifications(alice, bob):
    tell(alice)
    tell(alice)
    tell(bob)

    assert notification_mark_all_read(actor=alice) == 2
    assert unread_count(alice) == 0
    assert unread_count(bob) == 1


def test_each_person_sees_only_their_own_notifications(alice, carol, mallory):
    mine = tell(alice)
    tell(mallory)

    assert list(notifications_visible_to(alice)) == [mine]
    assert list(notifications_visible_to(carol)) == []


def test_email_is_on_for_every_kind_until_turned_off(alice):
    assert set(notification_preferences_of(alice).values()) == {True}

    prefs = notification_preferences_set(actor=alice, email={"contacts_due": False})
    prefs = notification_preferences_set(actor=alice, email={"task_due_soon": True})

    assert prefs["contacts_due"] is False
    assert prefs["task_due_soon"] is True
    assert NotificationPreference.objects.filter(user=alice).count() == 2


def test_it_refuses_a_preference_for_an_unknown_kind(alice):
    with pytest.raises(ValidationError) as e:
        notification_preferences_set(actor=alice, email={"gossip": False})
    assert "kind" in e.value.error_dict
    assert not NotificationPreference.objects.exists()
