"""Sending surveys and answering them through the public link: who may send, to whom, and one answer per link."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from keyaccount.core.models import AuditEvent
from keyaccount.core.tests.factories import ContactFactory
from keyaccount.health.tests.queue import RECOMPUTE
from keyaccount.surveys.models import Survey
from keyaccount.surveys.services import SurveyClosed, answer, send_surveys
from keyaccount.surveys.tests.helpers import survey


def jobs_but_health():
    """Every job but the health recompute that adding the fixtures' contacts asked for."""
    return DBTaskResult.objects.exclude(task_path=RECOMPUTE)


@pytest.fixture
def vera(acme):
    return ContactFactory(account=acme, name="Vera", email="vera@acme.example")


@pytest.fixture
def oleg(acme):
    return ContactFactory(account=acme, name="Oleg", email="oleg@acme.example")


def test_alice_sends_a_csat_survey_to_two_people_one_each_with_an_email_queued(alice, acme, vera, oleg):
    before = timezone.now()
    sent = send_surveys(actor=alice, account=acme, contacts=[vera, oleg], kind="csat")

    assert sorted(s.email for s in sent) == ["oleg@acme.example", "vera@acme.example"]
    rows = list(Survey.objects.order_by("pk"))
    assert [(s.contact_id, s.kind, s.sent_by_id, s.answered_at) for s in rows] == [
        (vera.pk, "csat", alice.pk, None),
        (oleg.pk, "csat", alice.pk, None),
    ]
    for row in rows:
        assert row.expires_at - row.sent_at == datetime.timedelta(days=14)
        assert row.sent_at >= before
    assert rows[0].token != rows[1].token and len(rows[0].token) >= 40
    jobs = DBTaskResult.objects.filter(task_path="keyaccount.surveys.tasks.send_survey_email")
    assert sorted(job.args_kwargs["args"][0] for job in jobs) == [rows[0].pk, rows[1].pk]
    events = AuditEvent.objects.filter(object_type="surveys.survey", action="create", account=acme)
    assert events.count() == 2
    assert "token" not in events.first().changes


def test_a_contact_chosen_twice_gets_one_survey(alice, acme, vera):
    send_surveys(actor=alice, account=acme, contacts=[vera, vera], kind="nps", expires_in_days=3)
    only = Survey.objects.get()
    assert only.expires_at - only.sent_at == datetime.timedelta(days=3)


@pytest.mark.parametrize("person", ["ann", "carol", "dave"])
def test_the_assistant_the_head_and_the_admin_may_send(request, person, acme, vera):
    send_surveys(actor=request.getfixturevalue(person), account=acme, contacts=[vera], kind="csat")
    assert Survey.objects.count() == 1


@pytest.mark.parametrize("person", ["bob", "sam", "sally", "clint", "mallory"])
def test_it_refuses_those_who_do_not_look_after_the_account(request, person, acme, vera):
    with pytest.raises(PermissionDenied):
        send_surveys(actor=request.getfixturevalue(person), account=acme, contacts=[vera], kind="csat")
    assert not Survey.objects.exists()
    assert not jobs_but_health().exists()


def test_it_refuses_a_contact_without_an_email_and_sends_nothing_to_the_others(alice, acme, vera):
    mute = ContactFactory(account=acme, name="Pavel", email="")
    with pytest.raises(ValidationError) as error:
        send_surveys(actor=alice, account=acme, contacts=[vera, mute], kind="csat")
    assert error.value.message_dict == {"contacts": ["Pavel has no email address."]}
    assert not Survey.objects.exists()
    assert not jobs_but_health().exists()


def test_it_refuses_a_contact_who_has_left(alice, acme):
    gone = ContactFactory(account=acme, name="Gleb", email="gleb@acme.example", left_on=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError) as error:
        send_surveys(actor=alice, account=acme, contacts=[gone], kind="csat")
    assert error.value.message_dict == {"contacts": ["Gleb has left the company."]}


def test_it_refuses_a_contact_of_another_account(alice, acme, globex):
    stranger = ContactFactory(account=globex, name="Gena", email="gena@globex.example")
    with pytest.raises(ValidationError) as error:
        send_surveys(actor=alice, account=acme, contacts=[stranger], kind="csat")
    assert list(error.value.message_dict) == ["contacts"]
    assert not Survey.objects.exists()


def test_it_sends_to_a_contact_with_a_role_on_the_account(alice, acme, globex):
    from keyaccount.contacts.models import ContactAccountRole

    linked = ContactFactory(account=globex, name="Lena", email="lena@globex.example")
    ContactAccountRole.objects.create(organization=acme.organization, contact=linked, account=acme)
    send_surveys(actor=alice, account=acme, contacts=[linked], kind="nps")
    assert Survey.objects.get().account_id == acme.pk


def test_it_refuses_no_contacts_an_unknown_kind_and_a_bad_expiry(alice, acme, vera):
    with pytest.raises(ValidationError) as error:
        send_surveys(actor=alice, account=acme, contacts=[], kind="csat")
    assert list(error.value.message_dict) == ["contacts"]
    with pytest.raises(ValidationError) as error:
        send_surveys(actor=alice, account=acme, contacts=[vera], kind="ces")
    assert list(error.value.message_dict) == ["kind"]
    for days in (0, 91):
        with pytest.raises(ValidationError) as error:
            send_surveys(actor=alice, account=acme, contacts=[vera], kind="csat", expires_in_days=days)
        assert list(error.value.message_dict) == ["expires_in_days"]
    assert not Survey.objects.exists()


