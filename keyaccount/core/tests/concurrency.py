"""Running writers at the same moment, for the tests that prove a rule holds under concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

# Concurrency tests need real row locks and concurrent transactions: PostgreSQL.
POSTGRES_ONLY = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


def postgres_only(test: Any) -> Any:
    """Mark one test as needing PostgreSQL, in a module whose other tests run everywhere."""
    for mark in POSTGRES_ONLY:
        test = mark(test)
    return test


def at_the_same_moment(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread (and database connection), all released together; their results
    in the order they finished. An exception in a call fails the test when the threads are joined."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes.append(call())
        except BaseException as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return outcomes
