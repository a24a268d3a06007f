"""The daily health job, enqueued by the scheduler every morning (core/scheduler.py, "daily_health")."""

from __future__ import annotations

from django_tasks import task


@task()
def run_daily_health() -> dict[str, int]:
    """Recompute every organization's health for today: current scores, alerts (through the
    `health_recomputed` signal) and today's snapshot — one per account and day, however often it runs."""
    from keyaccount.health.services import recompute_all

    return recompute_all()
