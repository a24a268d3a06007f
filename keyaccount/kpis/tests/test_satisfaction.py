"""CSAT and NPS against hand-computed survey answers.

Period: 2026-03-01 … 2026-03-28 in the organization's time zone; an answer counts in the period it was
given (whenever the survey was sent). acme is alice's, globex bob's; initech is in another organization.

CSAT answers given in March:  acme 5, 4, 3, 1        globex 5, 5, 2        initech 5
NPS answers given in March:   acme 10, 9, 8, 6, 0    globex 9, 7           initech 0
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from keyaccount.comms.models import Feedback, Interaction
from keyaccount.core.tests.factories import ContactFactory
from keyaccount.kpis import activity
from keyaccount.kpis.scope import frame_from
from keyaccount.surveys.tests.helpers import at, survey

MARCH = {"period_start": "2026-03-01", "period_end": "2026-03-28"}


def counts(metric):
    return (metric.numerator, metric.denominator, metric.value)


@pytest.fixture
def answers(org, other_org, acme, globex, initech):
    vera = ContactFactory(account=acme, email="vera@acme.example")
    gena = ContactFactory(account=globex, email="gena@globex.example")
    ivan = ContactFactory(account=initech, email="ivan@initech.example")
    for score, day in [(5, "2026-03-02"), (3, "2026-03-15")]:
        survey(acme, vera, "csat", score=score, answered_at=at(org, day))
    # Sent in February, answered in March: counts in March.
    survey(acme, vera, "csat", score=4, sent_at=at(org, "2026-02-20"), answered_at=at(org, "2026-03-10"))
    survey(acme, vera, "csat", score=1, answered_at=at(org, "2026-03-28", 23, 30))  # the last evening
    for score, day in [(5, "2026-03-05"), (5, "2026-03-06"), (2, "2026-03-07")]:
        survey(globex, gena, "csat", score=score, answered_at=at(org, day))
    for score, day in [(10, "2026-03-02"), (9, "2026-03-03"), (8, "2026-03-04"), (6, "2026-03-05"), (0, "2026-03-06")]:
        survey(acme, vera, "nps", score=score, answered_at=at(org, day))
    for score, day in [(9, "2026-03-08"), (7, "2026-03-09")]:
        survey(globex, gena, "nps", score=score, answered_at=at(org, day))
    survey(initech, ivan, "csat", score=5, answered_at=at(other_org, "2026-03-10"))
    survey(initech, ivan, "nps", score=0, answered_at=at(other_org, "2026-03-10"))
    # Not counted: answered just before and just after the period, never answered, feedback from interactions.
    survey(acme, vera, "csat", score=5, answered_at=at(org, "2026-02-28", 23, 59))
    survey(acme, vera, "csat", score=5, answered_at=at(org, "2026-03-29", 0, 0))
    survey(acme, vera, "nps", score=10, answered_at=at(org, "2026-03-29", 0, 0))
    survey(acme, vera, "csat", sent_at=at(org, "2026-03-03"))
    survey(acme, vera, "nps", sent_at=at(org, "2026-03-03"))
    for feedback in (Feedback.THANKS, Feedback.THANKS, Feedback.COMPLAINT):
        Interaction.objects.create(
            organization=org, account=acme, kind="call", occurred_at=at(org, "2026-03-12"), feedback=feedback
        )


def test_csat_is_the_share_of_4_and_5_among_the_periods_answers(answers, carol):
    frame = frame_from(carol, {"scope": "organization", **MARCH})
    # 4 or 5: acme 5, 4; globex 5, 5 → 4 of 7 answers = 0.5714
    assert counts(activity.csat(frame)) == (4, 7, Decimal("0.5714"))


def test_nps_is_promoters_minus_detractors_over_the_answers(answers, carol):
    frame = frame_from(carol, {"scope": "organization", **MARCH})
    # promoters (9–10): acme 10, 9; globex 9 = 3. detractors (0–6): acme 6, 0 = 2. 7 answers → (3 − 2) ÷ 7
    assert counts(activity.nps(frame)) == (1, 7, Decimal("0.1429"))


def test_an_account_managers_scope_counts_only_her_accounts(answers, carol, alice, bob):
    alices = frame_from(carol, {"scope": f"am:{alice.pk}", **MARCH})
    # acme: CSAT 5, 4 of 5, 4, 3, 1 → 2 ÷ 4; NPS (2 − 2) ÷ 5 = 0
    assert counts(activity.csat(alices)) == (2, 4, Decimal("0.5000"))
    assert counts(activity.nps(alices)) == (0, 5, Decimal("0.0000"))
    bobs = frame_from(carol, {"scope": f"am:{bob.pk}", **MARCH})
    # globex: CSAT 5, 5 of 5, 5, 2 → 2 ÷ 3; NPS one promoter (9), one passive (7) → 1 ÷ 2
    assert counts(activity.csat(bobs)) == (2, 3, Decimal("0.6667"))
    assert counts(activity.nps(bobs)) == (1, 2, Decimal("0.5000"))


def test_an_account_manager_never_counts_another_ams_accounts(answers, alice):
    # alice's "organization" is what she sees: acme only.
    frame = frame_from(alice, {"scope": "organization", **MARCH})
    assert counts(activity.csat(frame)) == (2, 4, Decimal("0.5000"))
    assert counts(activity.nps(frame)) == (0, 5, Decimal("0.0000"))


def test_one_account(answers, carol, globex):
    frame = frame_from(carol, {"scope": f"account:{globex.pk}", **MARCH})
    assert counts(activity.csat(frame)) == (2, 3, Decimal("0.6667"))


def test_another_organization_counts_only_its_own_answers(answers, mallory):
    frame = frame_from(mallory, {"scope": "organization", **MARCH})
    # initech: CSAT 5 → 1 ÷ 1; NPS 0 → (0 − 1) ÷ 1 = −1
    assert counts(activity.csat(frame)) == (1, 1, Decimal("1.0000"))
    assert counts(activity.nps(frame)) == (-1, 1, Decimal("-1.0000"))


def test_an_empty_period_has_no_csat_and_no_nps(answers, carol):
    frame = frame_from(carol, {"period_start": "2025-01-01", "period_end": "2025-01-31"})
    assert counts(activity.csat(frame)) == (0, 0, None)
    assert counts(activity.nps(frame)) == (0, 0, None)


def test_nps_is_negative_when_detractors_outnumber_promoters(org, acme, carol):
    vera = ContactFactory(account=acme, email="vera@acme.example")
    for score in (6, 2, 9):
        survey(acme, vera, "nps", score=score, answered_at=at(org, "2026-04-10"))
    frame = frame_from(carol, {"period_start": "2026-04-01", "period_end": "2026-04-30"})
    # promoters 1 − detractors 2 = −1, of 3 answers
    assert counts(activity.nps(frame)) == (-1, 3, Decimal("-0.3333"))


def test_the_kpi_api_answers_csat_and_nps_with_numerator_and_denominator(answers, carol):
    client = APIClient()
    client.force_authenticate(carol)
    body = client.get("/api/v1/kpis/", {"scope": "organization", **MARCH}).data
    assert body["metrics"]["csat"] == {"numerator": "4", "denominator": "7", "value": "0.5714", "unit": "ratio"}
    assert body["metrics"]["nps"] == {"numerator": "1", "denominator": "7", "value": "0.1429", "unit": "ratio"}
