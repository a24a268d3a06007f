"""The recompute after a change, with writers and workers at the same moment (PostgreSQL): one mark and
one job however many changes race, one recompute however many workers run the job, and a change made
while its account is being recomputed gets a job of its own."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction

from keyaccount.comms.models import Interaction
from keyaccount.core.tests.concurrency import POSTGRES_ONLY, at_the_same_moment
from keyaccount.health import measures
from keyaccount.health.models import HealthRecompute, HealthScore, HealthSnapshot
from keyaccount.health.tasks import recompute_marked_health
from keyaccount.health.tests.queue import health_jobs, run_queued_jobs

from .conftest import TODAY

pytestmark = POSTGRES_ONLY


def a_call(org, account):
    def change() -> None:
        with transaction.atomic():
            Interaction.objects.create(
                organization=org, account=account, kind="call", occurred_at="2026-03-30T10:00:00Z"
            )

    return change


@pytest.mark.django_db(transaction=True)
def test_changes_to_one_account_at_once_write_one_mark_and_one_job(org, acme):
    at_the_same_moment(*[a_call(org, acme)] * 4)

    assert HealthRecompute.objects.filter(account=acme).count() == 1
    assert len(health_jobs()) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_same_job_recompute_once(org, acme, fixed_values, today):
    fixed_values.set(acme, satisfaction=70)
    a_call(org, acme)()

    outcomes = at_the_same_moment(*[lambda: recompute_marked_health.call(org.pk, acme.pk)] * 2)

    assert sorted(outcomes) == [0, 1]
    assert fixed_values.calls == [([acme.pk], TODAY)]
    assert HealthScore.objects.get(account=acme).score == 70
    assert HealthSnapshot.objects.filter(account=acme).count() == 1
    assert not HealthRecompute.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_change_while_its_account_is_recomputed_gets_a_new_job(org, acme, fixed_values, today, monkeypatch):
    fixed_values.set(acme, satisfaction=70)
    a_call(org, acme)()
    computing = threading.Event()

    def slow(*args):
        computing.set()
        time.sleep(0.5)  # the change below marks the account meanwhile, and waits for this commit
        return fixed_values(*args)

    monkeypatch.setattr(measures, "measure_values", slow)

    def worker() -> int:
        try:
            return recompute_marked_health.call(org.pk, acme.pk)
        finally:
            connections.close_all()

    def change() -> None:
        assert computing.wait(10)
        try:
            a_call(org, acme)()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker), threading.Thread(target=change)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert HealthRecompute.objects.filter(account=acme).count() == 1  # the change's own mark
    assert [job.status for job in health_jobs()] == ["READY", "READY"]
    monkeypatch.setattr(measures, "measure_values", fixed_values)
    run_queued_jobs()
    assert len(fixed_values.calls) == 2
    assert not HealthRecompute.objects.exists()
