"""The communications pages, as each named person sees them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keyaccount.comms.models import Interaction
from keyaccount.comms.services import interaction_log
from keyaccount.core.tests.factories import AccountFactory, ContactFactory, on_team
from keyaccount.work.models import Task

YESTERDAY = timezone.now() - datetime.timedelta(days=1)
NEXT_WEEK = timezone.now() + datetime.timedelta(days=7)


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def text(response):
    return response.content.decode()


@pytest.fixture
def ivan(acme):
    return ContactFactory(account=acme, name="Ivan", cadence_days=7)


@pytest.fixture
def call(alice, acme, ivan):
    return interaction_log(
        actor=alice,
        account=acme,
        kind="call",
        occurred_at=YESTERDAY,
        subject="Kick-off call",
        summary="Agreed the plan",
        sentiment=1,
        contacts=[ivan],
        users=[alice],
    )


@pytest.fixture
def planned(alice, acme, ivan):
    return interaction_log(
        actor=alice, account=acme, kind="meeting", state="planned", occurred_at=NEXT_WEEK, subject="QBR"
    )


def form(**fields):
    data = {"kind": "call", "direction": "outbound", "state": "done", "occurred_at": "2026-03-02T10:00"}
    data.update(fields)
    return data


# --- logging from the account page -----------------------------------------------------------------


def test_the_account_page_loads_the_communications_section(client, alice, acme):
    body = text(page(client, alice, "accounts:detail", acme.pk))
    assert reverse("comms:account_section", args=[acme.pk]) in body


def test_alice_logs_a_call_from_the_account_page_with_a_next_step_task(client, alice, sam, acme, ivan):
    client.force_login(alice)
    response = client.post(
        reverse("comms:interaction_log", args=[acme.pk]),
        form(
            subject="Weekly call",
            sentiment="2",
            contacts=[ivan.pk],
            users=[alice.pk],
            next_step="Send the audit",
            task_title="Send the audit",
            task_assignee=sam.pk,
            task_due_at="2026-03-05T18:00",
        ),
    )

    assert response.status_code == 302
    call = Interaction.objects.get()
    assert (call.subject, call.sentiment, list(call.contacts.all())) == ("Weekly call", 2, [ivan])
    task = Task.objects.get()
    assert (task.account, task.assignee, call.follow_up_task) == (acme, sam, task)
    # Typed without a zone: read in alice's zone (Moscow, UTC+3).
    assert call.occurred_at == datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)


def test_the_form_offers_only_the_accounts_people(client, alice, acme, globex, ivan):
    ContactFactory(account=globex, name="Gleb")
    body = text(page(client, alice, "comms:interaction_log", acme.pk))
    assert "Ivan" in body and "Gleb" not in body


def test_a_contact_of_another_account_is_refused_on_the_form(client, alice, acme, globex):
    gleb = ContactFactory(account=globex, name="Gleb")
    client.force_login(alice)
    response = client.post(reverse("comms:interaction_log", args=[acme.pk]), form(contacts=[gleb.pk]))
    assert response.status_code == 200
    assert "contacts" in response.context["form"].errors
    assert not Interaction.objects.exists()


def test_a_sentiment_on_a_planned_meeting_shows_the_field_error(client, alice, acme):
    client.force_login(alice)
    response = client.post(
        reverse("comms:interaction_log", args=[acme.pk]),
        form(state="planned", occurred_at="2030-01-01T10:00", sentiment="1"),
    )
    assert "sentiment" in response.context["form"].errors
    assert not Interaction.objects.exists()


def test_a_next_interaction_can_be_planned_from_the_form(client, alice, acme, ivan):
    client.force_login(alice)
    client.post(
        reverse("comms:interaction_log", args=[acme.pk]),
        form(contacts=[ivan.pk], next_kind="meeting", next_at="2030-01-10T11:00"),
    )
    call, planned = Interaction.objects.order_by("occurred_at")
    assert call.follow_up == planned and planned.state == "planned" and list(planned.contacts.all()) == [ivan]


def test_bob_gets_404_and_sam_403_on_logging_on_acme(client, bob, sam, acme):
    assert page(client, bob, "comms:interaction_log", acme.pk).status_code == 404
    assert page(client, sam, "comms:interaction_log", acme.pk).status_code == 403


def test_mallory_gets_404_on_acmes_sections_and_interactions(client, mallory, acme, call):
    assert page(client, mallory, "comms:account_section", acme.pk).status_code == 404
    assert page(client, mallory, "comms:interaction_detail", call.pk).status_code == 404
    assert page(client, mallory, "comms:interaction_edit", call.pk).status_code == 404


# --- the interactions list and one interaction ----------------------------------------------------


def test_the_list_shows_alice_her_interactions_and_carol_everyones(client, alice, bob, carol, acme, globex, call):
    interaction_log(actor=bob, account=globex, kind="email", occurred_at=YESTERDAY, subject="Globex email")
    mine = text(page(client, alice, "comms:interaction_list"))
    assert "Kick-off call" in mine and "Globex email" not in mine
    everyone = text(page(client, carol, "comms:interaction_list"))
    assert "Kick-off call" in everyone and "Globex email" in everyone


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "email"}, ["Email"]),
        ({"state": "planned"}, ["QBR"]),
        ({"date_from": "next week"}, ["QBR"]),
        ({"date_to": "yesterday"}, ["Email", "Kick-off call"]),
        ({"q": "kick"}, ["Kick-off call"]),
    ],
)
def test_the_list_filters(client, alice, acme, call, planned, query, expected):
    interaction_log(actor=alice, account=acme, kind="email", occurred_at=YESTERDAY, subject="Email")
    days = {"next week": NEXT_WEEK, "yesterday": YESTERDAY}
    query = {k: timezone.localdate(days[v]).isoformat() if v in days else v for k, v in query.items()}
    response = page(client, alice, "comms:interaction_list", mine="false", **query)
    assert [i.subject for i in response.context["page"].object_list] == expected


def test_the_list_filters_by_contact(client, alice, acme, call, ivan):
    interaction_log(actor=alice, account=acme, kind="email", occurred_at=YESTERDAY, subject="No Ivan")
    response = page(client, alice, "comms:interaction_list", contact=ivan.pk)
    assert [i.subject for i in response.context["page"].object_list] == ["Kick-off call"]


def test_an_htmx_request_gets_only_the_interaction_table(client, alice, call):
    client.force_login(alice)
    body = text(client.get(reverse("comms:interaction_list"), HTTP_HX_REQUEST="true"))
    assert body.lstrip().startswith('<div id="interaction-results"') and "<html" not in body


def test_a_client_gets_403_on_the_interactions(client, clint, acme):
    assert page(client, clint, "comms:interaction_list").status_code == 403
    assert page(client, clint, "comms:account_section", acme.pk).status_code == 403


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_interactions(client, carol, org):
    def add(n):
        for _ in range(n):
            account = AccountFactory(organization=org)
            contact = ContactFactory(account=account)
            interaction_log(
                actor=carol, account=account, kind="call", occurred_at=YESTERDAY, contacts=[contact], users=[carol]
            )

    client.force_login(carol)
    url = reverse("comms:interaction_list")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(3)
    few = count()
    add(27)
    assert count() == few


def test_a_planned_meeting_shows_mark_as_held_and_is_held_with_its_summary(client, alice, planned):
    body = text(page(client, alice, "comms:interaction_detail", planned.pk))
    assert reverse("comms:interaction_complete", args=[planned.pk]) in body

    response = client.post(
        reverse("comms:interaction_complete", args=[planned.pk]),
        {"summary": "Went well", "sentiment": "2", "version": planned.version},
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.state, planned.summary, planned.sentiment) == ("done", "Went well", 2)


def test_a_specialist_sees_an_interaction_without_the_actions(client, sam, planned):
    body = text(page(client, sam, "comms:interaction_detail", planned.pk))
    assert "QBR" in body and reverse("comms:interaction_complete", args=[planned.pk]) not in body


def test_alice_cancels_a_planned_meeting(client, alice, planned):
    client.force_login(alice)
    client.post(reverse("comms:interaction_cancel", args=[planned.pk]), {"version": planned.version})
    planned.refresh_from_db()
    assert planned.state == "cancelled"


def test_a_stale_edit_shows_the_conflict_and_saves_nothing(client, alice, carol, call):
    client.force_login(alice)
    data = form(subject="Alice's", contacts=[], users=[], version=call.version)
    client.force_login(carol)
    client.post(reverse("comms:interaction_edit", args=[call.pk]), {**data, "subject": "Carol's"})
    client.force_login(alice)
    response = client.post(reverse("comms:interaction_edit", args=[call.pk]), data)
    assert response.status_code == 409
    call.refresh_from_db()
    assert call.subject == "Carol's"


def test_alice_deletes_an_interaction_after_confirming(client, alice, acme, call):
    assert page(client, alice, "comms:interaction_delete", call.pk).status_code == 200
    client.post(reverse("comms:interaction_delete", args=[call.pk]))
    assert not Interaction.objects.exists()


# --- the sections of the account and contact pages ------------------------------------------------


def test_the_account_section_shows_planned_cadence_and_the_timeline(client, alice, acme, call, planned, ivan):
    ContactFactory(account=acme, name="Olga")
    body = text(page(client, alice, "comms:account_section", acme.pk))
    assert "QBR" in body and "Kick-off call" in body
    assert "never contacted" in body  # Olga
    assert reverse("comms:interaction_log", args=[acme.pk]) in body


def test_the_timeline_chip_returns_only_that_kind(client, alice, acme, call):
    response = page(client, alice, "comms:account_timeline", acme.pk, kind="change")
    assert [e.kind for e in response.context["timeline"]] == []
    response = page(client, alice, "comms:account_timeline", acme.pk, kind="interaction")
    assert [e.kind for e in response.context["timeline"]] == ["interaction"]


def test_the_account_section_runs_the_same_number_of_queries_for_few_and_many(client, carol, acme, org):
    def add(n):
        for _ in range(n):
            contact = ContactFactory(account=acme)
            interaction_log(actor=carol, account=acme, kind="call", occurred_at=YESTERDAY, contacts=[contact])
            interaction_log(actor=carol, account=acme, kind="call", state="planned", occurred_at=NEXT_WEEK)

    client.force_login(carol)
    url = reverse("comms:account_section", args=[acme.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = count()
    add(12)
    assert count() == few


def test_the_contact_section_shows_the_cadence_and_latest_touches(client, alice, ivan, call):
    body = text(page(client, alice, "comms:contact_section", ivan.pk))
    assert "every 7 days" in body and "Kick-off call" in body


def test_the_contact_page_loads_its_communications_section(client, alice, ivan):
    body = text(page(client, alice, "contacts:detail", ivan.pk))
    assert reverse("comms:contact_section", args=[ivan.pk]) in body


def test_the_due_list_shows_who_is_overdue(client, alice, acme, ivan, call, org):
    on_team(AccountFactory(organization=org), alice)
    olga = ContactFactory(account=acme, name="Olga")
    response = page(client, alice, "comms:due_list")
    assert [c.name for c in response.context["rows"]] == [olga.name]
    panel = text(page(client, alice, "comms:due_panel"))
    assert "Olga" in panel and "Ivan" not in panel


def test_the_contact_list_loads_the_due_panel_for_those_who_keep_in_touch(client, alice, sam, acme):
    assert reverse("comms:due_panel") in text(page(client, alice, "contacts:list"))
    assert reverse("comms:due_panel") not in text(page(client, sam, "contacts:list"))
