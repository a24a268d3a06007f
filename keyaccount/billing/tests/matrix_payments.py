"""Rows of the API permission matrix for payments (see core/tests/test_api_matrix.py for the columns).

acme's payment of 50 000 has 40 000 put against invoice 2026-001 (100 000, 60 000 open) and 10 000 of
credit left, which `allocate` puts against the same invoice.
"""

from __future__ import annotations

from keyaccount.core.tests.matrix_support import Endpoint

ENDPOINTS = [
    Endpoint(
        "payments",
        target=lambda w: w.payment,
        create=lambda w: {
            "account": w.acme.pk,
            "date": "2026-02-15",
            "amount": "30000.00",
            "currency": "RUB",
            "reference": "PP 124",
            "allocations": [{"invoice": w.issued_invoice.pk, "amount": "25000.00"}],
        },
        actions={"allocate": lambda w: {"allocations": [{"invoice": w.issued_invoice.pk, "amount": "10000.00"}]}},
        expect={
            #            anon alice bob ann sam sally carol dave clint mallory
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
            "allocate": "401  200  404  200  403  403  200  200  403  404",
        },
    ),
]
