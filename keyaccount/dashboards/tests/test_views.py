"""The dashboards against a portfolio computed by hand, who may open which, CSV exports and query budgets.

Period: custom, 2026-01-01 … 2026-06-30, RUB; trend charts show 2025-07 … 2026-06.
Demo agency: acme (alice), globex (bob); initech (mallory) in another organization.
"""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyaccount.billing.models import Amendment
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines, paid
from keyaccount.comms.models import Direction, Interaction, InteractionKind, InteractionState
from keyaccount.contacts.models import DecisionRole
from keyaccount.core.tests.factories import AccountFactory, ContactFactory, on_team
from keyaccount.health.models import HealthScore, HealthSnapshot
from keyaccount.tenancy.models import Team

D = datetime.date
H1 = {"period": "custom", "start": "2026-01-01", "end": "2026-06-30", "currency": "RUB"}


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, {**H1, **params})


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


def org_url():
    return "/dashboards/"


def am_url(user):
    return f"/dashboards/am/{user.pk}/"


def account_url(account):
    return f"/dashboards/accounts/{account.pk}/"


def invoice(account, number, total, issued, due, currency="RUB"):
    return invoice_with_lines(
        account, [("1", total, "0")], number=number, issue_date=issued, due_date=due, currency=currency
    )


# --- money ----------------------------------------------------------------------------------------


@pytest.fixture
def retainers(acme, globex):
    acme_retainer = ContractFactory(account=acme, start_date=D(2026, 2, 1), end_date=D(2026, 12, 31))
    Amendment.objects.create(
        organization=acme.organization,
        contract=acme_retainer,
        effective_date=D(2026, 4, 15),
        new_value=Decimal("120000.00"),
    )
    ContractFactory(account=globex, start_date=D(2026, 1, 1), end_date=D(2026, 3, 31), value=Decimal("50000.00"))
    ContractFactory(account=globex, start_date=D(2026, 2, 1), value=Decimal("1000.00"), currency="USD")


def test_revenue_movements_by_month(client, carol, retainers):
    # Jan: globex new 50000. Feb: acme new 100000. Apr: acme 100000 → 120000 (+20000), globex ends 03-31 (−50000).
    rows = rows_of(get(client, carol, org_url(), export="revenue_movements"))
    assert rows[0] == ["Month", "New (RUB)", "Expansion (RUB)", "Contraction (RUB)", "Churn (RUB)", "Net change (RUB)"]
    assert [r[0] for r in rows[1:]] == [f"2025-{m:02d}" for m in range(7, 13)] + [f"2026-{m:02d}" for m in range(1, 7)]
    by_month = {r[0]: [Decimal(v) for v in r[1:]] for r in rows[1:]}
    assert by_month["2026-01"] == [50000, 0, 0, 0, 50000]
    assert by_month["2026-02"] == [100000, 0, 0, 0, 100000]
    assert by_month["2026-03"] == [0, 0, 0, 0, 0]
    assert by_month["2026-04"] == [0, 20000, 0, -50000, -30000]


def test_an_account_manager_sees_only_her_own_movements(client, alice, retainers):
    rows = rows_of(get(client, alice, org_url(), export="revenue_movements"))
    by_month = {r[0]: [Decimal(v) for v in r[1:]] for r in rows[1:]}
    assert by_month["2026-01"] == [0, 0, 0, 0, 0]
    assert by_month["2026-04"] == [0, 20000, 0, 0, 20000]


@pytest.fixture
def receivables(acme, globex):
    current = invoice(acme, "A-1", "1000.00", D(2026, 6, 25), D(2026, 7, 5))
    paid(current, "1000.00", D(2026, 7, 10))  # after the period: still open at 06-30
    late = invoice(acme, "A-2", "2000.00", D(2026, 5, 1), D(2026, 5, 11))  # 50 days late at 06-30
    paid(late, "500.00", D(2026, 6, 1))
    invoice(globex, "G-1", "300.00", D(2026, 1, 1), D(2026, 1, 11))  # 170 days late
    invoice(globex, "G-2", "700.00", D(2026, 1, 1), D(2026, 1, 11), currency="USD")


