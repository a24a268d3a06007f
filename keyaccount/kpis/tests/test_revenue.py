"""The portfolio and money KPIs against a portfolio computed by hand.

The period is Q2 2026 (2026-04-01 – 2026-06-30, 91 days); "at start" means on 2026-03-31.

Accounts of the demo agency (carol, the head, sees them all):
  acme     alice  created 01-10, active from 01-15                   active at start and end
  globex   bob    created 01-10, active 01-15, churned 05-10         active at start, churned in Q2
  wayne    bob    created 02-01, paused, no status changes           active at start and end
  umbrella bob    created 01-10, churned 02-01, active again 05-20   won back: new at end
  hooli    bob    created 04-05, active 04-10, churned 06-01         acquired and churned in Q2: nowhere
  stark    bob    created 05-01, onboarding                          new at end
initech (mallory, another organization) churns and pays in Q2 and must never count.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from keyaccount.accounts.models import AccountStatusChange
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing.models import Amendment, Renewal
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines, paid
from keyaccount.core.tests.factories import AccountFactory
from keyaccount.kpis import revenue as kpi
from keyaccount.kpis.base import Frame, Period
from keyaccount.work.models import Project, Service

Q2 = Period(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
D = datetime.date


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)


def created(account, day):
    type(account).objects.filter(pk=account.pk).update(created_at=at(day))


def moved(account, day, from_status, to_status):
    change = AccountStatusChange.objects.create(
        organization=account.organization, account=account, from_status=from_status, to_status=to_status
    )
    AccountStatusChange.objects.filter(pk=change.pk).update(created_at=at(day))


def amend(contract, day, value):
    Amendment.objects.create(
        organization=contract.organization, contract=contract, effective_date=day, new_value=Decimal(value)
    )


def frame(actor, period=Q2, currency="RUB", **filters):
    return Frame(actor=actor, accounts=accounts_visible_to(actor).filter(**filters), period=period, currency=currency)


@pytest.fixture
def portfolio(org, acme, globex, bob, initech):
    accounts = {"acme": acme, "globex": globex, "initech": initech}
    for name, status in (("wayne", "paused"), ("umbrella", "active"), ("hooli", "churned"), ("stark", "onboarding")):
        accounts[name] = AccountFactory(organization=org, name=name.capitalize(), owner=bob, status=status)
    acme.status = "active"
    acme.save()
    globex.status = "churned"
    globex.save()
    for name, day in (
        ("acme", D(2026, 1, 10)),
        ("globex", D(2026, 1, 10)),
        ("initech", D(2026, 1, 10)),
        ("wayne", D(2026, 2, 1)),
        ("umbrella", D(2026, 1, 10)),
        ("hooli", D(2026, 4, 5)),
        ("stark", D(2026, 5, 1)),
    ):
        created(accounts[name], day)
    moved(acme, D(2026, 1, 15), "onboarding", "active")
    moved(globex, D(2026, 1, 15), "onboarding", "active")
    moved(globex, D(2026, 5, 10), "active", "churned")
    moved(accounts["umbrella"], D(2026, 2, 1), "onboarding", "churned")
    moved(accounts["umbrella"], D(2026, 5, 20), "churned", "active")
    moved(accounts["hooli"], D(2026, 4, 10), "onboarding", "active")
    moved(accounts["hooli"], D(2026, 6, 1), "active", "churned")
    moved(initech, D(2026, 1, 15), "onboarding", "active")
    moved(initech, D(2026, 5, 1), "active", "churned")
    return accounts


# --- logo churn and retention ---------------------------------------------------------------------


def test_logo_churn_counts_the_starting_cohort_only(carol, portfolio):
    # active on 03-31: acme, globex, wayne (paused is still a client) = 3; umbrella churned, hooli and
    # stark not yet created. Churned in Q2 among them: globex = 1 (hooli acquired and churned: excluded).
    # 1 ÷ 3 = 0.3333
    metric = kpi.logo_churn_rate(frame(carol))
    assert (metric.numerator, metric.denominator, metric.value) == (1, 3, Decimal("0.3333"))


def test_logo_churn_of_one_account_managers_portfolio(carol, alice, portfolio):
    # alice's portfolio is acme alone, which stayed: 0 ÷ 1
    metric = kpi.logo_churn_rate(frame(carol, owner=alice))
    assert (metric.numerator, metric.denominator, metric.value) == (0, 1, Decimal("0.0000"))


def test_retention_excludes_new_and_won_back_accounts(carol, portfolio):
    # active on 06-30: acme, wayne, umbrella (won back), stark = 4; new (not active at start): umbrella,
    # stark = 2. (4 − 2) ÷ 3 = 0.6667
    metric = kpi.retention_rate(frame(carol))
    assert (metric.numerator, metric.denominator, metric.value) == (2, 3, Decimal("0.6667"))


def test_a_status_change_counts_on_its_day_in_the_organizations_time_zone(org, carol, globex):
    # Vladivostok is UTC+10: 2026-03-31 20:00 UTC is already 1 April there (still 31 March on the server,
    # Europe/Moscow). Globex churned on 1 April, in Q2: it was active at start and churned in the period.
    org.timezone = "Asia/Vladivostok"
    org.save()
    created(globex, D(2026, 1, 10))
    moved(globex, D(2026, 1, 15), "onboarding", "active")
    change = AccountStatusChange.objects.create(
        organization=org, account=globex, from_status="active", to_status="churned"
    )
    AccountStatusChange.objects.filter(pk=change.pk).update(
        created_at=datetime.datetime(2026, 3, 31, 20, tzinfo=datetime.UTC)
    )
    metric = kpi.logo_churn_rate(frame(carol, pk=globex.pk))
    assert (metric.numerator, metric.denominator, metric.value) == (1, 1, Decimal("1.0000"))


def test_an_empty_cohort_has_no_rate(carol, portfolio):
    # Q1 2025: no account existed yet → 0 ÷ 0
    empty = Period(D(2025, 1, 1), D(2025, 3, 31))
    for metric in (kpi.logo_churn_rate(frame(carol, empty)), kpi.retention_rate(frame(carol, empty))):
        assert (metric.numerator, metric.denominator, metric.value) == (0, 0, None)


def test_another_organizations_accounts_never_count(mallory, portfolio):
    # mallory sees initech only: active at start, churned 05-01 → 1 ÷ 1
    metric = kpi.logo_churn_rate(frame(mallory))
    assert (metric.numerator, metric.denominator, metric.value) == (1, 1, Decimal("1.0000"))


# --- recurring revenue ----------------------------------------------------------------------------


@pytest.fixture
def retainers(portfolio):
    p = portfolio
    acme_retainer = ContractFactory(account=p["acme"], billing_model="retainer", value=Decimal("100000"))
    amend(acme_retainer, D(2026, 4, 15), "150000")  # expands …
    amend(acme_retainer, D(2026, 6, 1), "120000")  # … then contracts: 120000 at the end
    ContractFactory(
        account=p["globex"],
        billing_model="retainer",
        value=Decimal("50000"),
        status="terminated",
        terminated_on=D(2026, 5, 10),
    )
    wayne_retainer = ContractFactory(account=p["wayne"], billing_model="retainer", value=Decimal("80000"))
    amend(wayne_retainer, D(2026, 5, 1), "60000")
    ContractFactory(account=p["wayne"], billing_model="retainer", value=Decimal("1000"), currency="USD")
    ContractFactory(account=p["stark"], billing_model="retainer", value=Decimal("30000"), start_date=D(2026, 5, 1))
    ContractFactory(account=p["acme"], billing_model="fixed", value=Decimal("500000"))
    ContractFactory(account=p["initech"], billing_model="retainer", value=Decimal("70000"))
    return p


def test_gross_revenue_retention(carol, retainers):
    # cohort MRR on 03-31 (RUB): acme 100000 + globex 50000 + wayne 80000 = 230000 (stark starts 05-01,
    # the fixed contract is no MRR, USD is another currency). On 06-30: acme 120000 (+20000 expansion
    # after +50000 then −30000), globex 0 (50000 churned), wayne 60000 (20000 contraction).
    # (230000 − 20000 − 50000) ÷ 230000 = 160000 ÷ 230000 = 0.69565… → 0.6957
    metric = kpi.gross_revenue_retention(frame(carol))
    assert (metric.numerator, metric.denominator, metric.value) == (
        Decimal("160000"),
        Decimal("230000"),
        Decimal("0.6957"),
    )
    assert metric.currency == "RUB"


def test_net_revenue_retention_adds_expansion(carol, retainers):
    # (230000 − 20000 − 50000 + 20000) ÷ 230000 = 180000 ÷ 230000 = 0.78260… → 0.7826
    metric = kpi.net_revenue_retention(frame(carol))
    assert (metric.numerator, metric.denominator, metric.value) == (
        Decimal("180000"),
        Decimal("230000"),
        Decimal("0.7826"),
    )


def test_revenue_retention_counts_only_the_frames_currency(carol, retainers):
    # USD: wayne's 1000 retainer, unchanged → 1000 ÷ 1000 for both
    for fn in (kpi.gross_revenue_retention, kpi.net_revenue_retention):
        metric = fn(frame(carol, currency="USD"))
        assert (metric.numerator, metric.denominator, metric.value) == (
            Decimal("1000"),
            Decimal("1000"),
            Decimal("1.0000"),
        )


def test_revenue_retention_of_an_account_managers_own_portfolio(alice, retainers):
    # alice sees acme only: 100000 at start, 120000 at end → GRR 100000 ÷ 100000, NRR 120000 ÷ 100000
    gross, net = kpi.gross_revenue_retention(frame(alice)), kpi.net_revenue_retention(frame(alice))
    assert (gross.numerator, gross.denominator, gross.value) == (Decimal("100000"), Decimal("100000"), Decimal("1"))
    assert (net.numerator, net.denominator, net.value) == (Decimal("120000"), Decimal("100000"), Decimal("1.2"))


def test_revenue_retention_without_a_cohort(carol, retainers):
    # EUR: no retainer → 0 ÷ 0
    metric = kpi.net_revenue_retention(frame(carol, currency="EUR"))
    assert (metric.numerator, metric.denominator, metric.value) == (Decimal("0"), Decimal("0"), None)


# --- renewals -------------------------------------------------------------------------------------


def test_renewal_rate(carol, retainers):
    p = retainers

    def renewed(contract, term_end, outcome):
        Renewal.objects.create(
            organization=contract.organization,
            contract=contract,
            term_end=term_end,
            outcome=outcome,
            decided_on=term_end,
        )

    tm = {"billing_model": "time_and_materials", "start_date": D(2025, 5, 1)}
    renewed(ContractFactory(account=p["acme"], end_date=D(2027, 4, 30), **tm), D(2026, 4, 30), "renewed")
    renewed(ContractFactory(account=p["wayne"], end_date=D(2027, 5, 31), **tm), D(2026, 5, 31), "contracted")
    ContractFactory(account=p["globex"], end_date=D(2026, 6, 15), status="expired", **tm)  # no outcome yet
    # expanded, its end date not moved yet: one term, not two
    renewed(ContractFactory(account=p["acme"], end_date=D(2026, 6, 20), **tm), D(2026, 6, 20), "expanded")
    ContractFactory(account=p["wayne"], end_date=D(2026, 6, 10), status="terminated", **tm)  # ended early
    ContractFactory(account=p["wayne"], end_date=D(2026, 6, 10), status="draft", **tm)  # never signed
    renewed(ContractFactory(account=p["initech"], end_date=D(2027, 5, 1), **tm), D(2026, 5, 1), "renewed")
    renewed(ContractFactory(account=p["acme"], end_date=D(2027, 3, 31), **tm), D(2026, 3, 31), "renewed")  # Q1
    # terms ending in Q2: acme 04-30 renewed, wayne 05-31 contracted, globex 06-15 open, acme 06-20 expanded
    # = 4; renewed or expanded = 2 → 2 ÷ 4 = 0.5
    metric = kpi.renewal_rate(frame(carol))
    assert (metric.numerator, metric.denominator, metric.value) == (2, 4, Decimal("0.5000"))


def test_renewal_rate_with_nothing_up_for_renewal(carol, retainers):
    metric = kpi.renewal_rate(frame(carol, Period(D(2026, 7, 1), D(2026, 9, 30))))
    assert (metric.numerator, metric.denominator, metric.value) == (0, 0, None)


# --- cross-sell -----------------------------------------------------------------------------------


def test_cross_sell_rate(org, carol, portfolio):
    p = portfolio
    seo, ppc, smm = (Service.objects.create(organization=org, name=n) for n in ("SEO", "PPC", "SMM"))
    ContractFactory(account=p["acme"]).services.add(seo)
    ContractFactory(account=p["globex"]).services.add(seo)
    ContractFactory(account=p["globex"], start_date=D(2026, 5, 1)).services.add(seo)  # had it already
    ContractFactory(account=p["wayne"]).services.add(smm)
    ContractFactory(account=p["stark"], start_date=D(2026, 5, 1)).services.add(ppc)  # not in the cohort

    def project(account, service, starts_on, stage="in_progress"):
        Project.objects.create(
            organization=org,
            account=account,
            service=service,
            name=f"{account} {service}",
            starts_on=starts_on,
            stage=stage,
        )

    project(p["acme"], ppc, D(2026, 5, 5))  # new for acme: cross-sell
    project(p["wayne"], smm, D(2026, 4, 20))  # wayne had SMM
    project(p["wayne"], ppc, D(2026, 4, 20), stage="cancelled")  # cancelled: not added
    # cohort acme, globex, wayne = 3; added a new service: acme = 1 → 1 ÷ 3 = 0.3333
    metric = kpi.cross_sell_rate(frame(carol))
    assert (metric.numerator, metric.denominator, metric.value) == (1, 3, Decimal("0.3333"))


# --- revenue and receivables ----------------------------------------------------------------------


@pytest.fixture
def invoices(portfolio):
    p = portfolio
    i1 = invoice_with_lines(p["acme"], [("1", "100000", "0")], number="I1", issue_date=D(2026, 3, 1))
    paid(i1, "100000", D(2026, 3, 5))
    i2 = invoice_with_lines(p["acme"], [("1", "120000", "0")], number="I2", issue_date=D(2026, 4, 1))
    paid(i2, "70000", D(2026, 4, 20))
    paid(i2, "50000", D(2026, 7, 5))  # after the period
    invoice_with_lines(p["wayne"], [("1", "60000", "0")], number="I3", issue_date=D(2026, 6, 1))
    invoice_with_lines(p["wayne"], [("1", "30000", "0")], number="I4", issue_date=D(2026, 6, 25))
    i5 = invoice_with_lines(p["wayne"], [("1", "1000", "0")], number="I5", issue_date=D(2026, 5, 1), currency="USD")
    paid(i5, "1000", D(2026, 5, 10))
    i6 = invoice_with_lines(p["globex"], [("1", "40000", "0")], number="I6", issue_date=D(2026, 5, 1))
    paid(i6, "40000", D(2026, 5, 15))
    i7 = invoice_with_lines(p["initech"], [("1", "999", "0")], number="I7", issue_date=D(2026, 5, 1))
    paid(i7, "999", D(2026, 5, 2))
    invoice_with_lines(p["wayne"], [("1", "5000", "0")], number="I8", issue_date=D(2026, 6, 2), status="draft")
    return p


def test_revenue_is_what_was_paid_in_the_period(carol, invoices):
    # RUB payments dated in Q2: I2 70000 (04-20) + I6 40000 (05-15) = 110000; USD and initech apart
    metric = kpi.revenue(frame(carol))
    assert (metric.numerator, metric.denominator, metric.value) == (Decimal("110000"), None, Decimal("110000"))
    assert kpi.revenue(frame(carol, currency="USD")).value == Decimal("1000")


def test_revenue_growth_against_the_previous_equal_period(carol, invoices):
    # previous 91 days: 2025-12-31 – 2026-03-31: I1 100000. (110000 − 100000) ÷ 100000 = 0.1
    assert Q2.previous() == Period(D(2025, 12, 31), D(2026, 3, 31))
    metric = kpi.revenue_growth(frame(carol))
    assert (metric.numerator, metric.denominator, metric.value) == (
        Decimal("10000"),
        Decimal("100000"),
        Decimal("0.1000"),
    )


def test_revenue_growth_without_previous_revenue(carol, invoices):
    # Q1 2026 (90 days) against 2025-10-02 – 2025-12-31: 100000 − 0 over 0 → no value
    metric = kpi.revenue_growth(frame(carol, Period(D(2026, 1, 1), D(2026, 3, 31))))
    assert (metric.numerator, metric.denominator, metric.value) == (Decimal("100000"), Decimal("0"), None)


def test_receivables_at_period_end(carol, invoices):
    # open on 06-30 (RUB): I2 120000 − 70000 = 50000 (due 04-11, overdue), I3 60000 (due 06-11, overdue),
    # I4 30000 (due 07-05, current); the draft I8 is not billed. outstanding 140000, overdue 110000
    assert kpi.receivables_outstanding(frame(carol)).value == Decimal("140000")
    assert kpi.receivables_overdue(frame(carol)).value == Decimal("110000")
    assert kpi.receivables_outstanding(frame(carol, currency="USD")).value == Decimal("0")


def test_dso(carol, invoices):
    # invoiced in Q2 (RUB): I2 120000 + I3 60000 + I4 30000 + I6 40000 = 250000
    # 140000 ÷ 250000 × 91 = 50.96 → 51.0 days
    metric = kpi.dso(frame(carol))
    assert (metric.numerator, metric.denominator, metric.value) == (
        Decimal("140000"),
        Decimal("250000"),
        Decimal("51.0"),
    )


def test_dso_without_invoicing(carol, invoices):
    metric = kpi.dso(frame(carol, Period(D(2025, 1, 1), D(2025, 3, 31))))
    assert (metric.numerator, metric.denominator, metric.value) == (Decimal("0"), Decimal("0"), None)
