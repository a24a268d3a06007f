"""Health in plain words: a sentence per measure from its facts, and what changed since last month."""

from __future__ import annotations

import pytest
from django.utils import translation

from keyaccount.health.base import MeasureKey
from keyaccount.health.explain import changes, describe
from keyaccount.health.measures import measure_values
from keyaccount.health.tests.fixtures_measures import AS_OF, contact, days_before, opened, touch

K = MeasureKey


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("key", "value", "facts", "sentence"),
    [
        (
            K.CONTACT_RECENCY,
            4,
            {"days_since_contact": 41, "cadence_days": 14},
            "no contact for 41 days (cadence: every 14 days)",
        ),
        (
            K.CONTACT_RECENCY,
            100,
            {"days_since_contact": 1, "cadence_days": 7},
            "last contact 1 day ago, within the cadence of every 7 days",
        ),
        (
            K.CONTACT_RECENCY,
            43,
            {"days_since_contact": 30, "cadence_days": 14, "never_contacted": True},
            "no contact since the account was opened 30 days ago (cadence: every 14 days)",
        ),
        (
            K.DECISION_MAKER_ENGAGED,
            63,
            {"days": 30, "days_since_contact": 41, "contact": "Boss"},
            "no contact with the decision maker for 41 days",
        ),
        (
            K.DECISION_MAKER_ENGAGED,
            100,
            {"days": 30, "days_since_contact": 2, "contact": "Boss"},
            "in touch with the decision maker Boss 2 days ago",
        ),
        (K.DECISION_MAKER_ENGAGED, 0, {"days": 30, "never_contacted": True}, "no contact with the decision maker yet"),
        (K.DECISION_MAKER_ENGAGED, None, {"unknown": "no_decision_maker"}, "unknown: no decision maker is recorded"),
        (
            K.STAKEHOLDER_COVERAGE,
            33,
            {"engaged_contacts": 1, "window_days": 90},
            "single-threaded: only one contact engaged in the last 90 days",
        ),
        (
            K.STAKEHOLDER_COVERAGE,
            67,
            {"engaged_contacts": 2, "window_days": 90},
            "2 contacts engaged in the last 90 days",
        ),
        (
            K.STAKEHOLDER_COVERAGE,
            0,
            {"engaged_contacts": 0, "window_days": 90},
            "no contact engaged in the last 90 days",
        ),
        (
            K.CHAMPION_LEFT,
            0,
            {"champion": "Champ", "left_on": "2026-03-21", "days_since_left": 10},
            "the champion Champ left 10 days ago and no one has replaced them",
        ),
        (K.CHAMPION_LEFT, 100, {"champion": "Champ", "champions": 1}, "the champion Champ is still there"),
        (
            K.OVERDUE_RECEIVABLES,
            72,
            {"invoice": "2026-031", "days_overdue": 24, "overdue_share": 30, "currency": "RUB"},
            "invoice 2026-031 is 24 days overdue (30% of what is owed is overdue)",
        ),
        (K.OVERDUE_RECEIVABLES, 100, {"nothing_open": True}, "nothing is owed"),
        (K.OVERDUE_RECEIVABLES, None, {"unknown": "never_invoiced"}, "unknown: nothing has been invoiced yet"),
        (
            K.OVERDUE_WORK,
            45,
            {
                "overdue_tasks": 3,
                "task": "Report",
                "task_days_overdue": 5,
                "late_requests": 1,
                "requests_due": 2,
                "window_days": 30,
            },
            "3 tasks overdue, the oldest “Report” by 5 days; 1 of 2 requests answered late in the last 30 days",
        ),
        (K.OVERDUE_WORK, 100, {"overdue_tasks": 0, "window_days": 30}, "no overdue tasks, requests answered on time"),
        (K.SATISFACTION, 83, {"csat": 4, "nps": 9}, "latest CSAT 4 of 5, NPS 9 of 10"),
        (K.SATISFACTION, 90, {"nps": 9}, "latest NPS 9 of 10"),
        (
            K.SENTIMENT_TREND,
            58,
            {"mean": "0.33", "count": 3, "window_days": 90, "previous_mean": "-1.50", "change": "1.83"},
            "mean sentiment +0.33 over 3 interactions in the last 90 days, up 1.83 from the period before",
        ),
        (
            K.SENTIMENT_TREND,
            25,
            {"mean": "-1.00", "count": 1, "window_days": 90, "change": "-0.50"},
            "mean sentiment -1.00 over 1 interaction in the last 90 days, down 0.50 from the period before",
        ),
        (
            K.RENEWAL_RISK,
            33,
            {
                "contract": "C-60",
                "end_date": "2026-05-30",
                "notice_deadline": "2026-04-30",
                "days_left": 30,
                "next": "notice",
            },
            "the notice deadline of contract C-60 is in 30 days (April 30, 2026), no renewal outcome yet",
        ),
        (
            K.RENEWAL_RISK,
            0,
            {"contract": "C-1", "end_date": "2026-04-20", "outcome": "churned"},
            "contract C-1 will not be renewed",
        ),
        (K.RENEWAL_RISK, 100, {"no_renewal_due": True, "horizon_days": 90}, "no renewal due within 90 days"),
        (K.RENEWAL_RISK, None, {"unknown": "no_contract"}, "unknown: no contract is signed"),
        (
            K.MANUAL_ASSESSMENT,
            60,
            {"comment": "budget cut looming", "expires_on": "2026-04-30"},
            "the account manager rates it 60 of 100 until April 30, 2026: “budget cut looming”",
        ),
        (
            K.MANUAL_ASSESSMENT,
            None,
            {"unknown": "assessment_expired", "expires_on": "2026-03-01"},
            "unknown: the account manager's assessment expired on March 1, 2026",
        ),
        (K.SATISFACTION, None, {"unknown": "churned"}, "unknown: the account has churned"),
    ],
)
def test_it_says_each_measure_in_plain_words(key, value, facts, sentence):
    assert describe(key, value, facts) == sentence


