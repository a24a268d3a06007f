"""Enqueue the periodic jobs (reminders, the morning digest, response-target breaches) when their slot comes.

    python manage.py scheduler          # loops: wakes at each slot (at least once a minute)
    python manage.py scheduler --once   # enqueues what is due now and exits (cron, tests)

Only enqueues: the task workers (`manage.py db_worker`) run the jobs. Several schedulers may run at once;
each slot is claimed by exactly one of them.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from keyaccount.core.scheduler import run_due_jobs, seconds_until_next_slot, validate_registry

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue periodic jobs whose latest slot has not been claimed yet; --once to exit after one pass."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now and exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        validate_registry()
        if once:
            self.report(run_due_jobs(), options["verbosity"])
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            close_old_connections()
            try:
                self.report(run_due_jobs(), options["verbosity"])
            except DatabaseError:
                # The database is away (restart, failover): try again at the next wake-up.
                logger.exception("scheduler: could not enqueue the due jobs")
            stop.wait(max(1.0, seconds_until_next_slot()))

    def report(self, names: list[str], verbosity: int) -> None:
        if verbosity >= 1 and names:
            self.stdout.write("enqueued: " + ", ".join(names))
