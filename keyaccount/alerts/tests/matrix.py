"""The alerts app's rows of the API permission matrix (core/tests/test_api_matrix.py): the models it
fingerprints, the records it adds to the matrix world, and its endpoints.

acme dropped from green to red on 2026-03-01: one open alert with the red playbook's three tasks for
alice; the organization has its default playbooks (created by that first alert).
"""

from __future__ import annotations

import datetime
from typing import Any

from keyaccount.alerts.models import Alert, AlertTask, Playbook, PlaybookSeed, PlaybookStep
from keyaccount.core.tests.matrix_support import Endpoint

MODELS: list[Any] = [Alert, AlertTask, Playbook, PlaybookStep, PlaybookSeed]


def records(org: Any, acme: Any, alice: Any) -> dict[str, Any]:
    from keyaccount.alerts.services import alerts_raise
    from keyaccount.alerts.tests.helpers import health

    on = datetime.date(2026, 3, 1)
    (alert,) = alerts_raise(
        account=acme, previous=health("green", 78, on=on), current=health("red", 32, on=on), as_of=on
    )
    return {
        "health_alert": alert,
        "red_playbook": Playbook.objects.get(organization=org, rule="band_drop", band="red"),
    }


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "health-alerts",
        target=lambda w: w.health_alert,
        actions={"close": lambda w: {"outcome": "resolved", "note": "Met the sponsor, plan agreed"}},
        expect={
            #            anon alice bob ann sam sally carol dave clint mallory
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  404  200  200  404  404",
            # Assistants see alerts but the account manager or a head closes them.
            "close": "   401  200  404  403  403  403  200  200  403  404",
        },
    ),
    Endpoint(
        "playbooks",
        target=lambda w: w.red_playbook,
        create=lambda w: {
            "rule": "band_drop",
            "band": "",
            "name": "Any drop",
            "steps": [{"title": "Call the client", "days_until_due": 1, "assignee": w.carol.pk}],
        },
        update=lambda w: {"name": "Red: act this week", "steps": [{"title": "Call the decision maker"}]},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  200  200  404  404  200  200  404  404",
            "create": "  401  403  403  403  403  403  201  201  403  403",
            "update": "  401  403  403  403  403  403  200  200  403  403",
            "delete": "  401  403  403  403  403  403  204  204  403  403",
        },
    ),
]
