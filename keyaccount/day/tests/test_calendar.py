"""The private calendar feed: it parses, holds the person's due tasks and planned interactions, and can be revoked."""

from __future__ import annotations

import datetime

import icalendar
from django.utils import timezone

from keyaccount.notifications.tests.helpers import hours, make_interaction, make_task
from keyaccount.tenancy.services import user_calendar_token_create, user_calendar_token_revoke


def feed(client, token):
    return client.get(f"/calendar/{token}.ics")


def events(response) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_the_feed_holds_my_due_tasks_and_planned_interactions(client, alice, sam, acme):
    due = timezone.now() + hours(20)
    mine = make_task(acme, title="Audit", assignee=sam, due_at=due)
    make_task(acme, title="Someone else's", assignee=alice, due_at=due)
    make_task(acme, title="Undated", assignee=sam)
    make_task(acme, title="Finished", assignee=sam, due_at=due, status="done")
    meeting = make_interaction(
        acme, at=due, users=[sam], subject="Kick-off", duration_minutes=90, summary="Agree the plan"
    )
    make_interaction(acme, at=due, users=[alice], subject="Not mine")
    make_interaction(acme, at=due, users=[sam], subject="Held", state="done")
    token = user_calendar_token_create(actor=sam)

    response = feed(client, token)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    assert set(found) == {f"task-{mine.pk}", f"interaction-{meeting.pk}"}
    task_event = found[f"task-{mine.pk}"]
    assert str(task_event["summary"]) == "Due: Audit (Acme)"
    assert abs(task_event.decoded("dtend") - due) < datetime.timedelta(seconds=1)
    assert f"/work/tasks/{mine.pk}/" in str(task_event["url"])
    meeting_event = found[f"interaction-{meeting.pk}"]
    assert str(meeting_event["summary"]) == "Kick-off (Acme)"
    end = meeting_event.decoded("dtend") - meeting_event.decoded("dtstart")
    assert end == datetime.timedelta(minutes=90)
    assert "Agree the plan" in str(meeting_event["description"])


def test_a_revoked_address_answers_404(client, sam):
    token = user_calendar_token_create(actor=sam)
    assert feed(client, token).status_code == 200

    user_calendar_token_revoke(actor=sam)

    assert feed(client, token).status_code == 404


def test_a_new_address_retires_the_old_one(client, sam):
    old = user_calendar_token_create(actor=sam)
    new = user_calendar_token_create(actor=sam)

    assert feed(client, old).status_code == 404
    assert feed(client, new).status_code == 200


def test_an_unknown_address_or_a_deactivated_person_answers_404(client, sam):
    token = user_calendar_token_create(actor=sam)
    assert feed(client, "nope").status_code == 404

    sam.is_active = False
    sam.save()

    assert feed(client, token).status_code == 404


def test_the_feed_never_shows_another_organizations_records(client, mallory, initech, sam, acme):
    make_task(initech, title="Initech work", assignee=sam, due_at=timezone.now() + hours(3))
    token = user_calendar_token_create(actor=sam)

    assert events(feed(client, token)) == {}