def test_receivables_aging_at_the_end_of_the_period(client, carol, receivables):
    rows = rows_of(get(client, carol, org_url(), export="receivables_aging"))
    assert rows == [
        ["Days past due", "Open amount (RUB)"],
        ["Not yet due", "1000.00"],
        ["1–30 days", "0.00"],
        ["31–60 days", "1500.00"],
        ["61–90 days", "0.00"],
        ["Over 90 days", "300.00"],
    ]


def test_the_aging_follows_the_currency(client, carol, receivables):
    rows = rows_of(get(client, carol, org_url(), export="receivables_aging", currency="USD"))
    assert rows[-1] == ["Over 90 days", "700.00"]


def test_the_kpis_export_carries_numerator_and_denominator(client, carol, receivables):
    rows = rows_of(get(client, carol, org_url(), export="kpis"))
    assert rows[0] == ["KPI", "Value", "Numerator", "Denominator", "Unit"]
    by_name = {r[0]: r[1:] for r in rows[1:]}
    assert len(by_name) == 16
    # Paid in H1 in RUB: 500 on 06-01 (the 1000 came on 07-10).
    assert by_name["Revenue (paid)"] == ["500.00", "500.00", "", "money"]
    assert by_name["Receivables overdue"][0] == "1800.00"


def test_renewals_ahead_count_contracts_by_their_deadline(client, carol, acme, globex):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=100)
    # notice deadline in 15 days → first window; another 75 days away → third; a USD one: counted, no RUB MRR
    ContractFactory(account=acme, start_date=start, end_date=today + datetime.timedelta(days=45), notice_days=30)
    ContractFactory(
        account=globex,
        start_date=start,
        end_date=today + datetime.timedelta(days=105),
        notice_days=30,
        value=Decimal("7000.00"),
    )
    ContractFactory(
        account=globex, start_date=start, end_date=today + datetime.timedelta(days=40), currency="USD", notice_days=30
    )
    rows = rows_of(get(client, carol, org_url(), export="renewals_ahead"))
    assert rows == [
        ["Deadline", "Contracts", "MRR (RUB)"],
        ["within 30 days", "2", "100000.00"],
        ["31–60 days", "0", "0.00"],
        ["61–90 days", "1", "7000.00"],
        ["91–120 days", "0", "0.00"],
    ]
    contracts = rows_of(get(client, carol, org_url(), export="renewal_list"))
    # nearest deadline first: the USD one (10 days), acme (15), globex (75)
    assert [(r[0], r[4], r[5]) for r in contracts[1:]] == [
        ("Globex", "10", "USD"),
        ("Acme", "15", "RUB"),
        ("Globex", "75", "RUB"),
    ]


# --- one account ----------------------------------------------------------------------------------


def test_revenue_by_month_of_an_account_is_what_it_paid(client, carol, acme, globex):
    first = invoice(acme, "A-1", "1000.00", D(2026, 3, 5), D(2026, 3, 15))
    paid(first, "600.00", D(2026, 3, 20))
    paid(first, "400.00", D(2026, 4, 2))
    paid(invoice(acme, "A-2", "50.00", D(2026, 3, 1), D(2026, 3, 1), currency="USD"), "50.00", D(2026, 3, 10))
    paid(invoice(globex, "G-1", "999.00", D(2026, 3, 1), D(2026, 3, 1)), "999.00", D(2026, 3, 10))
    rows = rows_of(get(client, carol, account_url(acme), export="revenue_by_month"))
    assert rows[0] == ["Month", "Paid (RUB)"]
    assert len(rows) == 13
    assert {r[0]: r[1] for r in rows[1:] if r[1] != "0.00"} == {"2026-03": "600.00", "2026-04": "400.00"}


