"""Health's background jobs: the recompute of a marked account (enqueued by the change that marked it)
and the daily job, enqueued by the scheduler every morning (core/scheduler.py, "daily_health")."""

from __future__ import annotations

from django_tasks import task


@task()
def recompute_marked_health(organization_id: int, account_id: int | None = None) -> int:
    """Recompute an account marked out of date by a change (or every account of the organization when
    `account_id` is None), with its alerts and notifications; the number of accounts scored. Running it
    twice does the work once. A failure is retried a few minutes later (services.retry_marked)."""
    from keyaccount.health.services import recompute_marked, retry_marked

    try:
        return recompute_marked(organization_id, account_id)
    except Exception:
        retry_marked(organization_id, account_id)
        raise


@task()
def run_daily_health() -> dict[str, int]:
    """Recompute every organization's health for today: current scores, alerts (through the
    `health_recomputed` signal) and today's snapshot — one per account and day, however often it runs.
    Marks whose job failed every attempt get a new one."""
    from keyaccount.health.services import recompute_all, requeue_stale_marks

    requeue_stale_marks()
    return recompute_all()
