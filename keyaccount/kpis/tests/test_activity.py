"""Touches, decision-maker share and tasks on time against a hand-computed portfolio.

Period: 2026-03-01 … 2026-03-28 = 28 days = 4 weeks, in the organization's time zone.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from keyaccount.comms.models import Direction, Interaction, InteractionKind, InteractionState
from keyaccount.contacts.models import DecisionRole
from keyaccount.core.tests.factories import ContactFactory
from keyaccount.kpis import activity
from keyaccount.kpis.scope import frame_from
from keyaccount.work.models import Task, TaskStatus

MARCH = {"period_start": "2026-03-01", "period_end": "2026-03-28"}


def at(org, day: str, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A time on `day` in the organization's own time zone."""
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(org.timezone)
    )


def touch(
    account,
    when,
    *,
    kind=InteractionKind.CALL,
    state=InteractionState.DONE,
    direction=Direction.OUTBOUND,
    contacts=(),
    users=(),
    logged_by=None,
):
    interaction = Interaction.objects.create(
        organization_id=account.organization_id,
        account=account,
        kind=kind,
        state=state,
        direction=direction,
        occurred_at=when,
        logged_by=logged_by,
    )
    interaction.contacts.set(contacts)
    interaction.users.set(users)
    return interaction


@pytest.fixture
def touches(org, acme, globex, initech, alice, bob, ann, mallory):
    acme_dm = ContactFactory(account=acme, decision_role=DecisionRole.DECISION_MAKER)
    acme_user = ContactFactory(account=acme, decision_role=DecisionRole.USER)
    globex_dm = ContactFactory(account=globex, decision_role=DecisionRole.DECISION_MAKER)
    # Counted (5):
    touch(acme, at(org, "2026-03-02"), contacts=[acme_dm], users=[alice], logged_by=alice)  # 1 DM
    touch(acme, at(org, "2026-03-03"), kind=InteractionKind.EMAIL, contacts=[acme_user], logged_by=alice)  # 2
    touch(  # 3: DM, two contacts (counted once); alice took part, ann logged it
        acme,
        at(org, "2026-03-04"),
        kind=InteractionKind.MEETING,
        contacts=[acme_dm, acme_user],
        users=[alice],
        logged_by=ann,
    )
    touch(globex, at(org, "2026-03-05"), kind=InteractionKind.MESSENGER, contacts=[globex_dm], logged_by=bob)  # 4 DM
    touch(acme, at(org, "2026-03-28", 23, 30), logged_by=bob)  # 5: last evening of the period, bob covering
    # Not counted:
    touch(acme, at(org, "2026-03-06"), kind=InteractionKind.NOTE, contacts=[acme_dm], logged_by=alice)  # a note
    touch(acme, at(org, "2026-03-07"), state=InteractionState.PLANNED, contacts=[acme_dm], logged_by=alice)
    touch(acme, at(org, "2026-03-08"), state=InteractionState.CANCELLED, contacts=[acme_dm], logged_by=alice)
    touch(acme, at(org, "2026-03-09"), direction=Direction.INTERNAL, logged_by=alice)  # internal
    touch(acme, at(org, "2026-02-28", 23, 59), contacts=[acme_dm], logged_by=alice)  # before the period
    touch(acme, at(org, "2026-03-29", 0, 0), contacts=[acme_dm], logged_by=alice)  # after the period
    touch(initech, at(org, "2026-03-10"), logged_by=mallory)  # another organization


def test_it_counts_client_touches_per_week_for_the_organization(touches, carol):
    frame = frame_from(carol, {"scope": "organization", **MARCH})
    metric = activity.touches_per_week(frame)
    # 5 touches ÷ (28 days ÷ 7 = 4 weeks) = 1.25
    assert (metric.numerator, metric.denominator, metric.value) == (5, Decimal("4.0000"), Decimal("1.25"))
    share = activity.decision_maker_touch_share(frame)
    # touches 1, 3, 4 had a decision maker: 3 ÷ 5 = 0.6
    assert (share.numerator, share.denominator, share.value) == (3, 5, Decimal("0.6000"))