def _touch(account, when, *, kind=InteractionKind.CALL, direction=Direction.OUTBOUND, contacts=()):
    interaction = Interaction.objects.create(
        organization_id=account.organization_id,
        account=account,
        kind=kind,
        state=InteractionState.DONE,
        direction=direction,
        occurred_at=when,
    )
    interaction.contacts.set(contacts)
    return interaction


def test_touches_by_month_of_an_account(client, carol, org, acme, globex):
    tz = zoneinfo.ZoneInfo(org.timezone)
    dm = ContactFactory(account=acme, decision_role=DecisionRole.DECISION_MAKER)
    user = ContactFactory(account=acme, decision_role=DecisionRole.USER)
    _touch(acme, datetime.datetime(2026, 3, 2, 10, tzinfo=tz), contacts=[dm])
    _touch(acme, datetime.datetime(2026, 3, 31, 23, 30, tzinfo=tz), contacts=[user])  # still March there
    _touch(acme, datetime.datetime(2026, 3, 5, 10, tzinfo=tz), kind=InteractionKind.NOTE)  # a note: no touch
    _touch(acme, datetime.datetime(2026, 3, 6, 10, tzinfo=tz), direction=Direction.INTERNAL)  # internal
    _touch(acme, datetime.datetime(2026, 4, 1, 0, 30, tzinfo=tz), kind=InteractionKind.MEETING, contacts=[dm, user])
    _touch(globex, datetime.datetime(2026, 3, 2, 10, tzinfo=tz))
    rows = rows_of(get(client, carol, account_url(acme), export="touches_by_month"))
    assert rows[0] == ["Month", "Touches", "With a decision maker"]
    assert {r[0]: r[1:] for r in rows[1:] if r[1] != "0"} == {"2026-03": ["2", "1"], "2026-04": ["1", "1"]}


def _snapshot(account, on, score, band):
    HealthSnapshot.objects.create(
        organization=account.organization, account=account, on=on, score=score, band=band, measures=[]
    )


def test_health_over_time_of_an_account(client, carol, acme, globex):
    _snapshot(acme, D(2026, 3, 1), 80, "green")
    _snapshot(acme, D(2026, 4, 1), 35, "red")
    _snapshot(acme, D(2026, 7, 1), 50, "yellow")  # after the period
    _snapshot(globex, D(2026, 3, 1), 10, "red")
    rows = rows_of(get(client, carol, account_url(acme), export="health_history"))
    assert rows == [["Day", "Health score", "Health"], ["2026-03-01", "80", "green"], ["2026-04-01", "35", "red"]]


# --- health on the organization dashboard -----------------------------------------------------------


def _score(account, score, band, measures=()):
    HealthScore.objects.create(
        organization=account.organization,
        account=account,
        on=D(2026, 6, 30),
        score=score,
        band=band,
        measures=list(measures),
    )


def test_health_distribution_and_top_risk(client, carol, org, acme, globex, bob):
    hooli = AccountFactory(organization=org, name="Hooli", owner=bob)
    _score(
        acme,
        35,
        "red",
        [
            {"key": "contact_recency", "value": 10, "weight": "0.5", "contribution": "5"},
            {"key": "overdue_receivables", "value": 60, "weight": "0.5", "contribution": "30"},
        ],
    )
    _score(hooli, 75, "green")
    rows = rows_of(get(client, carol, org_url(), export="health_distribution"))
    assert rows == [
        ["Health", "Accounts"],
        ["At risk", "1"],
        ["Needs attention", "0"],
        ["Healthy", "1"],
        ["Unknown", "1"],
    ]
    risk = rows_of(get(client, carol, org_url(), export="top_risk"))
    assert risk[1] == ["Acme", "Alice", "35", "red", "Contact recency against cadence", "45.0"]
    assert [r[0] for r in risk[1:]] == ["Acme", "Hooli"]


