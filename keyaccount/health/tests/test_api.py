"""The health API: shapes, who may read and change what on the plain paths, query budgets."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from keyaccount.core.tests.factories import AccountFactory, on_team
from keyaccount.health import services
from keyaccount.health.models import HealthModel, HealthSnapshot

from .conftest import TODAY

PEOPLE = ["anonymous", "alice", "bob", "ann", "sam", "sally", "carol", "dave", "clint", "mallory"]


def as_person(request, person: str) -> APIClient:
    client = APIClient()
    if person != "anonymous":
        client.force_authenticate(request.getfixturevalue(person))
    return client


def expect(row: str) -> dict[str, int]:
    return dict(zip(PEOPLE, map(int, row.split()), strict=True))


@pytest.fixture
def everyone(alice, bob, ann, sam, sally, carol, dave, clint, mallory, acme, globex, initech):
    return None


@pytest.fixture
def scored_acme(org, acme, fixed_values, today):
    """acme scored 30 days ago at 80 and today at 55: trend down."""
    fixed_values.set(acme, satisfaction=80)
    services.recompute(org, as_of=TODAY - datetime.timedelta(days=30))
    fixed_values.set(acme, satisfaction=40, overdue_receivables=70)
    services.recompute(org)
    return acme


def test_who_reads_an_accounts_health(request, everyone, scored_acme):
    answered = {p: as_person(request, p).get(f"/api/v1/accounts/{scored_acme.pk}/health/").status_code for p in PEOPLE}

    #                        anon alice bob ann sam sally carol dave clint mallory
    assert answered == expect("401  200  404 200 404  200  200   200  404   404")


def test_who_reads_and_changes_the_model(request, everyone):
    body = {"red_below": 30, "green_from": 60}
    read = {p: as_person(request, p).get("/api/v1/health-model/").status_code for p in PEOPLE}
    changed = {}
    for p in PEOPLE:
        changed[p] = as_person(request, p).put("/api/v1/health-model/", body, format="json").status_code
        HealthModel.objects.filter(red_below=30).update(red_below=40, green_from=70)

    #                    anon alice bob ann sam sally carol dave clint mallory
    assert read == expect("401  200  200 200 403  200  200   200  403   200")
    assert changed == expect("401 403  403 403 403  403  200   200  403   403")


def test_an_accounts_health_explains_every_measure_and_the_trend(api, alice, scored_acme):
    api.force_authenticate(alice)

    data = api.get(f"/api/v1/accounts/{scored_acme.pk}/health/").json()

    # satisfaction 40 × 10/25 + overdue receivables 70 × 15/25 = 16 + 42 = 58 → yellow; 30 days ago 80.
    assert {k: data[k] for k in ("account", "score", "band", "trend", "computed_for", "compared_with")} == {
        "account": scored_acme.pk,
        "score": 58,
        "band": "yellow",
        "trend": "down",
        "computed_for": "2026-03-31",
        "compared_with": "2026-03-01",
    }
    by_key = {m["key"]: m for m in data["measures"]}
    assert len(by_key) == 10
    assert {k: by_key["overdue_receivables"][k] for k in ("value", "weight", "contribution")} == {
        "value": 70,
        "weight": "0.6000",
        "contribution": "42.0000",
    }
    assert by_key["contact_recency"]["value"] is None and by_key["contact_recency"]["weight"] == "0.0000"
    assert by_key["satisfaction"]["label"] == "Latest CSAT and NPS"
    assert isinstance(by_key["satisfaction"]["description"], str)
    assert isinstance(data["changes"], list)


def test_an_account_never_scored_is_unknown(api, alice, acme):
    api.force_authenticate(alice)

    data = api.get(f"/api/v1/accounts/{acme.pk}/health/").json()

    assert (data["score"], data["band"], data["trend"], data["measures"]) == (None, "unknown", None, [])


def test_the_scores_list_filters_by_band_and_owner(api, org, carol, bob, acme, globex, fixed_values, today):
    fixed_values.set(acme, satisfaction=20)
    fixed_values.set(globex, satisfaction=90)
    services.recompute(org)
    api.force_authenticate(carol)

    everything = api.get("/api/v1/health-scores/").json()["results"]
    red = api.get("/api/v1/health-scores/?band=red").json()["results"]
    bobs = api.get(f"/api/v1/health-scores/?owner={bob.pk}").json()["results"]

    assert [(r["account_name"], r["score"], r["band"], r["trend"]) for r in everything] == [
        ("Acme", 20, "red", None),
        ("Globex", 90, "green", None),
    ]
    assert [r["account"] for r in red] == [acme.pk]
    assert [r["account"] for r in bobs] == [globex.pk]
    assert api.get("/api/v1/health-scores/?band=purple").status_code == 400


def _add_scored_accounts(org, owner, head, first, n, fixed_values):
    """n accounts of `owner`, each scored, with a snapshot 40 days ago (for the trend) and an assessment."""
    for i in range(first, first + n):
        account = AccountFactory(organization=org, owner=owner, name=f"Client {i:02}")
        on_team(account, owner)
        fixed_values.set(account, satisfaction=10 + i)
        HealthSnapshot.objects.create(
            organization=org, account=account, on=TODAY - datetime.timedelta(days=40), score=50
        )
        services.record_assessment(
            actor=head, account=account, value=50, comment="x", expires_on=TODAY + datetime.timedelta(days=5)
        )
    services.recompute(org)


@pytest.mark.parametrize("path", ["/api/v1/health-scores/", "/api/v1/health-assessments/"])
def test_the_lists_run_the_same_queries_for_2_and_20_accounts(api, org, carol, alice, fixed_values, today, path):
    api.force_authenticate(carol)
    _add_scored_accounts(org, alice, carol, 0, 2, fixed_values)
    with CaptureQueriesContext(connection) as two:
        assert len(api.get(path).json()["results"]) == 2
    _add_scored_accounts(org, alice, carol, 2, 18, fixed_values)

    with CaptureQueriesContext(connection) as twenty:
        assert len(api.get(path).json()["results"]) == 20

    assert len(twenty) == len(two)


def test_the_model_reads_with_each_measures_share(api, alice, org):
    api.force_authenticate(alice)

    data = api.get("/api/v1/health-model/").json()

    assert (data["red_below"], data["green_from"], data["version"]) == (40, 70, 1)
    recency = next(m for m in data["measures"] if m["key"] == "contact_recency")
    assert (recency["weight"], recency["share"], recency["enabled"]) == (15, "0.1500", True)  # 15 of 100


def test_a_head_changes_the_model_and_a_bad_one_names_the_field(api, carol, org):
    api.force_authenticate(carol)

    saved = api.put(
        "/api/v1/health-model/",
        {"red_below": 35, "green_from": 75, "measures": [{"key": "satisfaction", "weight": 30}], "version": 1},
        format="json",
    )
    stale = api.put("/api/v1/health-model/", {"red_below": 30, "green_from": 60, "version": 1}, format="json")
    disorder = api.put("/api/v1/health-model/", {"red_below": 80, "green_from": 60}, format="json")
    zero = api.put(
        "/api/v1/health-model/",
        {
            "red_below": 30,
            "green_from": 60,
            "measures": [{"key": k, "enabled": False} for k in services.health_measures.DEFAULTS],
        },
        format="json",
    )
    bad_weight = api.put(
        "/api/v1/health-model/",
        {"red_below": 30, "green_from": 60, "measures": [{"key": "satisfaction", "params": {"days": 3}}]},
        format="json",
    )

    assert saved.status_code == 200
    assert next(m for m in saved.json()["measures"] if m["key"] == "satisfaction")["share"] == "0.2500"  # 30 of 120
    assert stale.status_code == 409
    assert (disorder.status_code, list(disorder.json())) == (400, ["green_from"])
    assert (zero.status_code, list(zero.json())) == (400, ["measures"])
    assert (bad_weight.status_code, list(bad_weight.json())) == (400, ["measures.satisfaction.params"])
    model = HealthModel.objects.get(organization=org)
    assert (model.red_below, model.green_from, model.version) == (35, 75, 2)


def test_an_assessment_is_recorded_through_the_api(api, alice, acme, today):
    api.force_authenticate(alice)

    created = api.post(
        "/api/v1/health-assessments/",
        {"account": acme.pk, "value": 25, "comment": "", "expires_on": "2026-05-01"},
        format="json",
    )
    ok = api.post(
        "/api/v1/health-assessments/",
        {"account": acme.pk, "value": 25, "comment": "Budget cut announced", "expires_on": "2026-05-01"},
        format="json",
    )

    assert created.status_code == 400 and "comment" in created.json()
    assert ok.status_code == 201
    assert {k: ok.json()[k] for k in ("account", "value", "author", "author_name")} == {
        "account": acme.pk,
        "value": 25,
        "author": alice.pk,
        "author_name": "Alice",
    }
