"""Permission-matrix rows of receivables and acts (gathered by keyaccount/billing/tests/matrix.py).

A receivables row is computed, its id is `<account id>-<currency>`: acme's issued invoice 2026-001
(100 000.00, 40 000.00 paid) leaves 60 000.00 RUB open today.
"""

from __future__ import annotations

from types import SimpleNamespace

from keyaccount.core.tests.matrix_support import Endpoint

ENDPOINTS = [
    Endpoint(
        "receivables",
        target=lambda w: SimpleNamespace(pk=f"{w.acme.pk}-RUB"),
        expect={
            #            anon alice bob ann sam sally carol dave clint mallory
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  200  200  200  404  404",
        },
    ),
    Endpoint(
        "acts",
        target=lambda w: w.act,
        create=lambda w: {
            "account": w.acme.pk,
            "contract": w.contract.pk,
            "number": "ACT-02",
            "period_start": "2026-02-01",
            "period_end": "2026-02-28",
            "amount": "100000.00",
        },
        update=lambda w: {"note": "Sent by courier"},
        actions={"send": lambda w: {"sent_on": "2026-02-03"}, "sign": lambda w: {"signed_on": "2026-02-10"}},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "update": "  401  200  404  200  403  403  200  200  403  404",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
            "send": "    401  200  404  200  403  403  200  200  403  404",
            "sign": "    401  200  404  200  403  403  200  200  403  404",
        },
    ),
]