def test_a_churned_account_is_neither_in_the_health_distribution_nor_at_risk(client, carol, org, acme, globex):
    # A churned account keeps its last (red) score, but it is lost, not at risk: the head looks at clients.
    _score(acme, 75, "green")
    _score(globex, 12, "red")
    type(globex).objects.filter(pk=globex.pk).update(status="churned")
    rows = rows_of(get(client, carol, org_url(), export="health_distribution"))
    assert rows[1:] == [["At risk", "0"], ["Needs attention", "0"], ["Healthy", "1"], ["Unknown", "0"]]
    risk = rows_of(get(client, carol, org_url(), export="top_risk"))
    assert [r[0] for r in risk[1:]] == ["Acme"]


# --- account managers compared ----------------------------------------------------------------------


@pytest.fixture
def payments(acme, globex):
    paid(invoice(acme, "A-1", "600.00", D(2026, 2, 1), D(2026, 2, 11)), "600.00", D(2026, 2, 5))
    paid(invoice(globex, "G-1", "999.00", D(2026, 2, 1), D(2026, 2, 11)), "999.00", D(2026, 2, 5))


def test_the_head_sees_account_managers_side_by_side(client, carol, payments, alice, bob):
    rows = rows_of(get(client, carol, org_url(), export="account_managers"))
    header = rows[0]
    revenue = header.index("Revenue (paid) (RUB)")
    assert {r[0]: r[revenue] for r in rows[1:]} == {"Alice": "600.00", "Bob": "999.00"}


def test_the_head_compares_an_account_manager_with_her_team_average(client, org, carol, dave, payments, alice, bob):
    north = Team.objects.create(organization=org, name="North", lead=carol)
    for person in (alice, bob):
        person.membership.team = north
        person.membership.save()
    response = get(client, carol, am_url(alice))
    assert "Team average" in response.content.decode()
    rows = rows_of(get(client, carol, am_url(alice), export="kpis"))
    assert rows[0][-1] == "Team average"
    by_name = {r[0]: r for r in rows[1:]}
    # alice 600; the team average (600 + 999) ÷ 2 = 799.5
    assert by_name["Revenue (paid)"][1] == "600.00"
    assert by_name["Revenue (paid)"][-1] == "799.5000"
    # nobody has a churn cohort in money terms: no value, no average
    assert by_name["CSAT"][1] == "" and by_name["CSAT"][-1] == ""


def test_a_team_average_leaves_out_other_teams(client, org, carol, payments, alice, bob):
    Team.objects.create(organization=org, name="South")
    north = Team.objects.create(organization=org, name="North")
    alice.membership.team = north
    alice.membership.save()
    rows = rows_of(get(client, carol, am_url(alice), export="kpis"))
    assert {r[0]: r[-1] for r in rows[1:]}["Revenue (paid)"] == "600.0000"


def test_without_a_team_an_account_manager_is_compared_with_all(client, carol, payments, alice, bob):
    response = get(client, carol, am_url(alice))
    assert "Average of all account managers" in response.content.decode()
    rows = rows_of(get(client, carol, am_url(alice), export="kpis"))
    assert {r[0]: r[-1] for r in rows[1:]}["Revenue (paid)"] == "799.5000"