def test_it_counts_only_the_am_own_touches_on_their_portfolio(touches, carol, alice):
    frame = frame_from(carol, {"scope": f"am:{alice.pk}", **MARCH})
    metric = activity.touches_per_week(frame)
    # acme, logged by alice or with her taking part: touches 1, 2, 3 (not bob's 5) → 3 ÷ 4 = 0.75
    assert (metric.numerator, metric.value) == (3, Decimal("0.75"))
    share = activity.decision_maker_touch_share(frame)
    # 1 and 3 with the decision maker: 2 ÷ 3 = 0.6667
    assert (share.numerator, share.denominator, share.value) == (2, 3, Decimal("0.6667"))


def test_it_counts_one_account(touches, carol, globex):
    frame = frame_from(carol, {"scope": f"account:{globex.pk}", **MARCH})
    # touch 4 only: 1 ÷ 4 = 0.25; with the decision maker 1 ÷ 1
    assert activity.touches_per_week(frame).value == Decimal("0.25")
    assert activity.decision_maker_touch_share(frame).value == Decimal("1.0000")


def test_an_empty_period_has_zero_touches_and_no_share(touches, carol):
    frame = frame_from(carol, {"period_start": "2025-01-01", "period_end": "2025-01-07"})
    metric = activity.touches_per_week(frame)
    # 0 ÷ 1 week = 0; share 0 ÷ 0 → None
    assert (metric.numerator, metric.denominator, metric.value) == (0, Decimal("1.0000"), Decimal("0.00"))
    share = activity.decision_maker_touch_share(frame)
    assert (share.numerator, share.denominator, share.value) == (0, 0, None)


def task(account, *, status=TaskStatus.DONE, due=None, completed=None):
    return Task.objects.create(
        organization_id=account.organization_id,
        account=account,
        title="t",
        status=status,
        due_at=due,
        completed_at=completed,
    )


@pytest.fixture
def tasks(org, acme, globex, initech):
    task(acme, due=at(org, "2026-03-10", 18), completed=at(org, "2026-03-10", 12))  # T1 on time
    task(acme, due=at(org, "2026-03-11", 18), completed=at(org, "2026-03-12", 9))  # T2 late
    task(acme, due=None, completed=at(org, "2026-03-05"))  # T3 no due date: on time
    task(globex, due=at(org, "2026-03-20", 10), completed=at(org, "2026-03-20", 10))  # T4 exactly at due: on time
    task(acme, due=at(org, "2026-02-26"), completed=at(org, "2026-02-27"))  # before the period
    task(acme, status=TaskStatus.IN_PROGRESS, due=at(org, "2026-03-01"))  # not done
    task(acme, status=TaskStatus.CANCELLED, due=at(org, "2026-03-01"))  # cancelled, not done
    task(initech, due=at(org, "2026-03-11"), completed=at(org, "2026-03-12"))  # another organization


def test_it_rates_tasks_done_on_time(tasks, carol, alice):
    organization = activity.tasks_on_time_rate(frame_from(carol, MARCH))
    # done in March: T1, T2, T3, T4; on time T1, T3, T4 → 3 ÷ 4 = 0.75
    assert (organization.numerator, organization.denominator, organization.value) == (3, 4, Decimal("0.7500"))
    portfolio = activity.tasks_on_time_rate(frame_from(carol, {"scope": f"am:{alice.pk}", **MARCH}))
    # alice's acme: T1, T2, T3; on time T1, T3 → 2 ÷ 3 = 0.6667
    assert (portfolio.numerator, portfolio.denominator, portfolio.value) == (2, 3, Decimal("0.6667"))


def test_no_tasks_done_gives_no_rate(tasks, carol):
    metric = activity.tasks_on_time_rate(frame_from(carol, {"period_start": "2025-01-01", "period_end": "2025-01-31"}))
    assert (metric.numerator, metric.denominator, metric.value) == (0, 0, None)
