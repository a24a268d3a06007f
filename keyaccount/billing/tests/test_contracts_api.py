"""The contracts, amendments, renewals and revenue-movements API: field names integrations rely on,
decimal strings, field errors, and list query budgets."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from keyaccount.billing.models import Contract, Renewal
from keyaccount.billing.tests.factories import ContractFactory
from keyaccount.core.tests.factories import AccountFactory, on_team

d = datetime.date


@pytest.fixture
def as_alice(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


def contract_body(acme, **overrides):
    body = {
        "number": "C-2026-10",
        "account": acme.pk,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "billing_model": "retainer",
        "value": "150000.00",
        "currency": "RUB",
        "payment_terms_days": 14,
        "auto_renew": True,
        "notice_days": 60,
    }
    body.update(overrides)
    return body


def test_a_contract_takes_and_shows_the_documented_fields(as_alice, acme):
    response = as_alice.post("/api/v1/contracts/", contract_body(acme), format="json")

    assert response.status_code == 201, response.data
    data = response.data
    for name, value in contract_body(acme).items():
        assert data[name] == value, name
    assert data["status"] == "draft"
    assert data["value_history"] == [{"from": "2026-01-01", "value": "150000.00"}]
    assert data["mrr"] == "0.00"  # a draft binds nobody
    assert data["version"] == 1


def test_a_signed_retainer_shows_its_mrr_and_current_value_as_decimal_strings(as_alice, acme):
    today = timezone.localdate()
    contract = ContractFactory(
        account=acme, start_date=today - datetime.timedelta(days=40), end_date=today + datetime.timedelta(days=300)
    )
    as_alice.post(
        "/api/v1/amendments/",
        {"contract": contract.pk, "effective_date": today.isoformat(), "new_value": "123456.78"},
        format="json",
    )

    data = as_alice.get(f"/api/v1/contracts/{contract.pk}/").data

    assert (data["mrr"], data["current_value"]) == ("123456.78", "123456.78")
    assert [p["value"] for p in data["value_history"]] == ["100000.00", "123456.78"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"value": 1500.5}, "value"),  # a float
        ({"value": "0.00"}, "value"),
        ({"value": "10.005"}, "value"),
        ({"value": "10.50", "currency": "JPY"}, "value"),
        ({"end_date": "2025-12-31"}, "end_date"),
        ({"billing_model": "hourly"}, "billing_model"),
    ],
)
def test_bad_contract_input_is_a_400_naming_the_field(as_alice, acme, overrides, field):
    response = as_alice.post("/api/v1/contracts/", contract_body(acme, **overrides), format="json")

    assert response.status_code == 400
    assert field in response.data
    assert not Contract.objects.exists()


def test_a_signed_contract_refuses_a_new_value_through_the_api(as_alice, acme):
    contract = ContractFactory(account=acme)

    response = as_alice.patch(f"/api/v1/contracts/{contract.pk}/", {"value": "1.00"}, format="json")

    assert response.status_code == 400
    assert list(response.data) == ["value"]


def test_signing_through_the_api(as_alice, acme):
    created = as_alice.post("/api/v1/contracts/", contract_body(acme, start_date="2026-01-01"), format="json").data

    response = as_alice.post(
        f"/api/v1/contracts/{created['id']}/sign/", {"signed_on": "2025-12-20", "signed_by": "Ivan"}, format="json"
    )

    assert response.status_code == 200
    assert (response.data["status"], response.data["signed_by"]) == ("active", "Ivan")


def test_amendments_filter_by_contract(as_alice, acme):
    one, two = ContractFactory(account=acme), ContractFactory(account=acme)
    for contract in (one, two):
        as_alice.post(
            "/api/v1/amendments/",
            {"contract": contract.pk, "effective_date": "2026-06-01", "new_value": "1.00"},
            format="json",
        )

    rows = as_alice.get(f"/api/v1/amendments/?contract={one.pk}").data["results"]

    assert [(r["contract"], r["kind"], r["new_value"], r["previous_value"]) for r in rows] == [
        (one.pk, "amendment", "1.00", "100000.00")
    ]


def test_renewals_list_the_upcoming_contracts_and_record_an_outcome(as_alice, acme):
    today = timezone.localdate()
    soon = ContractFactory(account=acme, end_date=today + datetime.timedelta(days=70), notice_days=30)
    ContractFactory(account=acme, end_date=today + datetime.timedelta(days=200))

    rows = as_alice.get("/api/v1/renewals/").data["results"]
    assert [(r["id"], r["contract"], r["days_to_end"], r["days_to_notice"], r["window"]) for r in rows] == [
        (soon.pk, soon.pk, 70, 40, 60)
    ]
    assert set(rows[0]) >= {
        "account",
        "number",
        "end_date",
        "notice_deadline",
        "value",
        "currency",
        "auto_renew",
        "notice_given_on",
    }
    assert as_alice.get("/api/v1/renewals/?within=30").data["results"] == []
    assert len(as_alice.get("/api/v1/renewals/?within=60").data["results"]) == 1
    assert as_alice.get("/api/v1/renewals/?within=7").status_code == 400

    new_end = (today + datetime.timedelta(days=415)).isoformat()
    body = {"contract": soon.pk, "outcome": "contracted", "new_value": "90000.00", "new_end_date": new_end}
    response = as_alice.post("/api/v1/renewals/", body, format="json")
    assert response.status_code == 201, response.data
    assert (response.data["outcome"], response.data["new_value"], response.data["decided_on"]) == (
        "contracted",
        "90000.00",
        today.isoformat(),
    )
    again = as_alice.post("/api/v1/renewals/", {**body, "outcome": "churned", "new_value": None}, format="json")
    assert again.status_code == 400
    assert Renewal.objects.count() == 1


def test_renewals_filter_by_account(as_alice, org, alice, acme):
    labs = AccountFactory(organization=org, name="Labs", owner=alice)
    on_team(labs, alice)
    end = timezone.localdate() + datetime.timedelta(days=20)
    ContractFactory(account=acme, end_date=end)
    theirs = ContractFactory(account=labs, end_date=end)

    rows = as_alice.get(f"/api/v1/renewals/?account={labs.pk}").data["results"]

    assert [r["id"] for r in rows] == [theirs.pk]


def test_revenue_movements_come_per_month_with_totals_per_currency(as_alice, carol, acme):
    ContractFactory(account=acme, value=Decimal("100000.00"), start_date=d(2026, 2, 1))
    ContractFactory(account=acme, value=Decimal("900.00"), currency="EUR", start_date=d(2026, 2, 15))

    data = as_alice.get("/api/v1/revenue-movements/?from=2026-01&to=2026-02").data

    assert data["results"] == [
        {
            "month": "2026-02",
            "account": acme.pk,
            "account_name": "Acme",
            "currency": "EUR",
            "kind": "new",
            "before": "0.00",
            "after": "900.00",
            "amount": "900.00",
        },
        {
            "month": "2026-02",
            "account": acme.pk,
            "account_name": "Acme",
            "currency": "RUB",
            "kind": "new",
            "before": "0.00",
            "after": "100000.00",
            "amount": "100000.00",
        },
    ]
    assert data["totals"] == [
        {"month": "2026-02", "currency": "EUR", "kind": "new", "amount": "900.00"},
        {"month": "2026-02", "currency": "RUB", "kind": "new", "amount": "100000.00"},
    ]
    assert as_alice.get("/api/v1/revenue-movements/?from=2026-13").status_code == 400
    assert as_alice.get("/api/v1/revenue-movements/?from=2026-03&to=2026-01").status_code == 400


def test_revenue_movements_show_nothing_to_those_without_money(sam, clint, mallory, acme):
    ContractFactory(account=acme, start_date=d(2026, 2, 1))
    for person in (sam, clint, mallory):
        client = APIClient()
        client.force_authenticate(person)
        response = client.get("/api/v1/revenue-movements/?from=2026-01&to=2026-03")
        assert (response.status_code, response.data["results"]) == (200, [])
    assert APIClient().get("/api/v1/revenue-movements/").status_code == 401


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_contract_and_renewal_lists_keep_their_query_count(as_alice, acme):
    end = timezone.localdate() + datetime.timedelta(days=40)

    def add(n):
        for _ in range(n):
            contract = ContractFactory(account=acme, end_date=end)
            contract.amendments.create(
                organization=acme.organization, effective_date=contract.start_date, new_value=Decimal("5.00")
            )

    add(2)
    few = (_queries(as_alice, "/api/v1/contracts/"), _queries(as_alice, "/api/v1/renewals/"))
    add(18)
    many = (_queries(as_alice, "/api/v1/contracts/"), _queries(as_alice, "/api/v1/renewals/"))

    assert few == many


def test_contracts_filter_by_status_billing_model_account_and_manager(carol, acme, globex, bob):
    client = APIClient()
    client.force_authenticate(carol)
    retainer = ContractFactory(account=acme, number="R")
    fixed = ContractFactory(account=acme, number="F", billing_model="fixed", status="draft")
    bobs = ContractFactory(account=globex, number="B")

    def numbers(query: str) -> list[str]:
        return sorted(r["number"] for r in client.get(f"/api/v1/contracts/?{query}").data["results"])

    assert numbers("status=draft") == [fixed.number]
    assert numbers("billing_model=retainer") == sorted([retainer.number, bobs.number])
    assert numbers(f"account={acme.pk}") == sorted([retainer.number, fixed.number])
    assert numbers(f"manager={bob.pk}") == [bobs.number]
    assert numbers("q=acme") == sorted([retainer.number, fixed.number])
