"""The health score of one account on one day, from its measures' values and the organization's model.

Pure arithmetic, no queries (docs/metrics.md, "Account health"):

- only measures that are on (`enabled`) and whose value is known count; their weights are divided by
  their sum, so the weights that count always add up to 1 (100 %);
- a measure's contribution is its value (0–100) × its normalised weight, in score points;
- the score is the sum of the contributions rounded half up to a whole number (69.5 → 70);
- the band: red below `red_below`, green from `green_from`, yellow in between;
- when no measure counts (all unknown, all off, or every weight zero) the score is None and the band
  unknown: a lack of data is never counted as good.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from keyaccount.health.base import Band, MeasureValue, Scored, ScoredMeasure

ZERO = Decimal(0)
# Contributions and weights are kept to 4 decimals: enough to explain a score to a tenth of a point.
PLACES = Decimal("0.0001")


def band_for(score: int | None, red_below: int, green_from: int) -> str:
    """red < red_below ≤ yellow < green_from ≤ green; unknown without a score."""
    if score is None:
        return Band.UNKNOWN
    if score < red_below:
        return Band.RED
    if score >= green_from:
        return Band.GREEN
    return Band.YELLOW


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def score(
    account_id: int,
    on: datetime.date,
    values: Mapping[str, MeasureValue],
    model: Any,
    measures: Iterable[Any],
) -> Scored:
    """Score one account: `values` by measure key, `model` a HealthModel (thresholds), `measures` the
    organization's HealthMeasure rows (weight, enabled). Measures that are off are left out; a measure
    with no value in `values` is unknown."""
    counted: list[tuple[Any, MeasureValue]] = []
    listed: list[tuple[Any, MeasureValue]] = []
    for measure in sorted(measures, key=lambda m: m.key):
        if not measure.enabled:
            continue
        value = values.get(measure.key) or MeasureValue(measure.key, None)
        listed.append((measure, value))
        if value.value is not None and measure.weight > 0:
            counted.append((measure, value))
    total_weight = sum((Decimal(m.weight) for m, _v in counted), ZERO)
    scored: list[ScoredMeasure] = []
    exact_sum = ZERO
    for measure, value in listed:
        if value.value is None or total_weight == 0 or measure.weight == 0:
            scored.append(ScoredMeasure(measure.key, value.value, ZERO, ZERO, dict(value.facts)))
            continue
        weight = Decimal(measure.weight) / total_weight
        contribution = Decimal(value.value) * weight
        exact_sum += contribution
        scored.append(
            ScoredMeasure(
                measure.key, value.value, weight.quantize(PLACES), contribution.quantize(PLACES), dict(value.facts)
            )
        )
    result = round_half_up(exact_sum) if total_weight > 0 else None
    return Scored(
        account_id=account_id,
        on=on,
        score=result,
        band=band_for(result, model.red_below, model.green_from),
        measures=tuple(scored),
    )


def measures_json(scored: Scored) -> list[dict[str, Any]]:
    """The measures as HealthScore/HealthSnapshot store them (decimals as strings)."""
    return [
        {
            "key": m.key,
            "value": m.value,
            "weight": str(m.weight),
            "contribution": str(m.contribution),
            "facts": m.facts,
        }
        for m in scored.measures
    ]


def from_stored(account_id: int, on: datetime.date, score_value: int | None, band: str, measures: list) -> Scored:
    """A Scored rebuilt from a stored HealthScore or HealthSnapshot row."""
    return Scored(
        account_id=account_id,
        on=on,
        score=score_value,
        band=band,
        measures=tuple(
            ScoredMeasure(
                key=m["key"],
                value=m.get("value"),
                weight=Decimal(m.get("weight") or 0),
                contribution=Decimal(m.get("contribution") or 0),
                facts=m.get("facts") or {},
            )
            for m in measures or []
        ),
    )
