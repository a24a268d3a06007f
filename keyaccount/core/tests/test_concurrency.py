"""Two people saving the same version at the same moment: exactly one wins (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from keyaccount.accounts.models import Account
from keyaccount.accounts.services import account_update
from keyaccount.core.services import ConflictError

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_of_one_version_save_exactly_one(alice, acme):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(industry: str) -> None:
        try:
            account = Account.objects.get(pk=acme.pk)
            barrier.wait()
            account_update(actor=alice, account=account, data={"industry": industry}, expected_version=1)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(name,)) for name in ("Retail", "Banks")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Account.objects.get(pk=acme.pk).version == 2
