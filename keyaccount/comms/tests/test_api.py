"""The interactions API and the contacts due, as integrations use them."""

import datetime

import pytest
from django.utils import timezone

from keyaccount.comms.models import Interaction
from keyaccount.comms.services import interaction_log
from keyaccount.core.tests.factories import ContactFactory
from keyaccount.work.models import Task

URL = "/api/v1/interactions/"
YESTERDAY = timezone.now() - datetime.timedelta(days=1)


@pytest.fixture
def ivan(acme):
    return ContactFactory(account=acme, name="Ivan", cadence_days=7)


def post(api, user, data):
    api.force_authenticate(user)
    return api.post(URL, data, format="json")


def test_alice_logs_a_call_with_a_next_step_task_and_a_planned_meeting(api, alice, sam, acme, ivan):
    response = post(
        api,
        alice,
        {
            "account": acme.pk,
            "kind": "call",
            "occurred_at": "2026-03-02T10:00:00",
            "contacts": [ivan.pk],
            "users": [alice.pk],
            "summary": "Agreed the plan",
            "sentiment": 1,
            "next_step": "Send the SEO audit",
            "next_step_task": {"assignee": sam.pk, "due_at": "2026-03-05T18:00:00"},
            "next_interaction": {"kind": "meeting", "occurred_at": "2026-03-30T11:00:00"},
        },
    )

    assert response.status_code == 201, response.data
    data = response.data
    assert data["occurred_at"] == "2026-03-02T10:00:00+03:00"  # read and shown in alice's zone
    assert (data["state"], data["contacts"], data["users"], data["sentiment"]) == ("done", [ivan.pk], [alice.pk], 1)
    task = Task.objects.get(pk=data["follow_up_task"])
    assert (task.account, task.assignee, task.title) == (acme, sam, "Send the SEO audit")
    assert task.due_at == datetime.datetime(2026, 3, 5, 15, 0, tzinfo=datetime.UTC)
    planned = Interaction.objects.get(pk=data["follow_up"])
    assert (planned.state, planned.kind, list(planned.contacts.all())) == ("planned", "meeting", [ivan])
    assert "next_step_task" not in data


def test_a_contact_of_another_account_is_refused_naming_contacts(api, alice, acme, globex):
    response = post(
        api,
        alice,
        {
            "account": acme.pk,
            "kind": "call",
            "occurred_at": "2026-03-02T10:00:00+03:00",
            "contacts": [ContactFactory(account=globex).pk],
        },
    )
    assert response.status_code == 400 and set(response.data) == {"contacts"}


def test_participants_from_another_organization_are_refused(api, alice, acme, initech, mallory):
    for field, value in (("contacts", ContactFactory(account=initech).pk), ("users", mallory.pk)):
        response = post(
            api, alice, {"account": acme.pk, "kind": "call", "occurred_at": "2026-03-02T10:00:00", field: [value]}
        )
        assert response.status_code == 400 and set(response.data) == {field}
    assert not Interaction.objects.exists()


def test_a_sentiment_out_of_range_is_refused(api, alice, acme):
    response = post(api, alice, {"account": acme.pk, "kind": "note", "occurred_at": "2026-03-02T10:00", "sentiment": 5})
    assert response.status_code == 400 and set(response.data) == {"sentiment"}


def test_a_next_step_task_for_an_outsider_is_refused_and_nothing_is_saved(api, alice, acme, mallory):
    response = post(
        api,
        alice,
        {
            "account": acme.pk,
            "kind": "call",
            "occurred_at": "2026-03-02T10:00",
            "next_step_task": {"title": "Audit", "assignee": mallory.pk},
        },
    )
    assert response.status_code == 400 and set(response.data) == {"next_step_task"}
    assert not Interaction.objects.exists() and not Task.objects.exists()


def test_the_state_changes_only_through_complete_and_cancel(api, alice, acme):
    call = interaction_log(actor=alice, account=acme, kind="call", occurred_at=YESTERDAY)
    api.force_authenticate(alice)

    assert api.patch(f"{URL}{call.pk}/", {"state": "planned"}, format="json").status_code == 400
    response = api.post(f"{URL}{call.pk}/complete/", {"summary": "Again"}, format="json")
    assert response.status_code == 400 and set(response.data) == {"state"}


def test_a_stale_complete_answers_409_with_the_current_version(api, alice, carol, acme):
    planned = interaction_log(
        actor=alice,
        account=acme,
        kind="meeting",
        state="planned",
        occurred_at=timezone.now() + datetime.timedelta(days=1),
    )
    api.force_authenticate(carol)
    api.patch(f"{URL}{planned.pk}/", {"subject": "QBR", "version": 1}, format="json")
    api.force_authenticate(alice)

    response = api.post(f"{URL}{planned.pk}/complete/", {"summary": "Done", "version": 1}, format="json")

    assert response.status_code == 409 and response.data["current_version"] == 2
    assert Interaction.objects.get().state == "planned"


def test_the_list_filters_by_account_contact_kind_state_and_dates(api, carol, acme, globex, ivan):
    interaction_log(actor=carol, account=acme, kind="call", occurred_at=YESTERDAY, contacts=[ivan], subject="A")
    interaction_log(actor=carol, account=globex, kind="email", occurred_at=YESTERDAY, subject="B")
    interaction_log(
        actor=carol,
        account=acme,
        kind="meeting",
        state="planned",
        occurred_at=timezone.now() + datetime.timedelta(days=3),
        subject="C",
    )
    api.force_authenticate(carol)

    def subjects(**query):
        return sorted(i["subject"] for i in api.get(URL, query).data["results"])

    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert subjects(account=acme.pk) == ["A", "C"]
    assert subjects(contact=ivan.pk) == ["A"]
    assert subjects(kind="email") == ["B"]
    assert subjects(state="planned") == ["C"]
    assert subjects(date_from=tomorrow) == ["C"]
    assert subjects(date_to=tomorrow) == ["A", "B"]


def test_contacts_due_show_the_days_overdue(api, alice, acme, ivan):
    interaction_log(
        actor=alice,
        account=acme,
        kind="call",
        occurred_at=timezone.now() - datetime.timedelta(days=10),
        contacts=[ivan],
    )
    ContactFactory(account=acme, name="Olga")
    api.force_authenticate(alice)

    rows = api.get("/api/v1/contacts-due/").data["results"]

    assert [(r["name"], r["days_overdue"], r["cadence_days"]) for r in rows] == [("Olga", None, 14), ("Ivan", 3, 7)]
