"""Health tests score hand-made measure values: `fixed_values` replaces the measures with a table."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from keyaccount.health import measures
from keyaccount.health.base import MeasureValue
from keyaccount.health.signals import health_recomputed

TODAY = datetime.date(2026, 3, 31)


class FixedValues:
    """measure_values that answers `table[account_id][key]` (everything else unknown) and counts calls."""

    def __init__(self) -> None:
        self.table: dict[int, dict[str, int | None]] = {}
        self.calls: list[tuple[list[int], datetime.date]] = []

    def set(self, account: Any, **values: int | None) -> None:
        self.table[account.pk] = values

    def __call__(self, organization, accounts, as_of, params_by_key) -> dict[int, dict[str, MeasureValue]]:
        ids = [a.pk for a in accounts]
        self.calls.append((ids, as_of))
        return {
            pk: {key: MeasureValue(key, value, {"hand_made": True}) for key, value in self.table.get(pk, {}).items()}
            for pk in ids
        }


@pytest.fixture
def fixed_values(monkeypatch) -> FixedValues:
    fake = FixedValues()
    monkeypatch.setattr(measures, "measure_values", fake)
    return fake


@pytest.fixture
def today(monkeypatch) -> datetime.date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def _health_alone():
    """Health's own tests see what health does: other apps' receivers (alerts) are tested by those apps."""
    saved = health_recomputed.receivers
    health_recomputed.receivers = []
    health_recomputed.sender_receivers_cache.clear()
    yield
    health_recomputed.receivers = saved
    health_recomputed.sender_receivers_cache.clear()