def test_it_refuses_a_second_survey_of_the_same_kind_while_one_waits(alice, acme, vera):
    send_surveys(actor=alice, account=acme, contacts=[vera], kind="csat")
    with pytest.raises(ValidationError) as error:
        send_surveys(actor=alice, account=acme, contacts=[vera], kind="csat")
    assert error.value.message_dict == {"contacts": ["Vera already has a survey of this kind waiting for an answer."]}
    send_surveys(actor=alice, account=acme, contacts=[vera], kind="nps")  # another kind is fine
    assert Survey.objects.count() == 2


def test_an_answered_or_expired_survey_does_not_block_a_new_one(alice, acme, vera):
    survey(acme, vera, "csat", score=4)
    survey(acme, vera, "csat", sent_at=timezone.now() - datetime.timedelta(days=20))  # expired
    send_surveys(actor=alice, account=acme, contacts=[vera], kind="csat")
    assert Survey.objects.count() == 3


# --- answering ------------------------------------------------------------------------------------------


def test_a_contact_answers_with_a_score_and_a_comment(acme, vera):
    s = survey(acme, vera, "nps")
    answered = answer(token=s.token, score="9", comment="  Quick and clear  ")

    s.refresh_from_db()
    assert (s.score, s.comment) == (9, "Quick and clear")
    assert s.answered_at is not None and answered.answered_at == s.answered_at
    event = AuditEvent.objects.get(object_type="surveys.survey", action="update")
    assert (event.actor_id, event.account_id, event.changes["score"]) == (None, acme.pk, [None, 9])


@pytest.mark.parametrize(("kind", "score"), [("csat", 0), ("csat", 6), ("nps", -1), ("nps", 11), ("nps", "x")])
def test_it_refuses_a_score_outside_the_kinds_range_and_stores_nothing(acme, vera, kind, score):
    s = survey(acme, vera, kind)
    with pytest.raises(ValidationError) as error:
        answer(token=s.token, score=score)
    assert list(error.value.message_dict) == ["score"]
    s.refresh_from_db()
    assert (s.score, s.answered_at) == (None, None)


@pytest.mark.parametrize(("kind", "score"), [("csat", 1), ("csat", 5), ("nps", 0), ("nps", 10)])
def test_it_takes_the_ends_of_each_scale(acme, vera, kind, score):
    s = survey(acme, vera, kind)
    assert answer(token=s.token, score=score).score == score


def test_it_refuses_an_overlong_comment(acme, vera):
    s = survey(acme, vera, "csat")
    with pytest.raises(ValidationError) as error:
        answer(token=s.token, score=5, comment="x" * 5001)
    assert list(error.value.message_dict) == ["comment"]
    assert Survey.objects.get().answered_at is None


def test_a_link_answers_only_once(acme, vera):
    s = survey(acme, vera, "csat")
    answer(token=s.token, score=5)
    with pytest.raises(SurveyClosed) as closed:
        answer(token=s.token, score=1, comment="changed my mind")
    assert closed.value.reason == "answered"
    s.refresh_from_db()
    assert (s.score, s.comment) == (5, "")


def test_an_expired_link_stores_nothing(acme, vera):
    s = survey(acme, vera, "csat", sent_at=timezone.now() - datetime.timedelta(days=15))
    with pytest.raises(SurveyClosed) as closed:
        answer(token=s.token, score=5)
    assert closed.value.reason == "expired"
    assert Survey.objects.get().answered_at is None
    assert not AuditEvent.objects.exists()


def test_a_forged_link_stores_nothing(acme, vera):
    survey(acme, vera, "csat")
    for token in ("forged-token", "", "x" * 500):
        with pytest.raises(SurveyClosed) as closed:
            answer(token=token, score=5)
        assert closed.value.reason == "unknown"
    assert Survey.objects.get().answered_at is None


@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_each_contact_their_own_link(alice, acme, vera, oleg, mailoutbox, settings):
    from django.core.management import call_command

    settings.SITE_URL = "https://ka.example/"
    send_surveys(actor=alice, account=acme, contacts=[vera, oleg], kind="nps")
    call_command("db_worker", "--batch", "--no-reload", verbosity=0)

    by_address = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_address) == ["oleg@acme.example", "vera@acme.example"]
    token = Survey.objects.get(contact=vera).token
    mail = by_address["vera@acme.example"]
    assert f"https://ka.example/surveys/answer/{token}/" in mail.body
    assert "Hello Vera" in mail.body
    assert "recommend Demo Agency" in mail.body
    assert mail.subject == "Demo Agency asks for your opinion"
    assert Survey.objects.get(contact=oleg).token not in mail.body


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_send_leaves_no_survey_and_no_email_job(alice, acme, vera):
    from django.db import transaction

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        send_surveys(actor=alice, account=acme, contacts=[vera], kind="csat")
        raise Abort
    assert not Survey.objects.exists()
    assert not jobs_but_health().exists()
