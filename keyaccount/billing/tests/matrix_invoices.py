"""Permission-matrix rows of invoices (see core/tests/test_api_matrix.py).

acme's invoice 2026-002 is a draft (it may be changed, issued, voided or deleted); 2026-001 is partly
paid, so voiding it is refused (400) to the people allowed to try: the allocation goes first.
"""

from __future__ import annotations

from keyaccount.core.tests.matrix_support import Endpoint

ENDPOINTS = [
    Endpoint(
        "invoices",
        target=lambda w: w.draft_invoice,
        create=lambda w: {
            "account": w.acme.pk,
            "contract": w.contract.pk,
            "issue_date": "2026-03-01",
            "currency": "RUB",
            "lines": [{"description": "SEO, March", "quantity": "1", "unit_price": "120000.00", "tax_rate": "20"}],
        },
        update=lambda w: {"note": "PO 4411"},
        actions={"issue": lambda w: {}, "void": lambda w: {"reason": "Made twice"}},
        expect={
            #            anon alice bob ann sam sally carol dave clint mallory
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "update": "  401  200  404  200  403  403  200  200  403  404",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
            "issue": "   401  200  404  200  403  403  200  200  403  404",
            "void": "    401  200  404  200  403  403  200  200  403  404",
        },
    ),
    Endpoint(
        "invoices",
        target=lambda w: w.issued_invoice,
        update=lambda w: {"note": "Too late"},
        actions={"issue": lambda w: {}, "void": lambda w: {"reason": "Wrong entity"}},
        expect={
            # Issued and partly paid: not changed, not issued again, not voided while a payment is on it.
            "update": "  401  400  404  400  403  403  400  400  403  404",
            "delete": "  401  400  404  400  403  403  400  400  403  404",
            "issue": "   401  400  404  400  403  403  400  400  403  404",
            "void": "    401  400  404  400  403  403  400  400  403  404",
        },
    ),
]
