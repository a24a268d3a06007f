"""The shapes every part of account health shares: measures, bands and a scored account.

A measure turns one side of the relationship into a value from 0 (bad) to 100 (good) for an account
on a day, with the facts behind it (days since the last contact, the overdue invoice and its days...)
so the score can be explained in plain words. A measure with no data has the value None ("unknown"):
it is left out of the weights, never counted as good. The score is the weighted mean of the known
measures; the band compares it with the organization's thresholds (docs/metrics.md, "Account health").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    RED = "red", _("At risk")
    YELLOW = "yellow", _("Needs attention")
    GREEN = "green", _("Healthy")
    UNKNOWN = "unknown", _("Unknown")


class MeasureKey(models.TextChoices):
    CONTACT_RECENCY = "contact_recency", _("Contact recency against cadence")
    DECISION_MAKER_ENGAGED = "decision_maker_engaged", _("Decision maker engaged")
    STAKEHOLDER_COVERAGE = "stakeholder_coverage", _("Stakeholder coverage")
    CHAMPION_LEFT = "champion_left", _("Champion still there")
    OVERDUE_RECEIVABLES = "overdue_receivables", _("Overdue receivables")
    OVERDUE_WORK = "overdue_work", _("Overdue tasks and late responses")
    SATISFACTION = "satisfaction", _("Latest CSAT and NPS")
    SENTIMENT_TREND = "sentiment_trend", _("Sentiment of interactions")
    RENEWAL_RISK = "renewal_risk", _("Renewal ahead without an outcome")
    MANUAL_ASSESSMENT = "manual_assessment", _("Account manager's assessment")


@dataclass(frozen=True)
class MeasureValue:
    """One measure of one account on one day. `facts` are JSON-able (numbers, strings, ISO dates) and
    carry what the plain-words explanation needs, e.g. {"days_since_contact": 41, "cadence_days": 14}."""

    key: str
    value: int | None  # 0–100, None = unknown
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScoredMeasure:
    key: str
    value: int | None
    weight: Decimal  # this measure's share of the score, 0–1, after leaving unknown measures out (0 if unknown)
    contribution: Decimal  # value × weight, in score points; 0 if unknown
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scored:
    """An account's health on a day: what alerts, snapshots and the API read."""

    account_id: int
    on: Any  # datetime.date
    score: int | None  # None when every measure is unknown
    band: str  # Band
    measures: tuple[ScoredMeasure, ...]

    def measure(self, key: str) -> ScoredMeasure | None:
        return next((m for m in self.measures if m.key == key), None)