def test_it_describes_the_facts_the_measures_produce(org, acme):
    opened(acme)
    boss = contact(acme, "Boss", role="decision_maker")
    touch(acme, days_before(41), boss)
    m = measure_values(org, [acme], AS_OF, {})[acme.pk][K.DECISION_MAKER_ENGAGED]
    assert describe(m.key, m.value, m.facts) == "no contact with the decision maker for 41 days"


def _m(key, value, **facts):
    return {"key": key, "value": value, "weight": "0.1", "contribution": "1", "facts": facts}


def test_changes_list_moves_of_ten_points_or_more_largest_drop_first():
    before = [
        _m(K.CONTACT_RECENCY, 80),
        _m(K.DECISION_MAKER_ENGAGED, 100),
        _m(K.SATISFACTION, 50),
        _m(K.SENTIMENT_TREND, 60),
        _m(K.OVERDUE_RECEIVABLES, 100),
        _m(K.MANUAL_ASSESSMENT, None, unknown="no_assessment"),
    ]
    after = [
        _m(K.CONTACT_RECENCY, 35, days_since_contact=41, cadence_days=14),
        _m(K.DECISION_MAKER_ENGAGED, 63, days=30, days_since_contact=41, contact="Boss"),
        _m(K.SATISFACTION, 90, nps=9),
        _m(K.SENTIMENT_TREND, 51, mean="0.04", count=5, window_days=90),
        _m(K.OVERDUE_RECEIVABLES, None, unknown="never_invoiced"),
        _m(K.MANUAL_ASSESSMENT, 60, comment="fine", expires_on="2026-04-30"),
        _m(K.RENEWAL_RISK, 10, no_renewal_due=True, horizon_days=90),
    ]
    assert changes(before, after) == [
        "Contact recency against cadence fell from 80 to 35: no contact for 41 days (cadence: every 14 days)",
        "Decision maker engaged fell from 100 to 63: no contact with the decision maker for 41 days",
        "Latest CSAT and NPS rose from 50 to 90: latest NPS 9 of 10",
        "Overdue receivables is now unknown (was 100): nothing has been invoiced yet",
        "Account manager's assessment is now known, 60: "
        "the account manager rates it 60 of 100 until April 30, 2026: “fine”",
    ]


def test_changes_are_empty_without_an_earlier_list():
    assert changes([], [_m(K.CONTACT_RECENCY, 10, days_since_contact=41, cadence_days=14)]) == []
