"""GET and POST /api/v1/surveys/: the surveys the person looks after, filters, sending, and no answering."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyaccount.core.tests.factories import AccountFactory, ContactFactory
from keyaccount.surveys.models import Survey
from keyaccount.surveys.tests.helpers import survey


@pytest.fixture
def vera(acme):
    return ContactFactory(account=acme, name="Vera", email="vera@acme.example")


def ids(response) -> list[int]:
    return [row["id"] for row in response.data["results"]]


def test_a_survey_reads_with_its_answer_and_status_and_never_its_token(api, alice, acme, vera):
    s = survey(acme, vera, "csat", score=4, comment="Fine", sent_by=alice)
    api.force_authenticate(alice)
    row = api.get(f"/api/v1/surveys/{s.pk}/").data

    assert {k: row[k] for k in ("account", "account_name", "contact", "contact_name", "kind", "email")} == {
        "account": acme.pk,
        "account_name": "Acme",
        "contact": vera.pk,
        "contact_name": "Vera",
        "kind": "csat",
        "email": "vera@acme.example",
    }
    assert (row["status"], row["score"], row["comment"], row["sent_by"]) == ("answered", 4, "Fine", alice.pk)
    assert "token" not in row and s.token not in str(row)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "nps"}, ["nps_open"]),
        ({"answered": "true"}, ["csat_answered"]),
        ({"answered": "false"}, ["nps_open", "csat_expired"]),
        ({"status": "expired"}, ["csat_expired"]),
        ({"status": "open"}, ["nps_open"]),
    ],
)
def test_the_list_filters(api, carol, acme, vera, query, expected):
    now = timezone.now()
    made = {
        "csat_answered": survey(acme, vera, "csat", score=5, answered_at=now - datetime.timedelta(days=2)),
        "nps_open": survey(acme, vera, "nps", sent_at=now - datetime.timedelta(days=1)),
        "csat_expired": survey(acme, vera, "csat", sent_at=now - datetime.timedelta(days=30)),
    }
    api.force_authenticate(carol)
    assert ids(api.get("/api/v1/surveys/", query)) == [made[name].pk for name in expected]


def test_the_list_filters_by_account_and_an_unseen_account_matches_nothing(api, alice, acme, globex, vera):
    mine = survey(acme, vera, "csat")
    survey(globex, ContactFactory(account=globex, email="g@globex.example"), "csat")
    api.force_authenticate(alice)
    assert ids(api.get("/api/v1/surveys/")) == [mine.pk]
    assert ids(api.get("/api/v1/surveys/", {"account": acme.pk})) == [mine.pk]
    assert ids(api.get("/api/v1/surveys/", {"account": globex.pk})) == []


def test_a_period_that_ends_before_it_starts_is_a_400_naming_sent_to(api, carol):
    api.force_authenticate(carol)
    response = api.get("/api/v1/surveys/", {"sent_from": "2026-05-01", "sent_to": "2026-04-30"})
    assert response.status_code == 400
    assert "sent_to" in response.data


def test_sending_answers_201_with_one_survey_per_contact(api, ann, acme, vera):
    oleg = ContactFactory(account=acme, name="Oleg", email="oleg@acme.example")
    api.force_authenticate(ann)
    response = api.post(
        "/api/v1/surveys/",
        {"account": acme.pk, "contacts": [vera.pk, oleg.pk], "kind": "nps", "expires_in_days": 10},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert sorted(row["contact_name"] for row in response.data) == ["Oleg", "Vera"]
    assert {row["status"] for row in response.data} == {"open"}
    assert Survey.objects.filter(kind="nps", sent_by=ann).count() == 2


def test_sending_to_a_contact_without_email_is_a_400_naming_contacts(api, alice, acme, vera):
    mute = ContactFactory(account=acme, name="Pavel", email="")
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/surveys/", {"account": acme.pk, "contacts": [vera.pk, mute.pk], "kind": "csat"}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {"contacts": ["Pavel has no email address."]}
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contacts": [], "kind": "csat"}, "contacts"),
        ({"kind": "ces"}, "kind"),
        ({"kind": "csat", "expires_in_days": 0}, "expires_in_days"),
        ({"kind": "csat", "expires_in_days": 91}, "expires_in_days"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, alice, acme, vera, body, field):
    api.force_authenticate(alice)
    response = api.post("/api/v1/surveys/", {"account": acme.pk, "contacts": [vera.pk], **body}, format="json")
    assert response.status_code == 400
    assert field in response.data
    assert not Survey.objects.exists()


def test_another_organizations_contact_is_a_400_naming_contacts(api, alice, acme, initech):
    stranger = ContactFactory(account=initech, email="i@initech.example")
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/surveys/", {"account": acme.pk, "contacts": [stranger.pk], "kind": "csat"}, format="json"
    )
    assert response.status_code == 400
    assert "contacts" in response.data


def test_nobody_answers_or_edits_through_the_staff_api(api, alice, acme, vera):
    s = survey(acme, vera, "csat")
    api.force_authenticate(alice)
    for method in (api.patch, api.put):
        assert method(f"/api/v1/surveys/{s.pk}/", {"score": 5}, format="json").status_code == 405
    assert api.delete(f"/api/v1/surveys/{s.pk}/").status_code == 405
    assert Survey.objects.get().answered_at is None


def test_the_list_runs_the_same_number_of_queries_for_2_and_20_surveys(api, carol, org):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/surveys/").status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            account = AccountFactory(organization=org)
            survey(account, ContactFactory(account=account, email="x@example.com"), "nps", score=7, sent_by=carol)

    api.force_authenticate(carol)
    add(2)
    few = queries()
    add(18)
    assert queries() == few
