"""Two submissions of one survey link at the same moment (PostgreSQL): exactly one answer is stored."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from keyaccount.core.models import AuditEvent
from keyaccount.core.tests.concurrency import POSTGRES_ONLY, at_the_same_moment
from keyaccount.core.tests.factories import ContactFactory
from keyaccount.surveys.models import Survey
from keyaccount.surveys.services import SurveyClosed, answer
from keyaccount.surveys.tests.helpers import survey

pytestmark = POSTGRES_ONLY


@pytest.mark.django_db(transaction=True)
def test_two_answers_through_one_link_at_the_same_moment_store_one(acme):
    s = survey(acme, ContactFactory(account=acme, email="vera@acme.example"), "nps")

    def submit(score: int) -> Callable[[], str]:
        def call() -> str:
            try:
                answer(token=s.token, score=score, comment=f"said {score}")
                return "stored"
            except SurveyClosed as closed:
                assert closed.reason == "answered"
                return "refused"

        return call

    assert sorted(at_the_same_moment(submit(9), submit(2))) == ["refused", "stored"]
    stored = Survey.objects.get()
    assert (stored.score, stored.comment) in {(9, "said 9"), (2, "said 2")}
    assert AuditEvent.objects.filter(object_type="surveys.survey", action="update").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sends_to_one_contact_at_the_same_moment_send_one_survey(alice, acme):
    from django.core.exceptions import ValidationError

    from keyaccount.accounts.models import Account
    from keyaccount.surveys.services import send_surveys

    vera = ContactFactory(account=acme, email="vera@acme.example")

    def send() -> str:
        try:
            send_surveys(actor=alice, account=Account.objects.get(pk=acme.pk), contacts=[vera], kind="csat")
            return "sent"
        except ValidationError as refused:
            assert "contacts" in refused.message_dict
            return "refused"

    assert sorted(at_the_same_moment(send, send)) == ["refused", "sent"]
    assert Survey.objects.filter(contact=vera, kind="csat").count() == 1
