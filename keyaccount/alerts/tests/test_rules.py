"""Each built-in rule against hand-built pairs of health: it fires on the turn, never on a steady state."""

from __future__ import annotations

import datetime

import pytest

from keyaccount.alerts import rules
from keyaccount.alerts.tests.helpers import MARCH_1, health


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


def test_champion_left_fires_for_a_champion_not_reported_before():
    anna = {"contact_id": 7, "name": "Anna Petrova", "left_on": "2026-02-20"}
    before = health("green", 80, champion_left=(100, {}))
    after = health("yellow", 60, champion_left=(0, {"left": [anna]}))

    trigger = rules.champion_left(before, after)

    assert trigger is not None
    assert (trigger.rule, trigger.key, trigger.facts) == ("champion_left", "champion_left", {"champions": [anna]})
    assert rules.champion_left(after, after) is None  # reported already: nothing new


def test_champion_left_fires_on_a_measure_at_zero_without_names():
    trigger = rules.champion_left(health("green", 80, champion_left=100), health("yellow", 60, champion_left=0))

    assert trigger is not None and trigger.facts == {"champions": [{}]}
    assert rules.champion_left(health("green", 80), health("green", 80, champion_left=100)) is None
    assert rules.champion_left(None, health("green", 80, champion_left=None)) is None


def test_renewal_ahead_fires_for_a_contract_whose_end_or_notice_comes_within_90_days():
    contract = {"contract_id": 3, "number": "C-2026-01", "end_date": "2026-05-31", "notice_deadline": "2026-05-01"}
    far = {**contract, "end_date": "2026-12-31", "notice_deadline": "2026-12-01"}
    on = MARCH_1  # 2026-05-01 is 61 days later; 2026-12-01 is 275

    assert rules.renewal_ahead(None, health("green", 80, on=on, renewal_risk=(100, far))) is None
    trigger = rules.renewal_ahead(
        health("green", 80, on=on, renewal_risk=(100, far)), health("green", 80, on=on, renewal_risk=(40, contract))
    )
    assert trigger is not None
    assert (trigger.rule, trigger.key) == ("renewal_ahead", "renewal_risk")
    assert trigger.facts == {"contracts": [contract]}


def test_renewal_ahead_counts_the_90th_day_and_not_the_91st():
    on = datetime.date(2026, 3, 1)
    day_90 = {"number": "C-1", "end_date": (on + datetime.timedelta(days=90)).isoformat()}
    day_91 = {"number": "C-2", "end_date": (on + datetime.timedelta(days=91)).isoformat()}

    found = rules.renewals_ahead(
        health("green", 80, on=on, renewal_risk=(50, {"contracts": [day_90, day_91]})).measure("renewal_risk"), on
    )

    assert list(found) == ["C-1"]


def test_renewal_ahead_ignores_a_contract_with_an_outcome_and_one_reported_before():
    contract = {"number": "C-1", "end_date": "2026-04-30"}
    decided = {"number": "C-2", "end_date": "2026-04-30", "outcome": "renewed"}
    before = health("green", 80, renewal_risk=(40, {"contracts": [contract]}))
    after = health("green", 80, renewal_risk=(40, {"contracts": [contract, decided]}))

    assert rules.renewal_ahead(before, after) is None


def test_evaluate_lists_every_rule_that_fires():
    before = health("green", 75, contact_recency=60, champion_left=100)
    after = health("red", 30, contact_recency=20, champion_left=0)

    fired = rules.evaluate(before, after, {"contact_recency": 40})

    assert [(t.rule, t.key) for t in fired] == [
        ("band_drop", "red"),
        ("champion_left", "champion_left"),
        ("measure_below", "contact_recency"),
    ]
