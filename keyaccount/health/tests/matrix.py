"""The health app's rows of the API permission matrix (core/tests/test_api_matrix.py): the models it
fingerprints, the records it adds to the matrix world, and its endpoints.

Health is seen like money: by admins, heads, the account team's managers and assistants, and the
seller, on the accounts they see; specialists and clients get 404 for an account's health and empty
lists. The plain paths (`accounts/{id}/health/`, `health-model/`) have their own table in
health/tests/test_api.py.
"""

from __future__ import annotations

import datetime
from typing import Any

from keyaccount.core.tests.matrix_support import Endpoint
from keyaccount.health.models import HealthMeasure, HealthModel, HealthScore, HealthSnapshot, ManualAssessment

MODELS: list[Any] = [HealthModel, HealthMeasure, ManualAssessment, HealthScore, HealthSnapshot]


def records(org: Any, acme: Any, alice: Any) -> dict[str, Any]:
    """acme's current health (yellow, 55) and an assessment by alice."""
    today = datetime.date(2026, 3, 1)
    return {
        "acme_health": HealthScore.objects.create(
            organization=org,
            account=acme,
            on=today,
            score=55,
            band="yellow",
            measures=[{"key": "satisfaction", "value": 55, "weight": "1", "contribution": "55", "facts": {}}],
        ),
        "acme_assessment": ManualAssessment.objects.create(
            organization=org,
            account=acme,
            value=40,
            comment="The sponsor is leaving",
            expires_on=today + datetime.timedelta(days=60),
            author=alice,
        ),
    }


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "health-scores",
        target=lambda w: w.acme_health,
        expect={
            #            anon alice bob ann sam sally carol dave clint mallory
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  200  200  200  404  404",
        },
    ),
    Endpoint(
        "health-assessments",
        target=lambda w: w.acme_assessment,
        create=lambda w: {"account": w.acme.pk, "value": 70, "comment": "Renewal agreed", "expires_on": "2099-01-31"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
        },
    ),
]
