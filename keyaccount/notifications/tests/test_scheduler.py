"""The scheduler: each slot of a periodic job is claimed and enqueued exactly once, or not at all."""

from __future__ import annotations

import datetime
import threading
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django_tasks_db.models import DBTaskResult

from keyaccount.core.models import PeriodicJobRun
from keyaccount.core.scheduler import (
    PERIODIC_JOBS,
    PeriodicJob,
    latest_slot,
    run_due_jobs,
    seconds_until_next_slot,
    validate_registry,
)

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
REMINDERS = {"task_reminders": PERIODIC_JOBS["task_reminders"]}


def at(hour: int, minute: int = 0, second: int = 0, day: int = 2) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, second, tzinfo=MSK)  # 2026-03-02 is a Monday


def test_the_latest_slot_counts_a_slot_that_is_exactly_now():
    assert latest_slot("*/15 * * * *", at(8, 0)) == at(8, 0)
    assert latest_slot("*/15 * * * *", at(8, 14, 59)) == at(8, 0)
    assert latest_slot("0 8 * * 1-5", at(7, 59)) == at(8, 0, day=27).replace(month=2)  # Friday's


def test_a_job_that_never_ran_counts_as_due(db):
    assert run_due_jobs(now=at(9, 7)) == sorted(PERIODIC_JOBS, key=list(PERIODIC_JOBS).index)
    assert set(PeriodicJobRun.objects.values_list("job", flat=True)) == set(PERIODIC_JOBS)
    assert DBTaskResult.objects.count() == len(PERIODIC_JOBS)


def test_a_slot_is_claimed_once_even_when_the_scheduler_runs_twice(db):
    first = run_due_jobs(now=at(9, 1), jobs=REMINDERS)
    second = run_due_jobs(now=at(9, 14), jobs=REMINDERS)

    assert first == ["task_reminders"]
    assert second == []
    run = PeriodicJobRun.objects.get()
    assert run.slot_at == at(9, 0)
    assert DBTaskResult.objects.get().task_path == "keyaccount.work.tasks.send_task_reminders"


def test_the_next_slot_is_enqueued_when_it_comes(db):
    run_due_jobs(now=at(9, 1), jobs=REMINDERS)

    assert run_due_jobs(now=at(9, 15), jobs=REMINDERS) == ["task_reminders"]
    assert sorted(PeriodicJobRun.objects.values_list("slot_at", flat=True)) == [at(9, 0), at(9, 15)]


def test_missed_slots_fire_once_not_once_each(db):
    run_due_jobs(now=at(9, 1), jobs=REMINDERS)

    run_due_jobs(now=at(13, 20), jobs=REMINDERS)  # the scheduler was down for four hours

    assert PeriodicJobRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_job_enqueued_in_a_transaction_that_rolls_back_never_runs():
    with pytest.raises(RuntimeError), transaction.atomic():
        run_due_jobs(now=at(9, 1), jobs=REMINDERS)
        raise RuntimeError

    assert not DBTaskResult.objects.exists()
    assert not PeriodicJobRun.objects.exists()
    assert run_due_jobs(now=at(9, 2), jobs=REMINDERS) == ["task_reminders"]  # the slot is still free


def test_the_morning_digest_waits_for_eight_on_weekdays(db):
    digest = {"contacts_due_digest": PERIODIC_JOBS["contacts_due_digest"]}
    run_due_jobs(now=at(8, 5), jobs=digest)

    assert run_due_jobs(now=at(19, 0), jobs=digest) == []
    assert run_due_jobs(now=at(8, 0, day=3), jobs=digest) == ["contacts_due_digest"]
    assert PeriodicJobRun.objects.order_by("slot_at").last().slot_at == at(8, 0, day=3)


def test_the_looping_scheduler_sleeps_until_the_next_slot_at_most_a_minute():
    assert seconds_until_next_slot(now=at(9, 14, 30), jobs=REMINDERS) == 30
    assert seconds_until_next_slot(now=at(9, 1), jobs=REMINDERS) == 60
    assert seconds_until_next_slot(now=at(9, 1), jobs={}) == 60


def test_every_registered_job_has_a_valid_schedule_and_task():
    validate_registry()


def test_scheduler_once_enqueues_the_due_jobs_and_exits(db, capsys):
    call_command("scheduler", "--once")

    assert set(PeriodicJobRun.objects.values_list("job", flat=True)) == set(PERIODIC_JOBS)
    assert "enqueued:" in capsys.readouterr().out
    call_command("scheduler", "--once")
    assert PeriodicJobRun.objects.count() == len(PERIODIC_JOBS)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_what_the_scheduler_enqueued():
    run_due_jobs(now=at(9, 1))
    call_command("db_worker", "--batch", "--no-reload", verbosity=0)

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two schedulers racing need PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_claim_a_slot_exactly_once():
    jobs = {"probe": PeriodicJob("*/15 * * * *", "keyaccount.work.tasks.send_task_reminders")}
    barrier = threading.Barrier(2)
    results: list[list[str]] = []

    def scheduler() -> None:
        try:
            barrier.wait()
            results.append(run_due_jobs(now=at(9, 1), jobs=jobs))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(results) == [[], ["probe"]]
    assert PeriodicJobRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
