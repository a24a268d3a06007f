"""Permission-matrix rows of contracts, amendments and renewals (see core/tests/test_api_matrix.py).

acme's contract C-2026-01 is active (a draft is what may be signed or deleted, so those answer 400 to
the people allowed to try); its renewal row is the contract itself.
"""

from __future__ import annotations

from keyaccount.core.tests.matrix_support import Endpoint

ENDPOINTS = [
    Endpoint(
        "contracts",
        target=lambda w: w.contract,
        create=lambda w: {
            "number": "C-2026-09",
            "account": w.acme.pk,
            "start_date": "2026-09-01",
            "end_date": "2027-08-31",
            "billing_model": "retainer",
            "value": "90000.00",
            "currency": "RUB",
            "payment_terms_days": 10,
            "auto_renew": True,
            "notice_days": 30,
        },
        update=lambda w: {"title": "SEO retainer"},
        actions={
            "sign": lambda w: {"signed_on": "2026-01-01"},
            "terminate": lambda w: {"terminated_on": "2026-06-30", "reason": "The client closes the shop"},
            "notice": lambda w: {"given_on": "2026-10-01"},
        },
        expect={
            #            anon alice bob ann sam sally carol dave clint mallory
            "list": "     401  200  200  200  200  200  200  200  200  200",
            "retrieve": " 401  200  404  200  404  200  200  200  404  404",
            "create": "   401  201  400  201  403  403  201  201  403  400",
            "update": "   401  200  404  200  403  403  200  200  403  404",
            # Only a draft is deleted or signed; the target is active.
            "delete": "   401  400  404  400  403  403  400  400  403  404",
            "sign": "     401  400  404  400  403  403  400  400  403  404",
            "terminate": "401  200  404  200  403  403  200  200  403  404",
            "notice": "   401  200  404  200  403  403  200  200  403  404",
        },
    ),
    Endpoint(
        "contracts",
        target=lambda w: w.draft_contract,
        actions={"sign": lambda w: {"signed_on": "2026-11-20", "signed_by": "Ivan Petrov"}},
        expect={
            # The draft for next year: those who manage acme's money sign or delete it.
            "delete": "   401  204  404  204  403  403  204  204  403  404",
            "sign": "     401  200  404  200  403  403  200  200  403  404",
        },
    ),
    Endpoint(
        "amendments",
        target=lambda w: w.amendment,
        create=lambda w: {"contract": w.contract.pk, "effective_date": "2026-10-01", "new_value": "130000.00"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
        },
    ),
    Endpoint(
        "renewals",
        target=lambda w: w.contract,
        create=lambda w: {
            "contract": w.contract.pk,
            "outcome": "expanded",
            "new_value": "150000.00",
            "new_end_date": "2027-12-31",
            "decided_on": "2026-11-01",
        },
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
        },
    ),
]
