"""The demo's alerts: band drops against a month ago, some closed with an outcome, the same for the same seed."""

from __future__ import annotations

import datetime
import random

from keyaccount.alerts.models import Alert
from keyaccount.demo import alerts as demo
from keyaccount.health.models import HealthScore, HealthSnapshot

TODAY = datetime.date(2026, 3, 31)


def store(account, band, score, on):
    measures = [{"key": "contact_recency", "value": score, "weight": "1", "contribution": str(score), "facts": {}}]
    HealthSnapshot.objects.create(
        organization_id=account.organization_id, account=account, on=on, score=score, band=band, measures=measures
    )
    return measures


def test_the_demo_raises_band_drops_against_a_month_ago(org, alice, bob, acme, globex):
    store(acme, "green", 80, TODAY - datetime.timedelta(days=30))
    HealthScore.objects.create(organization=org, account=acme, on=TODAY, score=30, band="red", measures=[])
    store(globex, "yellow", 60, TODAY - datetime.timedelta(days=30))
    HealthScore.objects.create(organization=org, account=globex, on=TODAY, score=75, band="green", measures=[])

    counts = demo.seed(org, random.Random(7), TODAY)

    (alert,) = Alert.objects.all()
    assert (alert.account, alert.rule, alert.key, alert.previous_band) == (acme, "band_drop", "red", "green")
    assert counts["band_drops"] == 1
    assert counts["closed"] == int(alert.status == "closed")
