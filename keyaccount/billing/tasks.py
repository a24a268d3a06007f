"""The daily job of the money side, enqueued by the scheduler every morning.

It moves contracts through their lifecycle (a signed contract becomes active on its start date, an
auto-renewing one renews itself at its end unless notice was given, the rest expire), reminds account
managers of contracts whose notice deadline is a month away, flags acts left
unsigned too long and runs each organization's collection steps on overdue invoices. Each step is
claimed by a unique row or a conditional update before anyone is told, so a second run the same day,
or two workers at once, change nothing more.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django_tasks import task

from keyaccount.core import clock

logger = logging.getLogger(__name__)


@task()
def run_daily_billing() -> dict[str, Any]:
    """Contract lifecycle, act chasing and dunning, each organization on its own today (organizations that
    share a day run together); one part failing does not stop the others. Counts add up over organizations."""
    from keyaccount.billing.services.collection import run_act_chasing, run_dunning
    from keyaccount.billing.services.lifecycle import run_contract_lifecycle, run_renewal_reminders
    from keyaccount.tenancy.models import Organization

    by_day: dict[datetime.date, list[int]] = {}
    for organization in Organization.objects.only("pk", "timezone"):
        by_day.setdefault(clock.organization_today(organization), []).append(organization.pk)
    results: dict[str, Any] = {}
    failed: list[str] = []
    for name, job in (
        ("contracts", run_contract_lifecycle),
        ("renewal_reminders", run_renewal_reminders),
        ("acts", run_act_chasing),
        ("dunning", run_dunning),
    ):
        try:
            for today, organization_ids in sorted(by_day.items()):
                results[name] = _add(results.get(name), job(today, organization_ids))
        except Exception:
            logger.exception("daily billing: %s failed", name)
            failed.append(name)
    if failed:
        raise RuntimeError(f"daily billing: {', '.join(failed)} failed; the rest ran")
    return results


def _add(total: Any, part: Any) -> Any:
    """Counts of one day's run added to the others': numbers, or dictionaries of numbers."""
    if total is None:
        return part
    if isinstance(part, dict):
        return {key: total.get(key, 0) + value for key, value in part.items()}
    return total + part
