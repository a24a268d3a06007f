"""The surveys app's rows of the API permission matrix (core/tests/test_api_matrix.py): the models it
fingerprints, the records it adds to the matrix world, and its endpoints.

acme's contact Vera (with an email) answered a CSAT survey with 5; `create` sends her another one. Surveys
are for the people who look after the relationship: specialists, sales and clients never see them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from keyaccount.contacts.models import Contact
from keyaccount.core.tests.matrix_support import Endpoint
from keyaccount.surveys.models import Survey

MODELS: list[Any] = [Survey]
ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "surveys",
        target=lambda w: w.survey,
        create=lambda w: {"account": w.acme.pk, "contacts": [w.vera.pk], "kind": "csat"},
        expect={
            #            anon alice bob ann sam sally carol dave clint mallory
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  404  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
        },
    ),
]


def records(org: Any, acme: Any, alice: Any) -> dict[str, Any]:
    now = timezone.now()
    vera = Contact.objects.create(organization=org, account=acme, name="Vera", email="vera@acme.example")
    survey = Survey.objects.create(
        organization=org,
        account=acme,
        contact=vera,
        kind="csat",
        email=vera.email,
        sent_at=now - datetime.timedelta(days=3),
        expires_at=now + datetime.timedelta(days=11),
        sent_by=alice,
        answered_at=now - datetime.timedelta(days=1),
        score=5,
        comment="Great reports",
    )
    return {"vera": vera, "survey": survey}
