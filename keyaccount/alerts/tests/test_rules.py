"""Each built-in rule against hand-built pairs of health: it fires on the turn, never on a steady state."""

from __future__ import annotations

import datetime

import pytest

from keyaccount.alerts import rules
from keyaccount.alerts.tests.helpers import health


@pytest.mark.parametrize(
    ("before", "after", "key"),
    [("green", "yellow", "yellow"), ("yellow", "red", "red"), ("green", "red", "red")],
)
def test_it_raises_a_band_drop_when_the_band_gets_worse(before, after, key):
    trigger = rules.band_drop(health(before, 75), health(after, 35))

    assert trigger is not None
    assert (trigger.rule, trigger.key) == ("band_drop", key)
    assert trigger.facts == {"from_band": before, "to_band": after, "from_score": 75, "to_score": 35}


@pytest.mark.parametrize(
    ("before", "after"),
    [("red", "red"), ("red", "yellow"), ("yellow", "green"), ("unknown", "red"), ("green", "unknown")],
)
def test_it_raises_no_band_drop_when_the_band_holds_improves_or_is_unknown(before, after):
    assert rules.band_drop(health(before, 50), health(after, 50)) is None


def test_the_first_computation_is_no_band_drop():
    assert rules.band_drop(None, health("red", 20)) is None


def test_a_measure_crossing_its_threshold_downwards_fires_with_its_values():
    fired = rules.measures_below(
        health("green", 80, contact_recency=45), health("yellow", 60, contact_recency=39), {"contact_recency": 40}
    )

    assert [(t.rule, t.key, t.facts) for t in fired] == [
        ("measure_below", "contact_recency", {"value": 39, "previous_value": 45, "alert_below": 40})
    ]


def test_a_measure_exactly_at_its_threshold_is_not_below_it():
    assert (
        rules.measures_below(
            health("green", 80, overdue_work=50), health("green", 80, overdue_work=40), {"overdue_work": 40}
        )
        == []
    )


def test_a_measure_staying_below_fires_nothing_more():
    assert (
        rules.measures_below(
            health("red", 30, overdue_work=20), health("red", 30, overdue_work=10), {"overdue_work": 40}
        )
        == []
    )


def test_a_measure_first_seen_below_fires():
    first = rules.measures_below(None, health("red", 30, overdue_work=10), {"overdue_work": 40})
    was_unknown = rules.measures_below(
        health("red", 30, overdue_work=None), health("red", 30, overdue_work=10), {"overdue_work": 40}
    )

    assert [t.facts for t in first] == [{"value": 10, "previous_value": None, "alert_below": 40}]
    assert [t.key for t in was_unknown] == ["overdue_work"]


def test_a_measure_without_a_threshold_or_unknown_never_fires():
    assert rules.measures_below(None, health("red", 30, overdue_work=10, satisfaction=None), {"satisfaction": 50}) == []


ANNA_LEFT = {"champion": "Anna Petrova", "left_on": "2026-02-20", "days_since_left": 9, "window_days": 90}


def test_champion_left_fires_when_the_measure_reports_a_champion_who_left():
    before = health("green", 80, champion_left=(100, {"champions": 1, "champion": "Anna Petrova"}))
    after = health("yellow", 60, champion_left=(0, ANNA_LEFT))

    trigger = rules.champion_left(before, after)

    assert trigger is not None
    assert (trigger.rule, trigger.key) == ("champion_left", "champion_left")
    assert trigger.facts == {"champions": [{"champion": "Anna Petrova", "left_on": "2026-02-20", "days_since_left": 9}]}


def test_champion_left_fires_once_for_the_same_departure_even_as_the_alarm_fades():
    now = health("yellow", 60, champion_left=(0, ANNA_LEFT))
    faded = health("yellow", 60, champion_left=(50, {**ANNA_LEFT, "days_since_left": 95}))

    assert rules.champion_left(now, now) is None
    assert rules.champion_left(now, faded) is None


def test_a_second_champion_leaving_later_fires_again():
    first = health("yellow", 60, champion_left=(50, ANNA_LEFT))
    second = health("red", 30, champion_left=(0, {"champion": "Oleg", "left_on": "2026-02-27", "days_since_left": 2}))

    assert rules.champion_left(first, second) is not None


