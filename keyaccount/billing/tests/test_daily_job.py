"""The daily money job the scheduler enqueues: every part runs, and a failing part does not stop the rest."""

from __future__ import annotations

import datetime

import pytest

from keyaccount.billing import tasks
from keyaccount.billing.models import DunningRun
from keyaccount.billing.services import lifecycle
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines
from keyaccount.core.tests.factories import AccountFactory, OrganizationFactory
from keyaccount.work.models import Task


@pytest.fixture
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC))
    return datetime.date(2026, 11, 27)


def test_each_organization_moves_on_its_own_today(time_machine, db):
    # 15:00 UTC on New Year's Eve: 1 January in Vladivostok, still 31 December in Moscow.
    time_machine.move_to(datetime.datetime(2026, 12, 31, 15, tzinfo=datetime.UTC))
    contracts = {}
    for zone in ("Asia/Vladivostok", "Europe/Moscow"):
        organization = OrganizationFactory(timezone=zone)
        account = AccountFactory(organization=organization)
        contracts[zone] = ContractFactory(
            account=account, status="signed", start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2027, 12, 31)
        )

    results = tasks.run_daily_billing.call()

    assert results["contracts"]["activated"] == 1
    for contract in contracts.values():
        contract.refresh_from_db()
    assert contracts["Asia/Vladivostok"].status == "active"
    assert contracts["Europe/Moscow"].status == "signed"


def test_the_daily_job_moves_contracts_reminds_and_dunns_once(alice, acme, today):
    signed = ContractFactory(account=acme, status="signed", start_date=datetime.date(2026, 11, 1))
    invoice_with_lines(
        acme,
        [("1", "5000.00", "0")],
        number="2026-001",
        issue_date=datetime.date(2026, 10, 1),
        due_date=datetime.date(2026, 10, 20),
    )  # 38 days overdue

    first = tasks.run_daily_billing.call()
    second = tasks.run_daily_billing.call()

    signed.refresh_from_db()
    assert signed.status == "active"
    assert first["contracts"]["activated"] == 1 and second["contracts"]["activated"] == 0
    assert first["renewal_reminders"] == 1 and second["renewal_reminders"] == 0  # ends 31 Dec, notice 30 days
    assert DunningRun.objects.count() == 4  # steps 1, 7, 14 and 30 are all reached; recorded once
    assert Task.objects.filter(account=acme).count() == 1  # one reminder task for the highest step
    assert first["dunning"]["reminders"] == 1 and second["dunning"]["reminders"] == 0
    assert first["dunning"]["escalations"] == 1  # the 30-day step goes to the heads


def test_a_failing_part_does_not_stop_the_others(alice, acme, today, monkeypatch):
    def broken(day):
        raise RuntimeError("boom")

    monkeypatch.setattr(lifecycle, "run_contract_lifecycle", broken)
    invoice_with_lines(
        acme,
        [("1", "5000.00", "0")],
        number="2026-001",
        issue_date=datetime.date(2026, 10, 1),
        due_date=datetime.date(2026, 11, 20),
    )

    with pytest.raises(RuntimeError, match="contracts failed"):
        tasks.run_daily_billing.call()
    assert DunningRun.objects.filter(days=7).exists()