def test_a_team_dashboard_covers_its_account_managers(client, org, carol, payments, alice, bob):
    north = Team.objects.create(organization=org, name="North")
    alice.membership.team = north
    alice.membership.save()
    response = get(client, carol, org_url(), scope=f"team:{north.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Team North" in html
    assert f'<option value="team:{north.pk}" selected>Team North</option>' in html
    rows = rows_of(get(client, carol, org_url(), scope=f"team:{north.pk}", export="kpis"))
    assert {r[0]: r[1] for r in rows[1:]}["Revenue (paid)"] == "600.00"
    people = rows_of(get(client, carol, org_url(), scope=f"team:{north.pk}", export="account_managers"))
    assert [r[0] for r in people[1:]] == ["Alice"]


def test_an_account_manager_sees_her_portfolio_without_comparison(client, alice, payments, acme):
    response = get(client, alice, am_url(alice))
    assert response.status_code == 200
    assert "Team average" not in response.content.decode()
    assert get(client, alice, am_url(alice), export="account_managers").status_code == 404
    rows = rows_of(get(client, alice, am_url(alice), export="portfolio"))
    assert rows[0] == [
        "Account",
        "Status",
        "Health score",
        "Health",
        "MRR (RUB)",
        "Receivables (RUB)",
        "Overdue (RUB)",
    ]
    assert [r[0] for r in rows[1:]] == ["Acme"]


# --- the page itself --------------------------------------------------------------------------------


def test_every_chart_has_its_table_and_csv_link(client, carol, retainers, receivables):
    html = get(client, carol, org_url()).content.decode()
    for name in ("revenue_movements", "receivables_aging", "renewals_ahead", "health_distribution", "top_risk"):
        assert f'id="chart-{name}"' in html
        assert f"export={name}" in html
    assert 'id="chart-data-revenue_movements"' in html  # the drawing's data
    assert 'data-table="revenue_movements"' in html  # the table behind it
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert 'id="kpi-logo_churn_rate"' in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-06-30", "end": "2026-01-01"}, "The end of the period is before its start."),
        ({"start": ""}, "This field is required."),
        ({"currency": "XXX"}, "Unknown currency."),
        ({"period": "week"}, "Choose month, quarter, year or custom dates."),
        ({"scope": "am:1"}, "Use &quot;organization&quot; or &quot;team:&lt;team id&gt;&quot;."),
    ],
)
def test_bad_input_is_a_400_with_the_message(client, carol, params, field):
    response = get(client, carol, org_url(), **params)
    assert response.status_code == 400
    assert field in response.content.decode()


def test_an_unknown_export_is_a_404(client, carol):
    assert get(client, carol, org_url(), export="nope").status_code == 404


# --- who may open what --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sam", "clint"])
def test_roles_without_money_get_403(client, request, who, acme, alice):
    user = request.getfixturevalue(who)
    for url in (org_url(), am_url(alice), account_url(acme)):
        assert get(client, user, url).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, acme):
    assert client.get(org_url()).status_code == 302


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("alice", "alice", 200),
        ("alice", "bob", 404),
        ("bob", "alice", 404),
        ("ann", "alice", 403),
        ("sally", "alice", 403),
        ("carol", "alice", 200),
        ("dave", "bob", 200),
        ("carol", "sam", 404),  # not someone who owns accounts
        ("carol", "mallory", 404),
        ("mallory", "alice", 404),
    ],
)
def test_who_opens_an_account_managers_dashboard(client, request, acme, globex, sam, who, target, status):
    user, person = request.getfixturevalue(who), request.getfixturevalue(target)
    assert get(client, user, am_url(person)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("ann", 200), ("sally", 200), ("carol", 200), ("bob", 404), ("mallory", 404)],
)
def test_who_opens_an_accounts_dashboard(client, request, acme, who, status):
    assert get(client, request.getfixturevalue(who), account_url(acme)).status_code == status


def test_the_organization_dashboard_shows_each_reader_what_they_see(client, alice, carol, mallory, acme, globex):
    assert "Organization dashboard" in get(client, carol, org_url()).content.decode()
    html = get(client, alice, org_url()).content.decode()
    assert "Dashboard of my accounts" in html
    assert 'id="chart-account_managers"' not in html
    rows = rows_of(get(client, mallory, org_url(), export="health_distribution"))
    assert sum(int(r[1]) for r in rows[1:]) == 0  # no initech here: mallory's fixture was not asked for


def test_a_team_scope_is_refused_to_an_account_manager(client, org, alice):
    north = Team.objects.create(organization=org, name="North")
    response = get(client, alice, org_url(), scope=f"team:{north.pk}")
    assert response.status_code == 400