def test_champion_left_is_silent_while_a_champion_is_there_or_none_was_recorded():
    present = health("green", 80, champion_left=(100, {"champions": 1, "champion": "Anna"}))
    never = health("green", 80, champion_left=(None, {"unknown": "no_champion"}))

    assert rules.champion_left(None, present) is None
    assert rules.champion_left(None, never) is None
    assert rules.champion_left(present, health("green", 80)) is None


# renewal_risk facts as health/measures/money.py writes them for the riskiest contract.
NOTICE_IN_61_DAYS = {
    "contract": "C-2026-01",
    "end_date": "2026-05-31",
    "horizon_days": 90,
    "notice_deadline": "2026-05-01",
    "next": "notice",
    "days_left": 61,
}


def test_renewal_ahead_fires_when_a_contract_comes_within_90_days_without_an_outcome():
    before = health("green", 80, renewal_risk=(100, {"no_renewal_due": True, "horizon_days": 90}))
    after = health("green", 80, renewal_risk=(68, NOTICE_IN_61_DAYS))

    trigger = rules.renewal_ahead(before, after)

    assert trigger is not None
    assert (trigger.rule, trigger.key) == ("renewal_ahead", "renewal_risk")
    assert trigger.facts == {
        "contracts": [
            {
                "contract": "C-2026-01",
                "end_date": "2026-05-31",
                "notice_deadline": "2026-05-01",
                "next": "notice",
                "days_left": 61,
            }
        ]
    }
    assert (
        rules.renewal_ahead(after, health("green", 78, renewal_risk=(60, {**NOTICE_IN_61_DAYS, "days_left": 54})))
        is None
    )


def test_renewal_ahead_counts_the_90th_day_and_not_the_91st():
    day_90 = {**NOTICE_IN_61_DAYS, "days_left": 90}
    day_91 = {**NOTICE_IN_61_DAYS, "days_left": 91}

    assert rules.renewal_ahead(None, health("green", 80, renewal_risk=(0, day_90))) is not None
    assert rules.renewal_ahead(None, health("green", 80, renewal_risk=(0, day_91))) is None


def test_renewal_ahead_reads_the_dates_when_days_left_is_missing():
    on = datetime.date(2026, 3, 1)
    in_90 = {"contract": "C-1", "end_date": (on + datetime.timedelta(days=90)).isoformat()}
    in_91 = {"contract": "C-1", "end_date": (on + datetime.timedelta(days=91)).isoformat()}

    assert rules.renewal_ahead(None, health("green", 80, on=on, renewal_risk=(10, in_90))) is not None
    assert rules.renewal_ahead(None, health("green", 80, on=on, renewal_risk=(10, in_91))) is None


def test_renewal_ahead_ignores_an_outcome_notice_given_or_an_ended_term():
    for facts in (
        {**NOTICE_IN_61_DAYS, "outcome": "churned"},
        {"contract": "C-1", "end_date": "2026-04-30", "notice_given_on": "2026-02-01"},
        {"contract": "C-1", "end_date": "2026-02-20", "ended_days_ago": 9},
        {"no_renewal_due": True, "horizon_days": 90},
    ):
        assert rules.renewal_ahead(None, health("green", 80, renewal_risk=(0, facts))) is None, facts


def test_the_next_term_of_the_same_contract_fires_again():
    this_term = health("green", 80, renewal_risk=(30, NOTICE_IN_61_DAYS))
    next_term = health("green", 80, renewal_risk=(30, {**NOTICE_IN_61_DAYS, "end_date": "2027-05-31"}))

    assert rules.renewal_ahead(this_term, next_term) is not None


def test_measure_below_leaves_champion_left_and_renewal_risk_to_their_own_rules():
    fired = rules.measures_below(
        None, health("red", 30, champion_left=0, renewal_risk=10), {"champion_left": 50, "renewal_risk": 50}
    )

    assert fired == []


def test_evaluate_lists_every_rule_that_fires():
    before = health("green", 75, contact_recency=60, champion_left=100)
    after = health("red", 30, contact_recency=20, champion_left=(0, ANNA_LEFT))

    fired = rules.evaluate(before, after, {"contact_recency": 40})

    assert [(t.rule, t.key) for t in fired] == [
        ("band_drop", "red"),
        ("champion_left", "champion_left"),
        ("measure_below", "contact_recency"),
    ]
