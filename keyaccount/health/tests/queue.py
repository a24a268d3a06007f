"""Running the queued jobs in a test, as `make run`'s worker would a moment after the change."""

from __future__ import annotations

from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

RECOMPUTE = "keyaccount.health.tasks.recompute_marked_health"


def health_jobs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=RECOMPUTE).order_by("enqueued_at"))


def run_queued_jobs() -> int:
    """Run every ready job in the queue's order, as `db_worker --batch` does but inside the test's own
    transaction (the command closes a connection left in a transaction); a failed health job fails the
    test. Returns how many ran."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            job = DBTaskResult.objects.ready().get_locked()
            if job is None:
                break
            job.claim(worker.worker_id)
        worker.run_task(job)
        ran += 1
    failed = DBTaskResult.objects.filter(task_path=RECOMPUTE, status="FAILED").first()
    assert failed is None, failed.traceback
    return ran
