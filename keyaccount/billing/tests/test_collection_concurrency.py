"""Two workers running the daily collection jobs at the same moment (PostgreSQL): each collection step
and each unsigned act is acted on exactly once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from keyaccount.billing.models import Act, DunningRun
from keyaccount.billing.services import collection as services
from keyaccount.billing.tests.factories import invoice_with_lines
from keyaccount.core.tests.concurrency import POSTGRES_ONLY, at_the_same_moment
from keyaccount.notifications.models import Notification
from keyaccount.work.models import Task

pytestmark = POSTGRES_ONLY
D = datetime.date


@pytest.mark.django_db(transaction=True)
def test_three_dunning_runs_at_once_remind_once_per_invoice(alice, carol, acme):
    invoices = [
        invoice_with_lines(
            acme, [("1", "100.00", "0")], number=f"2026-0{n}", issue_date=D(2026, 3, 1), due_date=D(2026, 3, 11)
        )
        for n in range(10, 15)
    ]

    # 35 days overdue on 15.04: steps 1, 7, 14 and 30 (escalated) are all reached.
    outcomes = at_the_same_moment(*[lambda: services.run_dunning(D(2026, 4, 15))] * 3)

    assert sum(o["reminders"] for o in outcomes) == len(invoices)
    assert DunningRun.objects.count() == 4 * len(invoices)
    # Committed for real, the overdue invoices also lower acme's health, whose alert brings its playbook's
    # tasks: the collection's own tasks are the others.
    assert Task.objects.filter(health_alert_link__isnull=True).count() == len(invoices)
    assert Notification.objects.filter(kind="invoice_overdue").count() == len(invoices)
    assert Notification.objects.filter(kind="invoice_escalated", recipient=carol).count() == len(invoices)


@pytest.mark.django_db(transaction=True)
def test_two_chasing_runs_at_once_flag_an_act_once(alice, acme):
    Act.objects.create(
        organization=acme.organization,
        account=acme,
        number="ACT-1",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 31),
        amount=Decimal("10.00"),
        sent_on=D(2026, 2, 1),
    )

    outcomes = at_the_same_moment(*[lambda: services.run_act_chasing(D(2026, 3, 1))] * 2)

    assert sorted(outcomes) == [0, 1]
    assert Notification.objects.filter(kind="act_unsigned").count() == 1
