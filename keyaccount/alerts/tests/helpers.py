"""Hand-built health for the alert tests: a Scored with the band, score and measures we choose."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from keyaccount.alerts import services
from keyaccount.health.base import Scored, ScoredMeasure

MARCH_1 = datetime.date(2026, 3, 1)


def health(
    band: str, score: int | None, *, account_id: int = 1, on: datetime.date = MARCH_1, **measures: Any
) -> Scored:
    """health("red", 35, contact_recency=20, champion_left=(0, {"left": [...]}))."""
    built = []
    for key, spec in measures.items():
        value, facts = spec if isinstance(spec, tuple) else (spec, {})
        built.append(ScoredMeasure(key, value, Decimal("0.1"), Decimal(value or 0) / 10, facts))
    return Scored(account_id=account_id, on=on, score=score, band=band, measures=tuple(built))


def recompute(account: Any, previous: Scored | None, current: Scored, as_of: datetime.date = MARCH_1) -> list:
    """What the health service does after storing a score: send `health_recomputed`; the alerts raised."""
    from keyaccount.alerts.models import Alert
    from keyaccount.health.signals import health_recomputed

    before = set(Alert.objects.values_list("pk", flat=True))
    health_recomputed.send(sender=None, account=account, previous=previous, current=current, as_of=as_of)
    return list(Alert.objects.exclude(pk__in=before).order_by("pk"))


__all__ = ["MARCH_1", "health", "recompute", "services"]
