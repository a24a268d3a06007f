"""Demo alerts: run after the health demo (`keyaccount.demo.health.seed`), whose current scores already
raised the alerts that a first computation raises (measures below their threshold, champions who left,
renewals ahead). Band drops need a before: this compares each account's current health with its snapshot
of a month ago, through the same service a recompute uses; then some alerts are closed with an outcome
by their account managers, so the list has history."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from keyaccount.alerts.models import Alert, AlertOutcome, AlertStatus
from keyaccount.alerts.services import alert_close, alerts_raise, playbook_ensure_defaults

NOTES = {
    AlertOutcome.RESOLVED: [
        "Met the sponsor, plan agreed.",
        "Invoice paid after a call.",
        "Встретились, план согласован.",
    ],
    AlertOutcome.FALSE_ALARM: ["Holiday month, activity is back.", "The contact was on leave."],
    AlertOutcome.OTHER: ["Handed over to the new account manager."],
}


def seed(organization: Any, rng: random.Random, today: datetime.date) -> dict[str, int]:
    """Band-drop alerts for accounts whose band is worse today than a month ago (their playbooks' tasks
    and notifications included), then about one alert in three closed by its account manager with an
    outcome and a note. Deterministic for a given `rng`, `today` and health data. Returns the counts."""
    from keyaccount.health.models import HealthScore, HealthSnapshot
    from keyaccount.health.scoring import from_stored

    playbook_ensure_defaults(organization.pk)
    month_ago = today - datetime.timedelta(days=30)
    before = {
        s.account_id: s
        for s in HealthSnapshot.objects.filter(organization_id=organization.pk, on=month_ago).order_by("account_id")
    }
    raised = 0
    scores = HealthScore.objects.filter(organization_id=organization.pk).select_related("account", "account__owner")
    for score in scores.order_by("account_id"):
        old = before.get(score.account_id)
        if old is None:
            continue
        previous = from_stored(old.account_id, old.on, old.score, old.band, old.measures)
        current = from_stored(score.account_id, score.on, score.score, score.band, score.measures)
        raised += len(alerts_raise(account=score.account, previous=previous, current=current, as_of=today))

    closed = 0
    candidates = (
        Alert.objects.filter(organization_id=organization.pk, status=AlertStatus.OPEN, account__owner__isnull=False)
        .select_related("account__owner")
        .order_by("pk")
    )
    for alert in candidates:
        if rng.random() >= 0.33:
            continue
        outcome = rng.choices([AlertOutcome.RESOLVED, AlertOutcome.FALSE_ALARM, AlertOutcome.OTHER], weights=[6, 3, 1])[
            0
        ]
        owner = alert.account.owner
        assert owner is not None
        try:
            alert_close(actor=owner, alert=alert, outcome=outcome, note=rng.choice(NOTES[outcome]))
        except (PermissionDenied, ValidationError):  # an owner who left the team: leave it open
            continue
        closed += 1
    return {"band_drops": raised, "closed": closed}
