"""REST API of the money side, one module per area; `register` puts every viewset on the router."""

from __future__ import annotations

from typing import Any


def register(router: Any) -> None:
    from keyaccount.billing.api import contracts, invoices, payments, receivables, renewals

    for area in (contracts, renewals, invoices, payments, receivables):
        area.register(router)