def test_the_running_month_is_the_organizations_own(client, monkeypatch, org, carol, acme):
    # 2026-06-30 12:00 UTC is already 1 July 02:00 at Kiritimati (UTC+14), still 30 June on the server.
    org.timezone = "Pacific/Kiritimati"
    org.save()
    moment = datetime.datetime(2026, 6, 30, 12, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    client.force_login(carol)
    for url in (org_url(), am_url(carol), account_url(acme)):
        period = client.get(url).context["frame"].period
        assert (period.start, period.end) == (D(2026, 7, 1), D(2026, 7, 1)), url


# --- query budgets ------------------------------------------------------------------------------------


def _add_accounts(org, owner, n, offset):
    for i in range(n):
        account = AccountFactory(organization=org, owner=owner)
        on_team(account, owner)
        ContractFactory(account=account, start_date=D(2026, 1, 1))
        paid(invoice(account, f"Q-{offset + i}", "1000.00", D(2026, 3, 5), D(2026, 3, 15)), "1000.00", D(2026, 3, 9))
        _score(account, 30 + i, "red", [{"key": "contact_recency", "value": 10, "weight": "1", "contribution": "10"}])
        _snapshot(account, D(2026, 3, 1), 30, "red")
        _touch(account, datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC))


@pytest.mark.parametrize("page", ["organization", "am", "account"])
def test_each_dashboard_runs_the_same_queries_for_2_and_20_accounts(client, org, carol, alice, bob, acme, page):
    def count():
        url = {"organization": org_url(), "am": am_url(alice), "account": account_url(acme)}[page]
        client.force_login(carol)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, H1).status_code == 200
        return len(queries)

    _add_accounts(org, alice, 1, 0)
    _add_accounts(org, bob, 1, 100)
    small = count()
    _add_accounts(org, alice, 9, 200)
    _add_accounts(org, bob, 9, 300)
    assert count() == small


# --- backtest -----------------------------------------------------------------------------------------


def _churned(account, day):
    from keyaccount.accounts.models import AccountStatusChange

    change = AccountStatusChange.objects.create(
        organization=account.organization, account=account, from_status="active", to_status="churned"
    )
    AccountStatusChange.objects.filter(pk=change.pk).update(
        created_at=datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)
    )


def test_the_backtest_for_heads_and_admins(client, org, carol, dave, alice, acme, globex, bob):
    # Month-end scores on 2025-01-31 (red threshold 40):
    #   acme 20, churned 03-01 → at risk, churned (TP)      globex 80, nothing → fine (TN)
    #   wayne 30, nothing → at risk, fine (FP)              hooli 60, churned 02-15 → fine, churned (FN)
    # AUC: of the 4 (churned, fine) pairs, the churned one scored lower in 3 (20<80, 20<30, 60<80) → 0.75
    wayne = AccountFactory(organization=org, name="Wayne", owner=bob)
    hooli = AccountFactory(organization=org, name="Hooli", owner=bob)
    for account, score in ((acme, 20), (globex, 80), (wayne, 30), (hooli, 60)):
        _snapshot(account, D(2025, 1, 31), score, "red" if score < 40 else "green")
    _snapshot(acme, D(2025, 1, 30), 99, "green")  # not a month end: no sample
    _churned(acme, D(2025, 3, 1))
    _churned(hooli, D(2025, 2, 15))
    figures = {r[0]: r[1] for r in rows_of(get(client, carol, org_url(), export="backtest"))[1:]}
    assert figures["ROC AUC"] == "0.7500"
    assert figures["Samples (month-end scores)"] == "4"
    assert figures["Churned or shrank within 90 days"] == "2"
    assert figures["Precision at the red threshold"] == "0.5000"
    assert figures["Recall at the red threshold"] == "0.5000"
    confusion = rows_of(get(client, dave, org_url(), export="backtest_confusion"))
    assert confusion == [
        ["Score", "Churned or shrank within 90 days", "Neither churned nor shrank"],
        ["Red (score below 40)", "1", "1"],
        ["Not red", "1", "1"],
    ]
    assert 'id="backtest"' in get(client, carol, org_url()).content.decode()
    assert 'id="backtest"' not in get(client, alice, org_url()).content.decode()
    assert get(client, alice, org_url(), export="backtest").status_code == 404
