"""Logging, correcting, holding and cancelling interactions: who may, what is refused, what is recorded."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from keyaccount.comms.models import Interaction
from keyaccount.comms.services import (
    interaction_cancel,
    interaction_complete,
    interaction_delete,
    interaction_log,
    interaction_update,
)
from keyaccount.contacts.models import ContactAccountRole
from keyaccount.core.models import AuditEvent
from keyaccount.core.services import ConflictError
from keyaccount.core.tests.factories import ContactFactory
from keyaccount.work.models import Task

NOW = timezone.now()
YESTERDAY = NOW - datetime.timedelta(days=1)
NEXT_WEEK = NOW + datetime.timedelta(days=7)


@pytest.fixture
def ivan(acme):
    return ContactFactory(account=acme, name="Ivan")


def log(actor, account, **kwargs):
    kwargs.setdefault("kind", "call")
    kwargs.setdefault("occurred_at", YESTERDAY)
    return interaction_log(actor=actor, account=account, **kwargs)


def errors_of(excinfo):
    return set(excinfo.value.message_dict)


# --- logging ----------------------------------------------------------------------------------------


def test_alice_logs_a_call_with_its_participants_and_it_is_audited(alice, ann, acme, ivan):
    call = log(alice, acme, summary="Agreed the plan", sentiment=2, contacts=[ivan], users=[alice, ann])

    assert call.state == "done" and call.logged_by == alice
    assert set(call.contacts.all()) == {ivan} and set(call.users.all()) == {alice, ann}
    event = AuditEvent.objects.get(object_type="comms.interaction", object_id=str(call.pk))
    assert event.action == "create" and event.account_id == acme.pk
    assert event.changes["contacts"] == [None, [ivan.pk]]


def test_a_contact_with_a_role_on_the_account_may_take_part(alice, acme, globex, org):
    hanna = ContactFactory(account=globex, name="Hanna")
    ContactAccountRole.objects.create(organization=org, contact=hanna, account=acme)

    assert list(log(alice, acme, contacts=[hanna]).contacts.all()) == [hanna]


def test_it_refuses_a_contact_of_another_account(alice, acme, globex):
    gleb = ContactFactory(account=globex, name="Gleb")
    with pytest.raises(ValidationError) as e:
        log(alice, acme, contacts=[gleb])
    assert errors_of(e) == {"contacts"}
    assert not Interaction.objects.exists()


def test_it_refuses_a_contact_of_another_organization(alice, acme, initech):
    with pytest.raises(ValidationError) as e:
        log(alice, acme, contacts=[ContactFactory(account=initech)])
    assert errors_of(e) == {"contacts"}


def test_it_refuses_a_participant_from_another_organization_or_a_client(alice, acme, mallory, clint):
    for outsider in (mallory, clint):
        with pytest.raises(ValidationError) as e:
            log(alice, acme, users=[outsider])
        assert errors_of(e) == {"users"}
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("sentiment", [-3, 3])
def test_it_refuses_a_sentiment_out_of_range(alice, acme, sentiment):
    with pytest.raises(ValidationError) as e:
        log(alice, acme, sentiment=sentiment)
    assert errors_of(e) == {"sentiment"}


def test_it_refuses_a_held_interaction_in_the_future(alice, acme):
    with pytest.raises(ValidationError) as e:
        log(alice, acme, occurred_at=NEXT_WEEK)
    assert errors_of(e) == {"occurred_at"}


def test_it_refuses_a_sentiment_on_a_planned_interaction(alice, acme):
    with pytest.raises(ValidationError) as e:
        log(alice, acme, state="planned", occurred_at=NEXT_WEEK, sentiment=1)
    assert errors_of(e) == {"sentiment"}


def test_it_reads_a_time_without_a_zone_in_the_users_zone(alice, acme):
    alice.timezone = "Asia/Vladivostok"
    call = log(alice, acme, occurred_at=datetime.datetime(2026, 3, 2, 10, 0))
    assert call.occurred_at == datetime.datetime(2026, 3, 2, 0, 0, tzinfo=datetime.UTC)


def test_bob_may_not_log_on_acme_and_a_specialist_may_not_log_at_all(bob, sam, acme):
    for person in (bob, sam):
        with pytest.raises(PermissionDenied):
            log(person, acme)


def test_sales_sally_logs_on_the_account_she_sold(sally, acme):
    assert log(sally, acme).account == acme


# --- next steps -------------------------------------------------------------------------------------


def test_the_next_step_creates_a_task_on_the_same_account(alice, sam, acme, ivan):
    call = log(
        alice,
        acme,
        contacts=[ivan],
        next_step="Send the SEO audit",
        next_step_task={"assignee": sam, "due_at": NEXT_WEEK},
    )

    task = call.follow_up_task
    assert isinstance(task, Task)
    assert (task.account, task.title, task.assignee, task.due_at) == (acme, "Send the SEO audit", sam, NEXT_WEEK)


def test_a_next_step_task_for_someone_outside_is_refused_and_nothing_is_written(alice, acme, mallory):
    with pytest.raises(ValidationError) as e:
        log(alice, acme, next_step="Audit", next_step_task={"title": "Audit", "assignee": mallory})
    assert errors_of(e) == {"next_step_task"}
    assert not Interaction.objects.exists() and not Task.objects.exists()


def test_sales_may_log_but_not_set_a_task(sally, acme):
    with pytest.raises(ValidationError) as e:
        log(sally, acme, next_step_task={"title": "Audit"})
    assert errors_of(e) == {"next_step_task"}


def test_the_next_interaction_is_planned_with_the_same_people(alice, acme, ivan):
    call = log(
        alice,
        acme,
        contacts=[ivan],
        users=[alice],
        next_step="Monthly report",
        next_interaction={"kind": "meeting", "occurred_at": NEXT_WEEK},
    )

    planned = call.follow_up
    assert (planned.state, planned.kind, planned.occurred_at, planned.subject) == (
        "planned",
        "meeting",
        NEXT_WEEK,
        "Monthly report",
    )
    assert list(planned.contacts.all()) == [ivan] and list(planned.users.all()) == [alice]


def test_the_next_interaction_must_come_after_this_one(alice, acme):
    with pytest.raises(ValidationError) as e:
        log(alice, acme, next_interaction={"kind": "call", "occurred_at": YESTERDAY - datetime.timedelta(days=1)})
    assert errors_of(e) == {"next_interaction"}


# --- changes ----------------------------------------------------------------------------------------


def test_alice_corrects_the_summary_and_the_change_is_audited(alice, acme):
    call = log(alice, acme, summary="Agreed")
    interaction_update(actor=alice, interaction=call, data={"summary": "Agreed the plan"}, expected_version=1)

    event = AuditEvent.objects.filter(object_type="comms.interaction", action="update").get()
    assert event.changes == {"summary": ["Agreed", "Agreed the plan"]}


def test_a_stale_edit_is_refused(alice, carol, acme):
    call = log(alice, acme)
    interaction_update(actor=carol, interaction=Interaction.objects.get(), data={"subject": "A"}, expected_version=1)
    with pytest.raises(ConflictError):
        interaction_update(actor=alice, interaction=call, data={"subject": "B"}, expected_version=1)
    assert Interaction.objects.get().subject == "A"


def test_the_state_does_not_change_through_an_edit(alice, acme):
    call = log(alice, acme)
    with pytest.raises(ValidationError) as e:
        interaction_update(actor=alice, interaction=call, data={"state": "planned"})
    assert errors_of(e) == {"state"}


def test_an_edit_may_not_move_the_participants_to_another_account(alice, acme, globex):
    call = log(alice, acme)
    with pytest.raises(ValidationError) as e:
        interaction_update(actor=alice, interaction=call, data={"contacts": [ContactFactory(account=globex)]})
    assert errors_of(e) == {"contacts"}


def test_a_planned_call_is_held_with_its_summary_and_sentiment(alice, acme):
    planned = log(alice, acme, state="planned", occurred_at=YESTERDAY)
    interaction_complete(actor=alice, interaction=planned, summary="Went well", sentiment=1, expected_version=1)

    planned.refresh_from_db()
    assert (planned.state, planned.summary, planned.sentiment, planned.occurred_at) == (
        "done",
        "Went well",
        1,
        YESTERDAY,
    )
    event = AuditEvent.objects.filter(action="update").get()
    assert event.changes["state"] == ["planned", "done"] and event.changes["sentiment"] == [None, 1]


def test_a_call_held_earlier_than_planned_moves_to_now(alice, acme):
    planned = log(alice, acme, state="planned", occurred_at=NEXT_WEEK)
    interaction_complete(actor=alice, interaction=planned, summary="Early")
    assert planned.occurred_at <= timezone.now()


def test_only_a_planned_interaction_is_held_or_cancelled(alice, acme):
    call = log(alice, acme)
    for service in (interaction_complete, interaction_cancel):
        with pytest.raises(ValidationError) as e:
            service(actor=alice, interaction=call)
        assert errors_of(e) == {"state"}


def test_a_cancelled_meeting_stays_in_the_log(alice, acme):
    planned = log(alice, acme, state="planned", occurred_at=NEXT_WEEK)
    interaction_cancel(actor=alice, interaction=planned)
    assert Interaction.objects.get().state == "cancelled"


def test_a_call_held_and_cancelled_from_two_pages_at_once_keeps_the_first_without_a_version(alice, acme):
    planned = log(alice, acme, state="planned", occurred_at=YESTERDAY)
    first, second = Interaction.objects.get(pk=planned.pk), Interaction.objects.get(pk=planned.pk)
    interaction_complete(actor=alice, interaction=first, summary="Went well")

    with pytest.raises(ConflictError):
        interaction_cancel(actor=alice, interaction=second)
    with pytest.raises(ConflictError):
        interaction_complete(actor=alice, interaction=second, summary="Held twice")

    planned.refresh_from_db()
    assert (planned.state, planned.summary) == ("done", "Went well")


def test_a_stale_cancel_is_refused(alice, acme):
    planned = log(alice, acme, state="planned", occurred_at=NEXT_WEEK)
    interaction_update(actor=alice, interaction=planned, data={"subject": "QBR"})
    with pytest.raises(ConflictError):
        interaction_cancel(actor=alice, interaction=planned, expected_version=1)


def test_deleting_an_interaction_is_audited(alice, acme):
    call = log(alice, acme, subject="Wrong account")
    interaction_delete(actor=alice, interaction=call)
    assert not Interaction.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_repr="Wrong account", account=acme).exists()
