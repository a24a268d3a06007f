"""The health pages: the model settings (admins and heads), an account's health, the account page panel."""

from __future__ import annotations

import pytest
from django.test import Client

from keyaccount.health import services
from keyaccount.health.measures import DEFAULTS
from keyaccount.health.models import HealthMeasure, HealthModel, ManualAssessment


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def settings_post(org, **changes) -> dict:
    """The settings form as shown, with `changes` applied."""
    model = services.model_for(org)
    data = {"red_below": model.red_below, "green_from": model.green_from, "version": model.version}
    for m in services.measures_of(org.pk):
        data[f"{m.key}-weight"] = m.weight
        if m.enabled:
            data[f"{m.key}-enabled"] = "on"
        data[f"{m.key}-alert_below"] = "" if m.alert_below is None else m.alert_below
        for name, value in DEFAULTS[m.key].params.items():
            data[f"{m.key}-{name}"] = (m.params or {}).get(name, value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(("person", "status"), [("carol", 200), ("dave", 200), ("alice", 403), ("sam", 403)])
def test_the_settings_page_is_for_admins_and_heads(request, org, person, status):
    assert signed_in(request.getfixturevalue(person)).get("/health/settings/").status_code == status


def test_a_head_saves_the_model_from_the_page(org, carol):
    response = signed_in(carol).post(
        "/health/settings/",
        settings_post(
            org,
            red_below=35,
            **{"satisfaction-weight": 25, "decision_maker_engaged-days": 45, "sentiment_trend-enabled": None},
        ),
    )

    assert response.status_code == 302
    model = HealthModel.objects.get(organization=org)
    assert (model.red_below, model.version) == (35, 2)
    rows = {m.key: m for m in HealthMeasure.objects.filter(organization=org)}
    assert rows["satisfaction"].weight == 25
    assert rows["decision_maker_engaged"].params == {"days": 45}
    assert rows["sentiment_trend"].enabled is False


def test_the_page_shows_each_error_on_its_field_and_saves_nothing(org, carol):
    zero = {f"{k}-weight": 0 for k in DEFAULTS}

    disorder = signed_in(carol).post("/health/settings/", settings_post(org, red_below=80, green_from=60))
    weightless = signed_in(carol).post("/health/settings/", settings_post(org, **zero))

    assert disorder.status_code == 200 and disorder.context["form"].errors["green_from"]
    assert weightless.status_code == 200
    assert "add up to more than zero" in str(weightless.context["form"].non_field_errors())
    assert HealthModel.objects.get(organization=org).version == 1


def test_an_accounts_health_page_explains_the_score(org, alice, acme, fixed_values, today):
    fixed_values.set(acme, satisfaction=30, overdue_receivables=90)
    services.recompute(org)

    response = signed_in(alice).get(f"/health/accounts/{acme.pk}/")

    # 30 × 10/25 + 90 × 15/25 = 12 + 54 = 66 → yellow.
    assert response.status_code == 200
    assert response.context["health"].score == 66
    body = response.content.decode()
    assert 'data-band="yellow"' in body
    assert "Latest CSAT and NPS" in body and "60.0 %" in body  # overdue receivables' weight


@pytest.mark.parametrize("person", ["bob", "sam", "clint", "mallory"])
def test_an_accounts_health_page_is_not_found_for_who_does_not_see_it(request, acme, person):
    assert signed_in(request.getfixturevalue(person)).get(f"/health/accounts/{acme.pk}/").status_code == 404


def test_the_account_manager_records_an_assessment_on_the_page(alice, acme, today):
    client = signed_in(alice)

    refused = client.post(
        f"/health/accounts/{acme.pk}/", {"value": 20, "comment": "Budget cut", "expires_on": "2026-03-31"}
    )
    saved = client.post(
        f"/health/accounts/{acme.pk}/", {"value": 20, "comment": "Budget cut", "expires_on": "2026-04-30"}
    )

    assert refused.status_code == 200 and refused.context["form"].errors["expires_on"]
    assert saved.status_code == 302
    assert list(ManualAssessment.objects.values_list("value", "comment")) == [(20, "Budget cut")]


def test_a_seller_reads_the_page_but_cannot_assess(sally, acme):
    client = signed_in(sally)

    assert client.get(f"/health/accounts/{acme.pk}/").context["form"] is None
    assert (
        client.post(
            f"/health/accounts/{acme.pk}/", {"value": 20, "comment": "x", "expires_on": "2030-01-01"}
        ).status_code
        == 403
    )


def test_the_account_page_loads_the_health_panel_with_the_weakest_measures(org, alice, sam, acme, fixed_values, today):
    fixed_values.set(acme, satisfaction=30, overdue_receivables=90, contact_recency=100)
    services.recompute(org)

    page = signed_in(alice).get(f"/accounts/{acme.pk}/")
    panel = signed_in(alice).get(f"/health/accounts/{acme.pk}/panel/")

    assert f'hx-get="/health/accounts/{acme.pk}/panel/"' in page.content.decode()
    health = panel.context["health"]
    # (30 × 10 + 90 × 15 + 100 × 15) / 40 = 78.75 → 79. Points lost: satisfaction 10 × 70 = 700,
    # overdue receivables 15 × 10 = 150, contact recency none.
    assert (health.score, health.band, health.trend) == (79, "green", None)
    assert [r["key"] for r in health.reasons] == ["satisfaction", "overdue_receivables"]
    assert f'href="/health/accounts/{acme.pk}/"' in panel.content.decode()


@pytest.mark.parametrize("person", ["sam", "bob"])
def test_the_health_panel_is_not_found_for_who_does_not_see_health(request, acme, person):
    assert signed_in(request.getfixturevalue(person)).get(f"/health/accounts/{acme.pk}/panel/").status_code == 404
