"""Health history for the demo organization: run after the rest of the demo data exists (its accounts,
interactions, money and surveys), outside `health.services.paused()`."""

from __future__ import annotations

import datetime
import random
from typing import Any

from keyaccount.health import services
from keyaccount.health.management.commands.health_backfill import months_back


def seed(organization: Any, today: datetime.date, rng: random.Random | None = None) -> dict[str, int]:
    """Snapshots of every account for the last 12 month-ends and the last 35 days, computed from the
    demo records as they stood on each day, and today's current scores (which raise the alerts).
    Deterministic: health has no randomness of its own (`rng` is accepted for the seed_demo calling
    convention and unused). Returns {"snapshots": written}."""
    return {"snapshots": services.backfill(organization, months_back(today, 12), today)}
