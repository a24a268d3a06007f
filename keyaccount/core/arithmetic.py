"""Ratios as every page, export and API shows them: exact decimals, rounded half up, never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

Number = int | Decimal


def ratio(numerator: Number, denominator: Number, places: int = 4) -> Decimal | None:
    """numerator ÷ denominator rounded half up to `places` decimals; None when the denominator is zero."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
