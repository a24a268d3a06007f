"""GET /api/v1/kpis/: the shape, bad input and who may read which scope."""

from __future__ import annotations

import datetime

import pytest

from keyaccount.kpis.api import KPI_KEYS

URL = "/api/v1/kpis/"
MARCH = {"period_start": "2026-03-01", "period_end": "2026-03-28"}


def get(api, user, **params):
    api.force_authenticate(user)
    return api.get(URL, params)


def test_it_returns_every_kpi_with_numerator_denominator_and_value(api, carol, acme, globex):
    response = get(api, carol, scope="organization", currency="RUB", **MARCH)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["scope"], body["period_start"], body["period_end"], body["currency"]) == (
        "organization",
        "2026-03-01",
        "2026-03-28",
        "RUB",
    )
    assert (
        list(body["metrics"])
        == KPI_KEYS
        == [
            "logo_churn_rate",
            "gross_revenue_retention",
            "net_revenue_retention",
            "retention_rate",
            "renewal_rate",
            "cross_sell_rate",
            "revenue",
            "revenue_growth",
            "receivables_outstanding",
            "receivables_overdue",
            "dso",
            "csat",
            "nps",
            "touches_per_week",
            "decision_maker_touch_share",
            "tasks_on_time_rate",
        ]
    )
    for key in KPI_KEYS:
        assert set(body["metrics"][key]) == {"numerator", "denominator", "value", "unit"}
    assert body["metrics"]["touches_per_week"] == {
        "numerator": "0",
        "denominator": "4.0000",
        "value": "0.00",
        "unit": "per_week",
    }
    assert body["metrics"]["csat"] == {"numerator": "0", "denominator": "0", "value": None, "unit": "ratio"}


def test_the_currency_defaults_to_rub_without_contracts(api, carol, acme):
    assert get(api, carol, **MARCH).json()["currency"] == "RUB"


def test_an_am_reads_their_own_portfolio(api, alice, acme):
    response = get(api, alice, scope=f"am:{alice.pk}", **MARCH)
    assert response.status_code == 200
    assert response.json()["scope"] == f"am:{alice.pk}"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period_start": "2026-03-28", "period_end": "2026-03-01"}, "period_end"),
        ({"period_start": "2026-03-01"}, "period_end"),
        ({"period_end": "2026-03-01"}, "period_start"),
        ({"period_start": "March", "period_end": "2026-03-01"}, "period_start"),
        ({**MARCH, "scope": "team"}, "scope"),
        ({**MARCH, "scope": "am:x"}, "scope"),
        ({**MARCH, "currency": "XXX"}, "currency"),
    ],
)
def test_bad_input_is_a_400_on_the_field(api, carol, params, field):
    response = get(api, carol, **params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("who", ["sam", "clint"])
def test_roles_that_do_not_see_money_get_403(api, request, who):
    response = get(api, request.getfixturevalue(who), **MARCH)
    assert response.status_code == 403


def test_anonymous_is_refused(api):
    assert api.get(URL, MARCH).status_code in (401, 403)


def test_mallory_cannot_read_our_scopes(api, mallory, initech, alice, acme):
    assert get(api, mallory, scope=f"account:{acme.pk}", **MARCH).status_code == 400
    assert get(api, mallory, scope=f"am:{alice.pk}", **MARCH).status_code == 400
    # Her own organization's scope covers only her organization.
    assert get(api, mallory, scope="organization", **MARCH).status_code == 200


def test_bob_cannot_use_acme_or_alice(api, bob, globex, alice, acme):
    response = get(api, bob, scope=f"account:{acme.pk}", **MARCH)
    assert response.status_code == 400
    assert "scope" in response.json()
    assert get(api, bob, scope=f"am:{alice.pk}", **MARCH).status_code == 400
    assert get(api, bob, scope=f"account:{globex.pk}", **MARCH).status_code == 200


def test_the_head_compares_account_managers(api, carol, alice, bob, acme, globex):
    assert get(api, carol, scope=f"am:{alice.pk}", **MARCH).status_code == 200
    assert get(api, carol, scope=f"am:{bob.pk}", **MARCH).status_code == 200


def test_the_kpis_run_the_same_number_of_queries_for_2_and_20_accounts(api, org, carol, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines
    from keyaccount.core.tests.factories import AccountFactory

    def add(n):
        for i in range(n):
            account = AccountFactory(organization=org, owner=alice)
            ContractFactory(account=account)
            invoice_with_lines(account, [("1", "1000.00", "0")], number=f"Q-{account.pk}-{i}", issue_date=_day())

    def count():
        api.force_authenticate(carol)
        with CaptureQueriesContext(connection) as queries:
            assert api.get(URL, {"scope": "organization", "currency": "RUB", **MARCH}).status_code == 200
        return len(queries)

    add(2)
    small = count()
    add(18)
    assert count() == small


def _day():
    import datetime

    return datetime.date(2026, 3, 5)


def test_money_comes_back_to_the_kopeck_on_every_database(api, carol, acme):
    from decimal import Decimal

    from keyaccount.billing.tests.factories import invoice_with_lines, paid

    for n, amount in enumerate(["1000.10", "2000.20", "0.05"]):
        invoice = invoice_with_lines(acme, [("1", amount, "0")], number=f"I-{n}", issue_date=datetime.date(2026, 3, 1))
        paid(invoice, amount, datetime.date(2026, 3, 10))

    metrics = get(api, carol, scope="organization", currency="RUB", **MARCH).json()["metrics"]

    assert metrics["revenue"] == {"numerator": "3000.35", "denominator": None, "value": "3000.35", "unit": "money"}
    growth = metrics["revenue_growth"]
    assert (growth["numerator"], growth["denominator"]) == ("3000.35", "0.00")
    assert Decimal(metrics["receivables_outstanding"]["value"]) == 0
    assert metrics["receivables_outstanding"]["value"] == "0.00"
