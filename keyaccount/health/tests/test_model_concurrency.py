"""Two people changing the health model at the same moment (PostgreSQL): each change is checked against
what the other left, so together they cannot switch every weight off."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from keyaccount.core.tests.concurrency import POSTGRES_ONLY, at_the_same_moment
from keyaccount.health import services
from keyaccount.health.measures import DEFAULTS
from keyaccount.health.models import HealthMeasure

pytestmark = POSTGRES_ONLY


@pytest.mark.django_db(transaction=True)
def test_two_model_changes_at_once_cannot_leave_no_measure_counting(org, carol, dave, monkeypatch):
    services.model_for(org)
    read = services.measures_of

    def slow_read(organization_id):
        rows = read(organization_id)
        time.sleep(0.3)  # both changes have read the measures before either writes, unless one waits
        return rows

    monkeypatch.setattr(services, "measures_of", slow_read)
    all_but_recency_off = [{"key": str(key), "enabled": False} for key in DEFAULTS if key != "contact_recency"]

    def change(actor, measures):
        def call():
            try:
                services.update_model(actor=actor, red_below=40, green_from=70, measures=measures)
                return "saved"
            except ValidationError as refused:
                return sorted(refused.message_dict)

        return call

    outcomes = at_the_same_moment(
        change(carol, all_but_recency_off), change(dave, [{"key": "contact_recency", "enabled": False}])
    )

    assert sorted(outcomes, key=str) == [["measures"], "saved"]
    assert HealthMeasure.objects.filter(organization=org, enabled=True, weight__gt=0).exists()
