"""Two lifecycle runs, or two people recording an outcome, at the same moment (PostgreSQL): each term
renews or is decided exactly once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from keyaccount.billing.models import Amendment, Contract, Renewal
from keyaccount.billing.services import contracts as services
from keyaccount.billing.services import lifecycle
from keyaccount.billing.tests.factories import ContractFactory
from keyaccount.core.tests.concurrency import POSTGRES_ONLY, at_the_same_moment
from keyaccount.notifications.models import Notification

pytestmark = POSTGRES_ONLY
d = datetime.date


@pytest.mark.django_db(transaction=True)
def test_two_lifecycle_runs_renew_a_contract_once(alice, acme):
    contract = ContractFactory(account=acme, start_date=d(2026, 1, 1), end_date=d(2026, 3, 31), auto_renew=True)

    outcomes = at_the_same_moment(*[lambda: lifecycle.run_contract_lifecycle(d(2026, 4, 2))] * 3)

    contract.refresh_from_db()
    assert sorted(o["renewed"] for o in outcomes) == [0, 0, 1]
    assert contract.end_date == d(2026, 6, 30)
    assert Renewal.objects.count() == 1
    assert Amendment.objects.count() == 1
    assert Notification.objects.filter(kind="contract_renewed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_an_outcome_at_once_record_one(alice, carol, acme):
    contract = ContractFactory(account=acme)

    def record(actor, outcome):
        def call():
            try:
                services.renewal_record(
                    actor=actor,
                    contract=Contract.objects.get(pk=contract.pk),
                    outcome=outcome,
                    new_end_date=d(2027, 12, 31) if outcome != "churned" else None,
                    decided_on=d(2026, 11, 1),
                )
                return "recorded"
            except ValidationError as e:
                return sorted(e.error_dict)[0]

        return call

    outcomes = at_the_same_moment(record(alice, "renewed"), record(carol, "churned"))

    assert sorted(outcomes) == ["contract", "recorded"]
    assert Renewal.objects.count() == 1
