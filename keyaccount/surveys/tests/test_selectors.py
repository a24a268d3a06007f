"""Who sees which surveys, and the latest answers per account that account health reads."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.core.tests.factories import AccountFactory, ContactFactory
from keyaccount.surveys.selectors import latest_answers, surveys_visible_to
from keyaccount.surveys.tests.helpers import at, survey

d = datetime.date


@pytest.fixture
def vera(acme):
    return ContactFactory(account=acme, name="Vera", email="vera@acme.example")


@pytest.fixture
def gena(globex):
    return ContactFactory(account=globex, name="Gena", email="gena@globex.example")


def test_each_role_sees_exactly_the_surveys_it_should(
    acme, globex, vera, gena, alice, bob, ann, sam, sally, carol, dave, clint, mallory
):
    on_acme = survey(acme, vera, "csat")
    on_globex = survey(globex, gena, "csat")
    seen = {
        person.email.split("@")[0]: sorted(surveys_visible_to(person).values_list("pk", flat=True))
        for person in (alice, bob, ann, sam, sally, carol, dave, clint, mallory)
    }
    assert seen == {
        "alice": [on_acme.pk],
        "bob": [on_globex.pk],
        "ann": [on_acme.pk],
        "sam": [],
        "sally": [],
        "carol": [on_acme.pk, on_globex.pk],
        "dave": [on_acme.pk, on_globex.pk],
        "clint": [],
        "mallory": [],
    }


def test_latest_answers_gives_each_accounts_latest_score_of_each_kind_by_the_day(org, acme, globex, vera, gena):
    survey(acme, vera, "csat", score=2, answered_at=at(org, "2026-03-01"))
    survey(acme, vera, "csat", score=5, answered_at=at(org, "2026-03-10", 23, 59))  # latest by the 10th
    survey(acme, vera, "csat", score=1, answered_at=at(org, "2026-03-11", 0, 0))  # the next day: not yet
    survey(acme, vera, "nps", score=9, answered_at=at(org, "2026-02-01"))
    survey(acme, vera, "nps")  # sent, never answered
    survey(globex, gena, "nps", score=3, answered_at=at(org, "2026-03-05"))

    assert latest_answers([acme.pk, globex.pk], d(2026, 3, 10)) == {
        acme.pk: {"csat": (5, d(2026, 3, 10)), "nps": (9, d(2026, 2, 1))},
        globex.pk: {"nps": (3, d(2026, 3, 5))},
    }
    assert latest_answers([acme.pk], d(2026, 3, 11)) == {
        acme.pk: {"csat": (1, d(2026, 3, 11)), "nps": (9, d(2026, 2, 1))}
    }
    assert latest_answers([acme.pk, globex.pk], d(2026, 1, 31)) == {}
    assert latest_answers([], d(2026, 3, 10)) == {}


def test_two_answers_at_the_same_moment_the_later_survey_wins(org, acme, vera):
    when = at(org, "2026-03-05")
    survey(acme, vera, "csat", score=3, answered_at=when)
    survey(acme, vera, "csat", score=4, answered_at=when)
    assert latest_answers([acme.pk], d(2026, 3, 5)) == {acme.pk: {"csat": (4, d(2026, 3, 5))}}


def test_latest_answers_runs_the_same_queries_for_2_and_20_accounts(org):
    def make(n: int) -> list[int]:
        ids = []
        for _ in range(n):
            account = AccountFactory(organization=org)
            contact = ContactFactory(account=account, email="x@example.com")
            for score, kind in ((4, "csat"), (8, "nps"), (2, "csat")):
                survey(account, contact, kind, score=score, answered_at=at(org, "2026-03-01"))
            ids.append(account.pk)
        return ids

    def queries(ids: list[int]) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(latest_answers(ids, d(2026, 3, 31))) == len(ids)
        return len(captured)

    assert queries(make(2)) == queries(make(20)) == 2
