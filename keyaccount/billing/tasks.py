"""The daily job of the money side, enqueued by the scheduler every morning.

It moves contracts through their lifecycle (a signed contract becomes active on its start date, an
auto-renewing one renews itself at its end unless notice was given, the rest expire), reminds account
managers of contracts whose notice deadline is a month away, flags acts left
unsigned too long and runs each organization's collection steps on overdue invoices. Each step is
claimed by a unique row or a conditional update before anyone is told, so a second run the same day,
or two workers at once, change nothing more.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_daily_billing() -> dict[str, Any]:
    """Contract lifecycle, act chasing and dunning for today; one part failing does not stop the others."""
    from keyaccount.billing.services.collection import run_act_chasing, run_dunning
    from keyaccount.billing.services.contracts import run_contract_lifecycle, run_renewal_reminders

    today = timezone.localdate()
    results: dict[str, Any] = {}
    failed: list[str] = []
    for name, job in (
        ("contracts", run_contract_lifecycle),
        ("renewal_reminders", run_renewal_reminders),
        ("acts", run_act_chasing),
        ("dunning", run_dunning),
    ):
        try:
            results[name] = job(today)
        except Exception:
            logger.exception("daily billing: %s failed", name)
            failed.append(name)
    if failed:
        raise RuntimeError(f"daily billing: {', '.join(failed)} failed; the rest ran")
    return results
