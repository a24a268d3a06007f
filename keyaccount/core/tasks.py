"""Enqueueing background work so that it runs if and only if the change that asked for it commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend


def enqueue_with_change(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` as part of the current transaction.

    With the database backend the job row is written in the same transaction as the data: a
    rolled-back change leaves no job, and a committed one can never lose its job. A backend outside
    the database (e.g. Redis) gets the job only after the commit.
    """
    backend = task_backends[task.backend]
    if isinstance(backend, DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
