"""The demo's satisfaction data: a year of surveys with a realistic mix, written in a few queries."""

from __future__ import annotations

import datetime
import random

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyaccount.comms.models import Feedback, Interaction
from keyaccount.core.tests.factories import AccountFactory, ContactFactory, OrganizationFactory
from keyaccount.demo import surveys as demo
from keyaccount.surveys.models import Survey, SurveyStatus

TODAY = datetime.date(2026, 3, 20)


def portfolio(name: str):
    org = OrganizationFactory(name=name, slug=name.lower())
    when = timezone.make_aware(datetime.datetime(2026, 1, 15, 12))
    for n in range(40):
        account = AccountFactory(organization=org, name=f"Client {n}")
        ContactFactory(account=account, name=f"Boss {n}", email=f"boss{n}@c.example", decision_role="decision_maker")
        ContactFactory(account=account, name=f"User {n}", email=f"user{n}@c.example", decision_role="user")
        ContactFactory(account=account, name=f"Gone {n}", email=f"gone{n}@c.example", left_on=datetime.date(2025, 1, 1))
        Interaction.objects.bulk_create(
            Interaction(organization=org, account=account, kind="call", occurred_at=when) for _ in range(10)
        )
    return org


def test_the_demo_sends_a_year_of_surveys_with_a_realistic_mix(db):
    org = portfolio("One")
    with CaptureQueriesContext(connection) as captured:
        counts = demo.seed(org, random.Random(7), TODAY)
    assert len(captured) < 20

    surveys = list(Survey.objects.filter(organization=org).select_related("contact"))
    assert counts["surveys"] == len(surveys) > 100
    assert {s.contact.decision_role for s in surveys} == {"decision_maker"}
    assert all(s.contact.left_on is None for s in surveys)
    statuses = [s.status_at(timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(12)))) for s in surveys]
    assert statuses.count(SurveyStatus.ANSWERED) > len(surveys) / 2
    assert statuses.count(SurveyStatus.EXPIRED) > 0
    assert any(s.expires_at.date() > TODAY and s.answered_at is None for s in surveys)
    csat = [s.score for s in surveys if s.kind == "csat" and s.score is not None]
    nps = [s.score for s in surveys if s.kind == "nps" and s.score is not None]
    assert min(csat) <= 2 and max(csat) == 5
    assert any(score <= 6 for score in nps) and any(score >= 9 for score in nps)
    assert all(s.answered_at is None or s.sent_at < s.answered_at < s.expires_at for s in surveys)
    feedback = Interaction.objects.filter(organization=org).exclude(feedback=Feedback.NONE)
    assert counts["feedback"] == feedback.count() > 0
    assert set(feedback.values_list("feedback", flat=True)) == {Feedback.THANKS, Feedback.COMPLAINT}


def test_the_same_seed_gives_the_same_answers(db):
    def answers(name: str) -> list[tuple]:
        org = portfolio(name)
        demo.seed(org, random.Random(3), TODAY)
        return [
            (s.account.name, s.kind, s.score, s.sent_at, s.comment)
            for s in Survey.objects.filter(organization=org).select_related("account").order_by("pk")
        ]

    assert answers("First") == answers("Second")
