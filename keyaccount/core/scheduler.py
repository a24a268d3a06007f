"""Periodic jobs on a cron-style schedule, each slot fired exactly once however many schedulers run.

The scheduler only enqueues: for every job whose latest slot (the last time its cron expression
matched, in settings.TIME_ZONE) has no `PeriodicJobRun` yet, it inserts that row and enqueues the
job's task in one transaction. The unique (job, slot) constraint decides which of two schedulers wins;
the loser's insert fails inside a savepoint and it moves on. A job that never ran counts as due. The
workers (`manage.py db_worker`) then run the tasks.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from dataclasses import dataclass
from typing import Any

from croniter import croniter
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from keyaccount.core import clock
from keyaccount.core.models import PeriodicJobRun
from keyaccount.core.tasks import enqueue_with_change

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """A task to enqueue whenever `cron` matches (minute hour day-of-month month day-of-week)."""

    cron: str
    task_path: str

    @property
    def task(self) -> Any:
        return import_string(self.task_path)


# The registry: name → (cron expression, task). Tasks are named by path so that importing the scheduler
# does not import every app's jobs.
PERIODIC_JOBS: dict[str, PeriodicJob] = {
    # Due-soon and overdue reminders to assignees (and overdue ones to the account manager).
    "task_reminders": PeriodicJob("*/15 * * * *", "keyaccount.work.tasks.send_task_reminders"),
    # Requests still waiting for triage past their response target, to the account manager.
    "request_breaches": PeriodicJob("*/15 * * * *", "keyaccount.work.tasks.notify_request_breaches"),
    # The morning digest of contacts due by cadence, to each account manager, on weekdays.
    "contacts_due_digest": PeriodicJob("0 8 * * 1-5", "keyaccount.comms.tasks.send_contacts_due_digest"),
    # Contracts start, renew and expire; unsigned acts are flagged; overdue invoices get their collection steps.
    "daily_billing": PeriodicJob("0 6 * * *", "keyaccount.billing.tasks.run_daily_billing"),
    # Every account's health score and the day's snapshot, after the money job has moved contracts.
    "daily_health": PeriodicJob("30 6 * * *", "keyaccount.health.tasks.run_daily_health"),
}


def _local(now: datetime.datetime) -> datetime.datetime:
    return now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))


def latest_slot(cron: str, now: datetime.datetime) -> datetime.datetime:
    """The last time `cron` matched at or before `now` (a slot exactly at `now` counts)."""
    base = _local(now).replace(microsecond=0) + datetime.timedelta(seconds=1)
    return croniter(cron, base).get_prev(datetime.datetime)


def next_slot(cron: str, now: datetime.datetime) -> datetime.datetime:
    """The first time `cron` matches after `now`."""
    return croniter(cron, _local(now)).get_next(datetime.datetime)


def claim_and_enqueue(name: str, job: PeriodicJob, slot: datetime.datetime) -> bool:
    """Claim `slot` of `name` and enqueue its task, both or neither; False when the slot was already claimed."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                PeriodicJobRun.objects.create(job=name, slot_at=slot)
        except IntegrityError:
            return False  # another scheduler (or an earlier pass) took this slot
        enqueue_with_change(job.task)
    return True


def run_due_jobs(*, now: datetime.datetime | None = None, jobs: dict[str, PeriodicJob] | None = None) -> list[str]:
    """Enqueue every job whose latest slot is unclaimed; returns the names enqueued by this call."""
    now = now or clock.now()
    enqueued = []
    for name, job in (PERIODIC_JOBS if jobs is None else jobs).items():
        slot = latest_slot(job.cron, now)
        if PeriodicJobRun.objects.filter(job=name, slot_at=slot).exists():
            continue
        if claim_and_enqueue(name, job, slot):
            logger.info("scheduler: enqueued %s for %s", name, slot.isoformat())
            enqueued.append(name)
    return enqueued


def seconds_until_next_slot(
    *, now: datetime.datetime | None = None, jobs: dict[str, PeriodicJob] | None = None, cap: float = 60.0
) -> float:
    """How long the looping scheduler may sleep: until the nearest next slot, at most `cap` seconds."""
    now = now or clock.now()
    registry = PERIODIC_JOBS if jobs is None else jobs
    if not registry:
        return cap
    nearest = min(next_slot(job.cron, now) for job in registry.values())
    return max(0.0, min(cap, (nearest - now).total_seconds()))


def validate_registry() -> None:
    """Every cron expression parses and every task imports (checked when the scheduler starts)."""
    for name, job in PERIODIC_JOBS.items():
        if not croniter.is_valid(job.cron):
            raise ValueError(f"periodic job {name}: invalid cron expression {job.cron!r}")
        job.task  # noqa: B018 - importing is the check
