"""Two workers running the daily health job at the same moment (PostgreSQL): one snapshot per account
and day, one current score per account, and neither run fails."""

from __future__ import annotations

import pytest

from keyaccount.core.tests.concurrency import POSTGRES_ONLY, at_the_same_moment
from keyaccount.core.tests.factories import AccountFactory
from keyaccount.health.models import HealthScore, HealthSnapshot
from keyaccount.health.tasks import run_daily_health

from .conftest import TODAY

pytestmark = POSTGRES_ONLY


@pytest.mark.django_db(transaction=True)
def test_two_daily_runs_at_once_keep_one_snapshot_per_account_and_day(org, acme, globex, fixed_values, today):
    for i in range(8):
        AccountFactory(organization=org, name=f"Client {i}")
    for account in (acme, globex):
        fixed_values.set(account, satisfaction=60)

    outcomes = at_the_same_moment(run_daily_health.call, run_daily_health.call)

    assert outcomes == [{"demo-agency": 10}, {"demo-agency": 10}]
    assert HealthSnapshot.objects.filter(on=TODAY).count() == 10
    assert HealthScore.objects.count() == 10
    assert HealthScore.objects.get(account=acme).score == 60
