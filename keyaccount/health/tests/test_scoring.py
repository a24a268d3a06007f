"""The health score by hand: normalised weights, unknown measures left out, rounding, bands."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from keyaccount.health.base import Band, MeasureValue
from keyaccount.health.scoring import band_for, from_stored, measures_json, score

DAY = datetime.date(2026, 3, 1)
MODEL = SimpleNamespace(red_below=40, green_from=70)


def measure(key: str, weight: int, enabled: bool = True) -> SimpleNamespace:
    return SimpleNamespace(key=key, weight=weight, enabled=enabled)


def values(**by_key: int | None) -> dict[str, MeasureValue]:
    return {key: MeasureValue(key, value) for key, value in by_key.items()}


def test_it_normalises_the_weights_of_known_measures_and_leaves_unknown_and_disabled_ones_out():
    # a: 30, b: 20 count (total 50); c is unknown, d is off. a = 80 × 0.6 = 48, b = 50 × 0.4 = 20 → 68.
    measures = [measure("a", 30), measure("b", 20), measure("c", 50), measure("d", 40, enabled=False)]

    scored = score(7, DAY, values(a=80, b=50, c=None, d=0), MODEL, measures)

    assert scored.score == 68
    assert scored.band == Band.YELLOW
    assert [(m.key, m.value, m.weight, m.contribution) for m in scored.measures] == [
        ("a", 80, Decimal("0.6000"), Decimal("48.0000")),
        ("b", 50, Decimal("0.4000"), Decimal("20.0000")),
        ("c", None, Decimal("0"), Decimal("0")),
    ]


def test_it_counts_a_measure_missing_from_the_values_as_unknown_not_as_good():
    scored = score(7, DAY, values(a=20), MODEL, [measure("a", 10), measure("b", 90)])

    assert scored.score == 20
    assert scored.band == Band.RED
    assert scored.measure("b").value is None


def test_it_rounds_half_up():
    # (68 + 69) / 2 = 68.5 → 69 (banker's rounding would give 68).
    assert score(1, DAY, values(a=68, b=69), MODEL, [measure("a", 1), measure("b", 1)]).score == 69


def test_it_keeps_thirds_exact_until_the_final_rounding():
    # weights 1/3 each: (10 + 10 + 11) / 3 = 10.333… → 10; the contributions are shown to 4 places.
    scored = score(1, DAY, values(a=10, b=10, c=11), MODEL, [measure("a", 5), measure("b", 5), measure("c", 5)])

    assert scored.score == 10
    assert scored.measure("c").contribution == Decimal("3.6667")
    assert scored.measure("c").weight == Decimal("0.3333")


def test_it_answers_unknown_when_every_measure_is_unknown():
    scored = score(1, DAY, values(a=None), MODEL, [measure("a", 10), measure("b", 10)])

    assert scored.score is None
    assert scored.band == Band.UNKNOWN
    assert [m.contribution for m in scored.measures] == [Decimal(0), Decimal(0)]


def test_it_answers_unknown_when_the_only_known_measure_weighs_nothing():
    scored = score(1, DAY, values(a=90, b=None), MODEL, [measure("a", 0), measure("b", 10)])

    assert (scored.score, scored.band) == (None, Band.UNKNOWN)


@pytest.mark.parametrize(
    ("value", "band"),
    [(0, Band.RED), (39, Band.RED), (40, Band.YELLOW), (69, Band.YELLOW), (70, Band.GREEN), (100, Band.GREEN)],
)
def test_the_bands_follow_the_thresholds(value, band):
    assert band_for(value, 40, 70) == band
    assert score(1, DAY, values(a=value), MODEL, [measure("a", 3)]).band == band


def test_a_stored_score_reads_back_as_it_was_scored():
    scored = score(7, DAY, values(a=80, b=50), MODEL, [measure("a", 30), measure("b", 20)])

    assert from_stored(7, DAY, scored.score, scored.band, measures_json(scored)) == scored
