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
