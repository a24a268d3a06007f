"""The parts every KPI is made of."""

from __future__ import annotations

import datetime
from decimal import Decimal

from keyaccount.kpis.base import Period, ratio


def test_a_ratio_is_a_fraction_rounded_half_up_and_none_without_a_denominator():
    assert ratio(1, 3) == Decimal("0.3333")
    assert ratio(2, 3) == Decimal("0.6667")
    assert ratio(Decimal("5"), Decimal("8"), places=2) == Decimal("0.63")  # 0.625 → 0.63
    assert ratio(3, 0) is None


def test_a_period_counts_both_ends_and_knows_the_equal_one_before():
    q1 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert q1.days == 90
    assert q1.previous() == Period(datetime.date(2025, 10, 3), datetime.date(2025, 12, 31))
    assert q1.previous().days == 90
