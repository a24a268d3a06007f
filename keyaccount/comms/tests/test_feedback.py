"""Thanks and complaints logged with an interaction: stored, audited, shown on the form, list, timeline and API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from keyaccount.comms.models import Feedback, Interaction
from keyaccount.comms.services import interaction_complete, interaction_log, interaction_update
from keyaccount.core.models import AuditEvent

YESTERDAY = timezone.now() - datetime.timedelta(days=1)
NEXT_WEEK = timezone.now() + datetime.timedelta(days=7)


def test_it_logs_a_complaint_with_the_interaction_and_audits_it(alice, acme):
    call = interaction_log(actor=alice, account=acme, kind="call", occurred_at=YESTERDAY, feedback="complaint")

    assert Interaction.objects.get(pk=call.pk).feedback == Feedback.COMPLAINT
    event = AuditEvent.objects.get(object_type="comms.interaction", object_id=str(call.pk))
    assert event.changes["feedback"] == [None, "complaint"]


def test_an_interaction_without_feedback_has_none(alice, acme):
    call = interaction_log(actor=alice, account=acme, kind="call", occurred_at=YESTERDAY)
    assert call.feedback == Feedback.NONE


def test_it_refuses_feedback_on_a_planned_interaction(alice, acme):
    with pytest.raises(ValidationError) as error:
        interaction_log(
            actor=alice, account=acme, kind="meeting", state="planned", occurred_at=NEXT_WEEK, feedback="thanks"
        )
    assert "feedback" in error.value.message_dict
    assert not Interaction.objects.exists()


def test_it_refuses_an_unknown_feedback(alice, acme):
    with pytest.raises(ValidationError) as error:
        interaction_log(actor=alice, account=acme, kind="call", occurred_at=YESTERDAY, feedback="praise")
    assert "feedback" in error.value.message_dict
    assert not Interaction.objects.exists()


def test_a_planned_meeting_held_with_thanks_keeps_the_thanks(alice, acme):
    planned = interaction_log(actor=alice, account=acme, kind="meeting", state="planned", occurred_at=NEXT_WEEK)
    interaction_complete(actor=alice, interaction=planned, summary="Went well", feedback="thanks")
    assert Interaction.objects.get(pk=planned.pk).feedback == Feedback.THANKS


def test_feedback_can_be_corrected(alice, acme):
    call = interaction_log(actor=alice, account=acme, kind="call", occurred_at=YESTERDAY, feedback="complaint")
    interaction_update(actor=alice, interaction=call, data={"feedback": "thanks"})
    assert Interaction.objects.get(pk=call.pk).feedback == Feedback.THANKS


def test_the_form_logs_thanks_and_the_timeline_shows_it(client, alice, acme):
    client.force_login(alice)
    form = client.get(reverse("comms:interaction_log", args=[acme.pk]))
    assert 'name="feedback"' in form.content.decode()

    response = client.post(
        reverse("comms:interaction_log", args=[acme.pk]),
        {
            "kind": "call",
            "direction": "outbound",
            "state": "done",
            "occurred_at": "2026-03-02T10:00",
            "subject": "Report call",
            "feedback": "thanks",
        },
    )
    assert response.status_code == 302
    assert Interaction.objects.get().feedback == Feedback.THANKS

    timeline = client.get(reverse("comms:account_timeline", args=[acme.pk]), {"kind": "interaction"})
    assert "Thanks" in timeline.content.decode()


def test_the_form_without_a_feedback_field_logs_none(client, alice, acme):
    client.force_login(alice)
    data = {"kind": "call", "direction": "outbound", "state": "done", "occurred_at": "2026-03-02T10:00"}
    assert client.post(reverse("comms:interaction_log", args=[acme.pk]), data).status_code == 302
    assert Interaction.objects.get().feedback == Feedback.NONE


def test_the_api_logs_and_filters_by_feedback(api, alice, acme):
    api.force_authenticate(alice)
    created = api.post(
        "/api/v1/interactions/",
        {"account": acme.pk, "kind": "email", "occurred_at": "2026-03-01T10:00:00+03:00", "feedback": "complaint"},
        format="json",
    )
    assert created.status_code == 201, created.data
    assert created.data["feedback"] == "complaint"
    interaction_log(actor=alice, account=acme, kind="call", occurred_at=YESTERDAY)

    listed = api.get("/api/v1/interactions/", {"feedback": "complaint"})
    assert [row["id"] for row in listed.data["results"]] == [created.data["id"]]


def test_the_api_refuses_an_unknown_feedback_naming_the_field(api, alice, acme):
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/interactions/",
        {"account": acme.pk, "kind": "email", "occurred_at": "2026-03-01T10:00:00+03:00", "feedback": "praise"},
        format="json",
    )
    assert response.status_code == 400
    assert "feedback" in response.data
    assert not Interaction.objects.exists()


def test_the_api_completes_a_planned_meeting_with_a_complaint(api, alice, acme):
    planned = interaction_log(actor=alice, account=acme, kind="meeting", state="planned", occurred_at=NEXT_WEEK)
    api.force_authenticate(alice)
    response = api.post(f"/api/v1/interactions/{planned.pk}/complete/", {"feedback": "complaint"}, format="json")
    assert response.status_code == 200
    assert response.data["feedback"] == "complaint"


def test_the_interaction_list_filters_by_feedback_with_checkboxes(client, alice, acme):
    complaint = interaction_log(actor=alice, account=acme, kind="call", occurred_at=YESTERDAY, feedback="complaint")
    interaction_log(actor=alice, account=acme, kind="call", occurred_at=YESTERDAY)
    client.force_login(alice)
    response = client.get(reverse("comms:interaction_list"), {"feedback": "complaint", "mine": "false"})
    assert 'type="checkbox" name="feedback" value="complaint"' in response.content.decode()
    assert [i.pk for i in response.context["page"].object_list] == [complaint.pk]
