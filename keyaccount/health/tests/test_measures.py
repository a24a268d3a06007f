"""Each health measure against a case computed by hand, as of 2026-03-31 (Europe/Moscow) unless a test
looks at an earlier day; records dated after the day looked at never count, nor another organization's."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.accounts.models import AccountStatusChange
from keyaccount.billing.models import Amendment, Renewal
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines, paid
from keyaccount.contacts.models import ContactAccountRole
from keyaccount.core.tests.factories import AccountFactory
from keyaccount.health.base import MeasureKey
from keyaccount.health.measures import DEFAULTS, linear, measure_values, score
from keyaccount.health.models import ManualAssessment
from keyaccount.health.tests.fixtures_measures import AS_OF, D, at, contact, created, days_before, opened, touch
from keyaccount.surveys.models import Survey
from keyaccount.work.models import Request, Task, TaskDueChange, TaskStatusChange

K = MeasureKey


@pytest.fixture
def account(acme):
    return opened(acme)


def measure(org, account, key, as_of=AS_OF, params=None):
    return measure_values(org, [account], as_of, params or {})[account.pk][key]


# --- the shapes ------------------------------------------------------------------------------------


def test_every_measure_has_a_default_weight_and_settings():
    assert set(DEFAULTS) == set(MeasureKey.values)
    assert all(isinstance(d.weight, int) and d.weight > 0 for d in DEFAULTS.values())
    assert DEFAULTS[K.DECISION_MAKER_ENGAGED].params == {"days": 30}
    assert DEFAULTS[K.RENEWAL_RISK].params == {"horizon_days": 90}
    assert DEFAULTS[K.SENTIMENT_TREND].params == {"window_days": 90}


def test_rounding_is_half_up_and_clamped():
    assert score(Decimal("82.5")) == 83
    assert score(Decimal("58.3333")) == 58
    assert score(-5) == 0
    assert score(140) == 100
    assert linear(41, 14, 42) == 4  # 100 × 1 ÷ 28 = 3.57
    assert linear(14, 14, 42) == 100
    assert linear(42, 14, 42) == 0


def test_it_answers_every_measure_for_every_account(org, account, globex):
    opened(globex)
    values = measure_values(org, [account, globex.pk], AS_OF, {})
    assert set(values) == {account.pk, globex.pk}
    assert all(set(v) == set(MeasureKey.values) for v in values.values())


# --- contact recency -------------------------------------------------------------------------------


def test_contact_recency_falls_from_the_cadence_to_three_cadences(org, account):
    account.cadence_days = 14
    account.save()
    touch(account, days_before(21))
    touch(account, days_before(2), state="planned")
    touch(account, days_before(1), direction="internal")
    touch(account, days_before(1), kind="note")
    touch(account, AS_OF + datetime.timedelta(days=3))
    m = measure(org, account, K.CONTACT_RECENCY)
    # 21 days against 14: 100 × (42 − 21) ÷ 28 = 75
    assert (m.value, m.facts["days_since_contact"], m.facts["cadence_days"]) == (75, 21, 14)
    assert m.facts["last_contact_on"] == "2026-03-10"


def test_contact_recency_reads_the_day_looked_at(org, account):
    account.cadence_days = 14
    account.save()
    touch(account, days_before(21))
    touch(account, days_before(1))
    earlier = measure(org, account, K.CONTACT_RECENCY, as_of=days_before(10))
    assert (earlier.value, earlier.facts["days_since_contact"]) == (100, 11)


def test_contact_recency_counts_against_the_shortest_cadence_of_the_people_there(org, account):
    account.cadence_days = 14
    account.save()
    weekly = contact(account, "Weekly", cadence_days=7)
    contact(account, "Gone daily", cadence_days=1, left_on=days_before(30))
    touch(account, days_before(14), weekly)
    m = measure(org, account, K.CONTACT_RECENCY)
    # 14 days against 7: 100 × (21 − 14) ÷ 14 = 50
    assert (m.value, m.facts["cadence_days"]) == (50, 7)


def test_contact_recency_of_a_never_touched_account_counts_from_its_opening(org, acme):
    opened(acme, days_before(30))
    m = measure(org, acme, K.CONTACT_RECENCY)
    # the organization's cadence (14): 30 days → 100 × 12 ÷ 28 = 42.86
    assert (m.value, m.facts["never_contacted"], m.facts["days_since_contact"]) == (43, True, 30)


def test_contact_recency_uses_the_day_in_the_organizations_time_zone(org, account):
    account.cadence_days = 10
    account.save()
    touch(account, D(2026, 3, 21), hour=0)  # 21:00 UTC on the 20th
    m = measure(org, account, K.CONTACT_RECENCY)
    assert m.facts["last_contact_on"] == "2026-03-21"
    assert m.facts["days_since_contact"] == 10


# --- decision maker --------------------------------------------------------------------------------


def test_decision_maker_engaged_is_unknown_without_a_decision_maker(org, account):
    contact(account, "User", role="user")
    contact(account, "Former boss", role="decision_maker", left_on=days_before(5))
    m = measure(org, account, K.DECISION_MAKER_ENGAGED)
    assert (m.value, m.facts["unknown"]) == (None, "no_decision_maker")


def test_decision_maker_engaged_falls_after_n_days_to_zero_at_twice_n(org, account):
    boss = contact(account, "Boss", role="decision_maker")
    user = contact(account, "User", role="user")
    touch(account, days_before(41), boss)
    touch(account, days_before(3), user)
    touch(account, days_before(1), boss, direction="internal")
    m = measure(org, account, K.DECISION_MAKER_ENGAGED)
    # 41 days, N = 30: 100 × (60 − 41) ÷ 30 = 63.3
    assert (m.value, m.facts["days_since_contact"], m.facts["contact"]) == (63, 41, "Boss")
    assert measure(org, account, K.DECISION_MAKER_ENGAGED, params={"decision_maker_engaged": {"days": 45}}).value == 100


def test_decision_maker_engaged_counts_an_economic_buyer_linked_from_another_account(org, account, globex):
    cfo = contact(globex, "Holding CFO")
    ContactAccountRole.objects.create(organization=org, contact=cfo, account=account, decision_role="economic_buyer")
    touch(account, days_before(10), cfo)
    assert measure(org, account, K.DECISION_MAKER_ENGAGED).value == 100


def test_decision_maker_never_touched_is_zero(org, account):
    contact(account, "Boss", role="decision_maker")
    m = measure(org, account, K.DECISION_MAKER_ENGAGED)
    assert (m.value, m.facts["never_contacted"]) == (0, True)


# --- stakeholder coverage --------------------------------------------------------------------------


def test_stakeholder_coverage_counts_people_engaged_in_the_window(org, account):
    a, b, c = contact(account, "A"), contact(account, "B"), contact(account, "C")
    touch(account, days_before(5), a, b)
    touch(account, days_before(20), a)
    touch(account, days_before(90), c)  # the window is the 90 days ending on the 31st: from 2026-01-01
    m = measure(org, account, K.STAKEHOLDER_COVERAGE)
    assert (m.value, m.facts["engaged_contacts"], m.facts["single_threaded"]) == (67, 2, False)


def test_stakeholder_coverage_flags_a_single_thread(org, account):
    a = contact(account, "A")
    contact(account, "B")
    touch(account, days_before(5), a)
    m = measure(org, account, K.STAKEHOLDER_COVERAGE)
    assert (m.value, m.facts["single_threaded"], m.facts["contacts"]) == (33, True, 2)


def test_stakeholder_coverage_is_unknown_without_contacts(org, account):
    assert measure(org, account, K.STAKEHOLDER_COVERAGE).facts["unknown"] == "no_contacts"


# --- champion --------------------------------------------------------------------------------------


def test_champion_there_is_full(org, account):
    contact(account, "Champ", role="champion")
    assert measure(org, account, K.CHAMPION_LEFT).value == 100


def test_champion_who_left_in_the_window_with_none_remaining_is_zero(org, account):
    contact(account, "Champ", role="champion", left_on=days_before(10))
    m = measure(org, account, K.CHAMPION_LEFT)
    assert (m.value, m.facts["champion"], m.facts["days_since_left"]) == (0, "Champ", 10)
    # before they left, the champion was there
    assert measure(org, account, K.CHAMPION_LEFT, as_of=days_before(11)).value == 100


def test_champion_who_left_long_ago_is_half(org, account):
    contact(account, "Champ", role="champion", left_on=days_before(120))
    assert measure(org, account, K.CHAMPION_LEFT).value == 50


def test_champion_is_unknown_when_none_was_ever_recorded(org, account):
    contact(account, "Boss", role="decision_maker")
    assert measure(org, account, K.CHAMPION_LEFT).facts["unknown"] == "no_champion"


# --- receivables -----------------------------------------------------------------------------------


def test_overdue_receivables_mix_the_share_and_the_days(org, account):
    invoice_with_lines(account, [("1", "70000", "0")], number="2026-040", issue_date=days_before(5))
    late = invoice_with_lines(
        account, [("1", "30000", "0")], number="2026-031", issue_date=days_before(40), due_date=days_before(24)
    )
    paid(late, "30000", AS_OF + datetime.timedelta(days=1))  # paid after the day: still open then
    m = measure(org, account, K.OVERDUE_RECEIVABLES)
    # share 30 % → 70; 24 days → 100 × 66 ÷ 90 = 73.33; mean 71.67
    assert m.value == 72
    assert (m.facts["invoice"], m.facts["days_overdue"], m.facts["overdue_share"]) == ("2026-031", 24, 30)
    assert measure(org, account, K.OVERDUE_RECEIVABLES, as_of=AS_OF + datetime.timedelta(days=1)).value == 100


def test_overdue_receivables_are_unknown_before_the_first_invoice(org, account):
    invoice_with_lines(account, [("1", "100", "0")], number="2026-050", issue_date=AS_OF + datetime.timedelta(days=1))
    invoice_with_lines(account, [("1", "100", "0")], number="2026-051", issue_date=days_before(3), status="draft")
    assert measure(org, account, K.OVERDUE_RECEIVABLES).facts["unknown"] == "never_invoiced"


def test_overdue_receivables_take_the_worst_currency(org, account):
    invoice_with_lines(account, [("1", "100", "0")], number="R-1", issue_date=days_before(5))
    invoice_with_lines(
        account,
        [("1", "100", "0")],
        number="E-1",
        issue_date=days_before(100),
        due_date=days_before(90),
        currency="EUR",
    )
    m = measure(org, account, K.OVERDUE_RECEIVABLES)
    # EUR: all overdue (0) and 90 days (0) → 0; RUB: nothing overdue → 100
    assert (m.value, m.facts["currency"], m.facts["invoice"]) == (0, "EUR", "E-1")


# --- work ------------------------------------------------------------------------------------------


def _task(account, title, due, *, done_on=None, status="new"):
    task = Task.objects.create(
        organization=account.organization,
        account=account,
        title=title,
        due_at=at(due, 18) if due else None,
        status=status,
        completed_at=at(done_on) if done_on else None,
    )
    created(task, D(2026, 1, 10))
    if done_on:
        change = TaskStatusChange.objects.create(
            organization=account.organization, task=task, from_status="review", to_status="done"
        )
        created(change, done_on)
    return task


def test_overdue_work_counts_open_late_tasks_and_late_answers(org, account):
    _task(account, "Open, late", days_before(5))
    _task(account, "Done after the day", days_before(3), done_on=AS_OF + datetime.timedelta(days=2), status="done")
    _task(account, "Done in time", days_before(10), done_on=days_before(11), status="done")
    _task(account, "Not due yet", AS_OF + datetime.timedelta(days=5))
    moved = _task(account, "Moved later after the day", AS_OF + datetime.timedelta(days=10))
    change = TaskDueChange.objects.create(
        organization=org, task=moved, from_due_at=at(days_before(1), 18), to_due_at=moved.due_at, reason="client"
    )
    created(change, AS_OF + datetime.timedelta(days=1))
    for due, triaged in ((days_before(4), days_before(5)), (days_before(2), None), (days_before(40), None)):
        Request.objects.create(
            organization=org,
            account=account,
            channel="email",
            received_at=at(days_before(50)),
            text="x",
            response_due_at=at(due, 15),
            triaged_at=at(triaged) if triaged else None,
        )
    m = measure(org, account, K.OVERDUE_WORK)
    # tasks: 3 late open → 100 − 60 = 40; requests due in the 30 days: 2, 1 late → 50; mean 45
    assert (m.value, m.facts["overdue_tasks"], m.facts["late_requests"], m.facts["requests_due"]) == (45, 3, 1, 2)
    assert (m.facts["task"], m.facts["task_days_overdue"]) == ("Open, late", 5)


def test_overdue_work_is_unknown_without_tasks_or_targets(org, account):
    Task.objects.create(organization=org, account=account, title="Created after the day")
    assert measure(org, account, K.OVERDUE_WORK).facts["unknown"] == "no_work"


# --- satisfaction ----------------------------------------------------------------------------------


def _answer(account, person, kind, score_, day):
    return Survey.objects.create(
        organization=account.organization,
        account=account,
        contact=person,
        kind=kind,
        sent_at=at(days_before(60)),
        expires_at=at(AS_OF + datetime.timedelta(days=60)),
        answered_at=at(day),
        score=score_,
    )


def test_satisfaction_is_the_mean_of_the_latest_csat_and_nps(org, account):
    person = contact(account, "A")
    _answer(account, person, "csat", 2, days_before(40))
    _answer(account, person, "csat", 4, days_before(10))
    _answer(account, person, "nps", 9, days_before(20))
    _answer(account, person, "nps", 0, AS_OF + datetime.timedelta(days=1))
    Survey.objects.create(
        organization=org,
        account=account,
        contact=person,
        kind="nps",
        sent_at=at(days_before(5)),
        expires_at=at(AS_OF + datetime.timedelta(days=5)),
    )
    m = measure(org, account, K.SATISFACTION)
    # CSAT 4 → 75, NPS 9 → 90, mean 82.5
    assert (m.value, m.facts["csat"], m.facts["nps"]) == (83, 4, 9)
    assert measure(org, account, K.SATISFACTION, as_of=days_before(30)).value == 25  # CSAT 2 only


def test_satisfaction_is_unknown_without_answers(org, account):
    assert measure(org, account, K.SATISFACTION).facts["unknown"] == "no_answers"


# --- sentiment -------------------------------------------------------------------------------------


def test_sentiment_is_the_window_mean_with_the_change_from_the_window_before(org, account):
    for days, mood in ((1, 2), (30, 0), (89, -1), (91, -2), (170, -1), (200, 2)):
        touch(account, days_before(days), sentiment=mood)
    touch(account, days_before(2), sentiment=-2, state="planned")
    m = measure(org, account, K.SENTIMENT_TREND)
    # now: (2 + 0 − 1) ÷ 3 = 0.33 → (0.33 + 2) × 25 = 58.3; before (91–179 days): −1.5; change +1.83
    assert (m.value, m.facts["mean"], m.facts["previous_mean"], m.facts["change"]) == (58, "0.33", "-1.50", "1.83")


def test_sentiment_is_unknown_without_moods_in_the_window(org, account):
    touch(account, days_before(100), sentiment=2)
    assert measure(org, account, K.SENTIMENT_TREND).facts["unknown"] == "no_sentiment"


# --- renewal ---------------------------------------------------------------------------------------


def _contract(account, end, **extra):
    extra.setdefault("signed_on", D(2025, 4, 1))
    return ContractFactory(account=account, start_date=D(2025, 4, 1), end_date=end, notice_days=30, **extra)


def test_renewal_risk_is_the_days_to_the_notice_deadline_against_the_horizon(org, account):
    _contract(account, AS_OF + datetime.timedelta(days=60), number="C-60")
    _contract(account, AS_OF + datetime.timedelta(days=300), number="C-300")
    m = measure(org, account, K.RENEWAL_RISK)
    # deadline in 30 days: 100 × 30 ÷ 90 = 33.3
    assert (m.value, m.facts["contract"], m.facts["days_left"], m.facts["next"]) == (33, "C-60", 30, "notice")


def test_renewal_risk_names_a_deadline_exactly_at_the_horizon_while_still_scoring_it_full(org, account):
    # notice deadline in exactly 90 days (end in 120, 30 days' notice): within the horizon, value 100 × 90 ÷ 90
    _contract(account, AS_OF + datetime.timedelta(days=120), number="C-120")
    m = measure(org, account, K.RENEWAL_RISK)
    assert (m.value, m.facts["contract"], m.facts["days_left"]) == (100, "C-120", 90)
    # one day further out, it is not due yet
    account.contracts.update(end_date=AS_OF + datetime.timedelta(days=121))
    m = measure(org, account, K.RENEWAL_RISK)
    assert (m.value, m.facts.get("no_renewal_due")) == (100, True)


def test_renewal_risk_reads_the_term_as_it_stood_before_a_later_renewal(org, account):
    contract = _contract(account, D(2027, 5, 30), number="C-1")
    Renewal.objects.create(
        organization=org,
        contract=contract,
        term_end=D(2026, 5, 30),
        outcome="renewed",
        new_end_date=D(2027, 5, 30),
        decided_on=D(2026, 4, 20),
    )
    Amendment.objects.create(
        organization=org,
        contract=contract,
        kind="renewal",
        effective_date=D(2026, 5, 31),
        signed_on=D(2026, 4, 20),
        new_end_date=D(2027, 5, 30),
        previous_end_date=D(2026, 5, 30),
    )
    # on 03-31 the term ended 05-30: notice deadline 04-30, 30 days → 33; after the renewal: none due
    assert measure(org, account, K.RENEWAL_RISK).value == 33
    assert measure(org, account, K.RENEWAL_RISK, as_of=D(2026, 4, 21)).value == 100


def test_renewal_risk_is_zero_after_notice_or_a_no_renewal_outcome(org, account, globex):
    _contract(account, AS_OF + datetime.timedelta(days=200), notice_given_on=days_before(1))
    assert measure(org, account, K.RENEWAL_RISK).value == 0
    opened(globex)
    lost = _contract(globex, AS_OF + datetime.timedelta(days=20))
    Renewal.objects.create(
        organization=org, contract=lost, term_end=lost.end_date, outcome="churned", decided_on=days_before(2)
    )
    m = measure(org, globex, K.RENEWAL_RISK)
    assert (m.value, m.facts["outcome"]) == (0, "churned")


def test_renewal_risk_is_full_without_an_end_and_unknown_without_a_contract(org, account, globex):
    _contract(account, None)
    assert measure(org, account, K.RENEWAL_RISK).value == 100
    opened(globex)
    _contract(globex, AS_OF + datetime.timedelta(days=20), status="draft", signed_on=None)
    _contract(globex, AS_OF + datetime.timedelta(days=20), signed_on=AS_OF + datetime.timedelta(days=1))
    assert measure(org, globex, K.RENEWAL_RISK).facts["unknown"] == "no_contract"


def test_renewal_risk_of_an_automatic_renewal_past_its_notice_deadline_is_full(org, account):
    _contract(account, AS_OF + datetime.timedelta(days=10), auto_renew=True)
    assert measure(org, account, K.RENEWAL_RISK).value == 100


# --- manual assessment -----------------------------------------------------------------------------


def test_manual_assessment_is_the_latest_until_it_expires(org, account, alice):
    def assess(value, on, expires):
        row = ManualAssessment.objects.create(
            organization=org, account=account, value=value, comment=f"v{value}", expires_on=expires, author=alice
        )
        return created(row, on)

    assess(80, days_before(20), AS_OF + datetime.timedelta(days=30))
    assess(30, AS_OF + datetime.timedelta(days=1), AS_OF + datetime.timedelta(days=30))
    m = measure(org, account, K.MANUAL_ASSESSMENT)
    assert (m.value, m.facts["comment"], m.facts["author"]) == (80, "v80", "Alice")
    assert measure(org, account, K.MANUAL_ASSESSMENT, as_of=AS_OF + datetime.timedelta(days=31)).facts == {
        "unknown": "assessment_expired",
        "comment": "v30",
        "assessed_on": "2026-04-01",
        "expires_on": "2026-04-30",
        "author": "Alice",
    }
    assert measure(org, account, K.MANUAL_ASSESSMENT, as_of=days_before(21)).facts["unknown"] == "no_assessment"


# --- accounts the measures do not apply to ---------------------------------------------------------


def test_a_churned_account_is_not_measured_but_was_before_it_churned(org, account):
    account.status = "churned"
    account.save()
    change = AccountStatusChange.objects.create(
        organization=org, account=account, from_status="active", to_status="churned"
    )
    created(change, days_before(5))
    contact(account, "Champ", role="champion")
    values = measure_values(org, [account], AS_OF, {})[account.pk]
    assert {m.facts.get("unknown") for m in values.values()} == {"churned"}
    assert measure(org, account, K.CHAMPION_LEFT, as_of=days_before(6)).value == 100


def test_an_account_opened_after_the_day_is_not_measured(org, acme):
    opened(acme, AS_OF + datetime.timedelta(days=1))
    values = measure_values(org, [acme], AS_OF, {})[acme.pk]
    assert {m.value for m in values.values()} == {None}


def test_another_organizations_accounts_and_records_are_left_out(org, other_org, account, initech):
    opened(initech)
    spy = contact(initech, "Spy", role="champion")
    touch(initech, days_before(1), spy)
    values = measure_values(org, [account, initech], AS_OF, {})
    assert set(values) == {account.pk}
    assert values[account.pk][K.CHAMPION_LEFT].value is None
    assert measure_values(org, [initech.pk], AS_OF, {}) == {}


# --- queries ---------------------------------------------------------------------------------------


def _busy(org, index):
    account = opened(AccountFactory(organization=org, name=f"Busy {index}", cadence_days=10))
    boss = contact(account, f"Boss {index}", role="decision_maker")
    contact(account, f"Champ {index}", role="champion", left_on=days_before(5))
    touch(account, days_before(3), boss, sentiment=1)
    invoice_with_lines(account, [("1", "100", "0")], number=f"I-{index}", issue_date=days_before(40))
    _task(account, f"Task {index}", days_before(2))
    _contract(account, AS_OF + datetime.timedelta(days=40), number=f"C-{index}")
    _answer(account, boss, "nps", 7, days_before(4))
    created(
        ManualAssessment.objects.create(organization=org, account=account, value=60, comment="ok", expires_on=AS_OF),
        days_before(1),
    )
    return account


def test_it_runs_the_same_queries_for_2_and_20_accounts(org):
    accounts = [_busy(org, i) for i in range(20)]
    counts = []
    for some in (accounts[:2], accounts):
        with CaptureQueriesContext(connection) as queries:
            values = measure_values(org, some, AS_OF, {})
        assert len(values) == len(some)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert values[accounts[0].pk][K.OVERDUE_WORK].facts["overdue_tasks"] == 1
