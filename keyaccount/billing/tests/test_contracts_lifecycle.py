"""The daily contract lifecycle, upcoming renewals and revenue movements, against hand-computed numbers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from keyaccount.billing.models import Amendment, Contract, Renewal
from keyaccount.billing.selectors import mrr_of_accounts, revenue_movements, upcoming_renewals
from keyaccount.billing.services import contracts as services
from keyaccount.billing.services import lifecycle
from keyaccount.billing.tests.factories import ContractFactory
from keyaccount.core.tests.factories import AccountFactory, on_team
from keyaccount.notifications.models import Notification

d = datetime.date


# --- lifecycle --------------------------------------------------------------------------------------


def test_a_signed_contract_becomes_active_on_its_start_date_once(acme):
    contract = ContractFactory(account=acme, status="signed", start_date=d(2026, 3, 1))

    assert lifecycle.run_contract_lifecycle(d(2026, 2, 28))["activated"] == 0
    assert lifecycle.run_contract_lifecycle(d(2026, 3, 1))["activated"] == 1
    assert lifecycle.run_contract_lifecycle(d(2026, 3, 1))["activated"] == 0
    contract.refresh_from_db()
    assert contract.status == "active"


def test_an_auto_renewing_contract_renews_itself_for_a_term_as_long_exactly_once(alice, acme):
    contract = ContractFactory(
        account=acme, start_date=d(2026, 1, 1), end_date=d(2026, 3, 31), auto_renew=True, value=Decimal("50000.00")
    )

    # On its last day it is still in force; the day after, it renews for another three months.
    assert lifecycle.run_contract_lifecycle(d(2026, 3, 31))["renewed"] == 0
    first = lifecycle.run_contract_lifecycle(d(2026, 4, 1))
    second = lifecycle.run_contract_lifecycle(d(2026, 4, 1))

    contract.refresh_from_db()
    renewal = Renewal.objects.get()
    assert (first["renewed"], second["renewed"], first["expired"]) == (1, 0, 0)
    assert (contract.status, contract.end_date) == ("active", d(2026, 6, 30))
    assert (renewal.automatic, renewal.outcome, renewal.term_end, renewal.new_value) == (
        True,
        "renewed",
        d(2026, 3, 31),
        Decimal("50000.00"),
    )
    assert (renewal.amendment.effective_date, renewal.amendment.new_end_date) == (d(2026, 4, 1), d(2026, 6, 30))
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (alice, "contract_renewed")


def test_each_missed_term_renews_once_and_the_next_is_as_long_as_the_last(acme):
    contract = ContractFactory(account=acme, start_date=d(2025, 1, 1), end_date=d(2025, 12, 31), auto_renew=True)

    counts = lifecycle.run_contract_lifecycle(d(2027, 2, 1))

    contract.refresh_from_db()
    assert counts["renewed"] == 2
    assert contract.end_date == d(2027, 12, 31)
    assert sorted(Renewal.objects.values_list("term_end", flat=True)) == [d(2025, 12, 31), d(2026, 12, 31)]


def test_with_notice_an_auto_renewing_contract_expires_at_its_end(acme):
    contract = ContractFactory(account=acme, auto_renew=True, notice_given_on=d(2026, 11, 1))

    counts = lifecycle.run_contract_lifecycle(d(2027, 1, 1))
    again = lifecycle.run_contract_lifecycle(d(2027, 1, 1))

    contract.refresh_from_db()
    assert (counts["renewed"], counts["expired"], again["expired"]) == (0, 1, 0)
    assert (contract.status, contract.end_date) == ("expired", d(2026, 12, 31))
    assert not Renewal.objects.exists()
    assert not Notification.objects.exists()


def test_a_contract_without_auto_renewal_expires_and_a_terminated_one_ends(acme):
    plain = ContractFactory(account=acme, number="C-1")
    cut = ContractFactory(account=acme, number="C-2", auto_renew=True, terminated_on=d(2026, 6, 30))

    assert lifecycle.run_contract_lifecycle(d(2026, 6, 30))["terminated"] == 0
    assert lifecycle.run_contract_lifecycle(d(2026, 7, 1))["terminated"] == 1
    assert lifecycle.run_contract_lifecycle(d(2027, 1, 1)) == {
        "activated": 0,
        "renewed": 0,
        "expired": 1,
        "terminated": 0,
    }
    assert Contract.objects.get(pk=plain.pk).status == "expired"
    assert Contract.objects.get(pk=cut.pk).status == "terminated"


# --- upcoming renewals ------------------------------------------------------------------------------


def test_upcoming_renewals_come_in_windows_with_missed_deadlines_first(alice, carol, acme):
    today = d(2026, 3, 1)
    soon = ContractFactory(account=acme, number="SOON", end_date=d(2026, 4, 30), notice_days=30)
    missed = ContractFactory(account=acme, number="MISSED", end_date=d(2026, 3, 20), notice_days=30, auto_renew=True)
    noticed = ContractFactory(account=acme, number="NOTICED", end_date=d(2026, 5, 15), notice_given_on=d(2026, 2, 1))
    ContractFactory(account=acme, number="FAR", end_date=d(2026, 8, 31), notice_days=60)
    ContractFactory(account=acme, number="DRAFT", end_date=d(2026, 4, 30), status="draft")
    decided = ContractFactory(account=acme, number="DECIDED", end_date=d(2026, 4, 30))
    Renewal.objects.create(
        organization=acme.organization, contract=decided, term_end=d(2026, 4, 30), outcome="churned", decided_on=today
    )

    rows = upcoming_renewals(alice, today)

    # MISSED: deadline 2026-02-18, 11 days ago; SOON: deadline 2026-03-31 (30 days), end in 60;
    # NOTICED: notice given, so its end counts: 75 days (its deadline 2026-04-15 is 45 days away);
    # FAR: deadline 2026-07-02, 123 days: out.
    assert [(r.contract.number, r.days_to_notice, r.days_to_end, r.window, r.notice_overdue) for r in rows] == [
        ("MISSED", -11, 19, 30, True),
        ("SOON", 30, 60, 30, False),
        ("NOTICED", 45, 75, 90, False),
    ]
    assert rows[1].notice_deadline == d(2026, 3, 31)
    assert rows[0].id == missed.pk and rows[1].id == soon.pk and rows[2].id == noticed.pk
    assert [r.contract.number for r in upcoming_renewals(alice, today, within=60)] == ["MISSED", "SOON"]
    assert upcoming_renewals(carol, today) == rows


def test_upcoming_renewals_show_the_value_in_force_and_mrr(alice, acme):
    contract = ContractFactory(account=acme, end_date=d(2026, 4, 30))
    Amendment.objects.create(
        organization=acme.organization, contract=contract, effective_date=d(2026, 2, 1), new_value=Decimal("80000.50")
    )
    fixed = ContractFactory(account=acme, end_date=d(2026, 4, 30), billing_model="fixed", value=Decimal("300000.00"))

    rows = {r.contract.pk: r for r in upcoming_renewals(alice, d(2026, 3, 1))}

    assert (rows[contract.pk].value, rows[contract.pk].mrr) == (Decimal("80000.50"), Decimal("80000.50"))
    assert (rows[fixed.pk].value, rows[fixed.pk].mrr) == (Decimal("300000.00"), Decimal("0"))


def test_nobody_without_money_sees_upcoming_renewals(sam, clint, bob, acme):
    ContractFactory(account=acme, end_date=d(2026, 4, 30))

    for person in (sam, clint, bob):
        assert upcoming_renewals(person, d(2026, 3, 1)) == []


# --- revenue movements ------------------------------------------------------------------------------


@pytest.fixture
def portfolio(org, carol, alice, acme, globex):
    """acme: a RUB retainer amended up then down, and a USD retainer renewed for less; globex: a retainer
    renewed expanded; labs: a retainer that churned."""
    labs = AccountFactory(organization=org, name="Labs", owner=alice)
    on_team(labs, alice)
    rub = ContractFactory(account=acme, number="A-RUB", value=Decimal("100000.00"))
    services.amendment_create(actor=carol, contract=rub, effective_date=d(2026, 4, 1), new_value=Decimal("120000.00"))
    services.amendment_create(actor=carol, contract=rub, effective_date=d(2026, 7, 1), new_value=Decimal("90000.00"))
    usd = ContractFactory(
        account=acme, number="A-USD", currency="USD", value=Decimal("1000.00"), end_date=d(2026, 3, 31)
    )
    services.renewal_record(
        actor=carol,
        contract=usd,
        outcome="contracted",
        new_value=Decimal("800.00"),
        new_end_date=d(2026, 9, 30),
        decided_on=d(2026, 3, 15),
    )
    globex_contract = ContractFactory(
        account=globex, number="G", value=Decimal("50000.00"), end_date=d(2026, 6, 30), auto_renew=True
    )
    services.renewal_record(
        actor=carol,
        contract=globex_contract,
        outcome="expanded",
        new_value=Decimal("60000.00"),
        new_end_date=d(2026, 12, 31),
        decided_on=d(2026, 6, 1),
    )
    churned = ContractFactory(
        account=labs, number="L", value=Decimal("40000.00"), start_date=d(2026, 2, 1), end_date=d(2026, 5, 31)
    )
    services.renewal_record(actor=carol, contract=churned, outcome="churned", decided_on=d(2026, 4, 1))
    ContractFactory(account=acme, number="ONE-OFF", billing_model="fixed", value=Decimal("500000.00"))
    ContractFactory(account=acme, number="DRAFT", status="draft", value=Decimal("7000.00"))
    return {"labs": labs}


def moves_of(month) -> list[tuple[str, str, str, str]]:
    return [(str(m.account), m.currency, m.kind, str(m.amount)) for m in month.movements]


def test_revenue_movements_per_month_match_the_hand_computation(carol, portfolio):
    months = {m.month: m for m in revenue_movements(carol, d(2026, 1, 1), d(2027, 1, 1))}

    assert len(months) == 13
    assert moves_of(months[d(2026, 1, 1)]) == [
        ("Acme", "RUB", "new", "100000.00"),
        ("Globex", "RUB", "new", "50000.00"),
        ("Acme", "USD", "new", "1000.00"),
    ]
    assert months[d(2026, 1, 1)].totals == {("new", "RUB"): Decimal("150000.00"), ("new", "USD"): Decimal("1000.00")}
    assert moves_of(months[d(2026, 2, 1)]) == [("Labs", "RUB", "new", "40000.00")]
    assert moves_of(months[d(2026, 3, 1)]) == []
    # April: the RUB amendment +20 000, the USD renewal for less −200; never summed together.
    assert months[d(2026, 4, 1)].totals == {
        ("contraction", "USD"): Decimal("-200.00"),
        ("expansion", "RUB"): Decimal("20000.00"),
    }
    assert moves_of(months[d(2026, 6, 1)]) == [("Labs", "RUB", "churn", "-40000.00")]
    # July: acme's amendment down 120 000 → 90 000, globex's expanded renewal 50 000 → 60 000.
    assert moves_of(months[d(2026, 7, 1)]) == [
        ("Acme", "RUB", "contraction", "-30000.00"),
        ("Globex", "RUB", "expansion", "10000.00"),
    ]
    assert moves_of(months[d(2026, 10, 1)]) == [("Acme", "USD", "churn", "-800.00")]
    assert months[d(2027, 1, 1)].totals == {("churn", "RUB"): Decimal("-150000.00")}


def test_mrr_of_accounts_counts_retainers_in_force(carol, alice, bob, acme, globex, portfolio):
    day = d(2026, 8, 15)

    assert mrr_of_accounts(carol, day) == {
        (acme.pk, "RUB"): Decimal("90000.00"),
        (acme.pk, "USD"): Decimal("800.00"),
        (globex.pk, "RUB"): Decimal("60000.00"),
    }
    assert mrr_of_accounts(bob, day) == {(globex.pk, "RUB"): Decimal("60000.00")}
    assert mrr_of_accounts(alice, day, account_ids=[portfolio["labs"].pk]) == {}


def test_revenue_movements_read_a_constant_number_of_queries(carol, acme, django_assert_max_num_queries):
    for i in range(20):
        ContractFactory(account=acme, number=f"N-{i}", start_date=d(2026, 1 + i % 12, 1))
    with django_assert_max_num_queries(4):
        revenue_movements(carol, d(2026, 1, 1), d(2026, 12, 1))


# --- renewal reminders ------------------------------------------------------------------------------


def test_the_account_manager_is_reminded_once_when_the_notice_deadline_is_a_month_away(alice, acme):
    # Ends 31 December with 30 days' notice: the deadline is 1 December, a month ahead on 1 November.
    contract = ContractFactory(account=acme, end_date=d(2026, 12, 31), notice_days=30)
    far = ContractFactory(account=acme, end_date=d(2027, 6, 30), notice_days=30)

    assert lifecycle.run_renewal_reminders(d(2026, 10, 31)) == 0
    assert lifecycle.run_renewal_reminders(d(2026, 11, 1)) == 1
    assert lifecycle.run_renewal_reminders(d(2026, 11, 2)) == 0

    reminders = Notification.objects.filter(kind="renewal_due")
    assert [(n.recipient, n.subject_id) for n in reminders] == [(alice, str(contract.pk))]
    assert "01/12/2026" in reminders[0].body or "12/01/2026" in reminders[0].body
    far.refresh_from_db()
    assert far.renewal_reminded_for is None


def test_a_renewed_term_is_reminded_again_and_a_decided_or_noticed_one_never(alice, acme):
    contract = ContractFactory(account=acme, end_date=d(2026, 12, 31), notice_days=30)
    noticed = ContractFactory(account=acme, end_date=d(2026, 12, 31), notice_given_on=d(2026, 10, 1))
    decided = ContractFactory(account=acme, end_date=d(2026, 12, 31))
    Renewal.objects.create(
        organization=acme.organization,
        contract=decided,
        term_end=d(2026, 12, 31),
        outcome="renewed",
        decided_on=d(2026, 10, 1),
    )

    assert lifecycle.run_renewal_reminders(d(2026, 11, 15)) == 1
    Contract.objects.filter(pk=contract.pk).update(end_date=d(2027, 12, 31))  # the next term
    assert lifecycle.run_renewal_reminders(d(2027, 11, 15)) == 1
    assert not Notification.objects.filter(subject_id__in=[str(noticed.pk), str(decided.pk)]).exists()
