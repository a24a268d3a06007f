"""Cadence, due contacts and the account timeline, computed by hand."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyaccount.comms.models import Interaction
from keyaccount.comms.selectors import account_timeline, contacts_due, due_rows
from keyaccount.core.tests.factories import ContactFactory

TODAY = datetime.date(2026, 3, 20)


def touched(contact, days_ago, state="done", today=TODAY):
    """A held interaction with `contact`, `days_ago` days before `today` at noon Moscow time."""
    at = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(12)))
    interaction = Interaction.objects.create(
        organization_id=contact.organization_id, account=contact.account, kind="call", state=state, occurred_at=at
    )
    interaction.contacts.add(contact)
    return interaction


def due(actor, today=TODAY):
    return {c.name: c.days_overdue for c in due_rows(actor, contacts_due(actor, today), today)}


def test_a_contact_with_cadence_7_last_touched_10_days_ago_is_3_days_overdue(alice, acme):
    ivan = ContactFactory(account=acme, name="Ivan", cadence_days=7)
    touched(ivan, 10)
    assert due(alice) == {"Ivan": 3}


def test_a_contact_never_touched_is_due(alice, acme):
    ContactFactory(account=acme, name="Olga")
    assert due(alice) == {"Olga": None}


def test_a_contact_who_left_the_company_is_not_due(alice, acme):
    ContactFactory(account=acme, name="Boris", left_on=datetime.date(2026, 1, 1))
    assert due(alice) == {}


def test_a_contact_touched_within_the_cadence_is_not_due_and_one_touched_exactly_a_cadence_ago_is(alice, acme):
    touched(ContactFactory(account=acme, name="Recent", cadence_days=7), 6)
    touched(ContactFactory(account=acme, name="Exactly", cadence_days=7), 7)
    assert due(alice) == {"Exactly": 0}


def test_the_accounts_default_cadence_is_used_when_the_contact_has_none(alice, acme):
    acme.cadence_days = 5
    acme.save()
    touched(ContactFactory(account=acme, name="Ivan"), 8)
    assert due(alice) == {"Ivan": 3}


def test_the_organizations_default_cadence_is_used_when_neither_has_one(alice, acme, org):
    org.default_cadence_days = 20
    org.save()
    touched(ContactFactory(account=acme, name="Late"), 21)
    touched(ContactFactory(account=acme, name="Fine"), 19)
    assert due(alice) == {"Late": 1}


def test_only_held_interactions_count_as_a_touch(alice, acme):
    ivan = ContactFactory(account=acme, name="Ivan", cadence_days=7)
    touched(ivan, 10)
    touched(ivan, 1, state="planned")
    touched(ivan, 2, state="cancelled")
    assert due(alice) == {"Ivan": 3}


def test_the_latest_touch_counts(alice, acme):
    ivan = ContactFactory(account=acme, name="Ivan", cadence_days=7)
    touched(ivan, 30)
    touched(ivan, 2)
    assert due(alice) == {}


def test_due_contacts_are_those_of_the_actors_accounts_most_overdue_first(alice, bob, acme, globex, mallory, initech):
    touched(ContactFactory(account=acme, name="A bit late", cadence_days=7), 8)
    touched(ContactFactory(account=acme, name="Very late", cadence_days=7), 30)
    ContactFactory(account=acme, name="Never")
    ContactFactory(account=globex, name="Gleb")
    ContactFactory(account=initech, name="Peter")
    assert list(due(alice).items()) == [("Never", None), ("Very late", 23), ("A bit late", 1)]
    assert due(bob) == {"Gleb": None}
    assert due(mallory) == {"Peter": None}


def test_a_churned_accounts_people_are_not_due(alice, acme):
    acme.status = "churned"
    acme.save()
    ContactFactory(account=acme, name="Ivan")
    assert due(alice) == {}


def test_a_specialist_and_a_client_have_no_contacts_due(sam, clint, acme):
    ContactFactory(account=acme, name="Ivan")
    assert due(sam) == {} and due(clint) == {}


def test_contacts_due_run_one_query_for_any_number(alice, acme):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            due(alice)
        return len(ctx.captured_queries)

    for n in range(3):
        touched(ContactFactory(account=acme, cadence_days=3), 5 + n)
    few = count()
    for n in range(20):
        touched(ContactFactory(account=acme, cadence_days=3), 5 + n)
    assert count() == few == 1


# --- the account timeline ---------------------------------------------------------------------------


@pytest.fixture
def history(alice, sam, acme):
    """One of each: a call 3 days ago, a request 2 days ago, a task set yesterday and done today, a change."""
    from keyaccount.core.models import AuditEvent
    from keyaccount.work.models import Request, Task

    now = timezone.now()
    call = touched(ContactFactory(account=acme), 0, today=timezone.localdate() - datetime.timedelta(days=3))
    request = Request.objects.create(
        organization=acme.organization,
        account=acme,
        channel="email",
        received_at=now - datetime.timedelta(days=2),
        text="Add a banner",
    )
    task = Task.objects.create(organization=acme.organization, account=acme, title="Banner", assignee=sam)
    Task.objects.filter(pk=task.pk).update(created_at=now - datetime.timedelta(days=1), completed_at=now, status="done")
    change = AuditEvent.objects.create(
        organization=acme.organization,
        actor=alice,
        action="update",
        object_type="accounts.account",
        object_id=str(acme.pk),
        object_repr="Acme",
        account=acme,
        changes={"tier": ["standard", "key"]},
    )
    AuditEvent.objects.filter(pk=change.pk).update(created_at=now - datetime.timedelta(hours=12))
    # An audit event of a task is shown by the task's own entries, not repeated as a change.
    AuditEvent.objects.create(
        organization=acme.organization,
        actor=alice,
        action="create",
        object_type="work.task",
        object_id=str(task.pk),
        object_repr="Banner",
        account=acme,
    )
    return {"call": call, "request": request, "task": task, "change": change}


def lines(entries):
    return [(e.kind, e.event) if e.kind == "task" else e.kind for e in entries]


def test_the_timeline_merges_everything_newest_first(alice, acme, history):
    assert lines(account_timeline(alice, acme)) == [
        ("task", "done"),
        "change",
        ("task", "created"),
        "request",
        "interaction",
    ]


def test_the_timeline_filters_by_kind(alice, acme, history):
    assert lines(account_timeline(alice, acme, kinds=["interaction", "change"])) == ["change", "interaction"]
    assert lines(account_timeline(alice, acme, kinds=["task"])) == [("task", "done"), ("task", "created")]


def test_the_timeline_shows_each_person_only_what_their_role_sees(sam, sally, acme, history):
    # A specialist sees interactions and their own tasks, no requests and no audit trail.
    assert lines(account_timeline(sam, acme)) == [("task", "done"), ("task", "created"), "interaction"]
    # Sales see the interactions of the account they sold, not its tasks or requests.
    assert lines(account_timeline(sally, acme)) == ["interaction"]


def test_the_timeline_is_cut_at_the_limit(alice, acme, history):
    assert lines(account_timeline(alice, acme, limit=2)) == [("task", "done"), "change"]


def test_the_timeline_runs_the_same_queries_for_few_and_many_records(alice, acme, history):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            account_timeline(alice, acme)
        return len(ctx.captured_queries)

    few = count()
    for n in range(15):
        touched(ContactFactory(account=acme), n)
    assert count() == few
