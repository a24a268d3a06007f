"""The money walk-through of docs/api.md, step by step, so the documentation stays true."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from keyaccount.billing.models import Invoice, Payment


@pytest.fixture
def frozen_today(monkeypatch):
    """The walk-through happens in 2026; "today" is fixed so contract signing and renewals read alike."""
    from django.utils import timezone

    day = datetime.date(2026, 11, 20)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


def test_the_documented_money_walk_through_answers_as_documented(api, alice, acme, frozen_today):
    api.force_authenticate(alice)
    contract = api.post(
        "/api/v1/contracts/",
        {
            "number": "C-2026-014",
            "account": acme.pk,
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "billing_model": "retainer",
            "value": "150000.00",
            "currency": "RUB",
            "payment_terms_days": 10,
            "auto_renew": True,
            "notice_days": 30,
        },
        format="json",
    )
    assert contract.status_code == 201, contract.data
    cid = contract.data["id"]
    signed = api.post(
        f"/api/v1/contracts/{cid}/sign/", {"signed_on": "2025-12-20", "signed_by": "Ivan Petrov, CEO"}, format="json"
    )
    assert signed.status_code == 200, signed.data
    amendment = api.post(
        "/api/v1/amendments/",
        {"contract": cid, "effective_date": "2026-04-01", "new_value": "180000.00", "number": "1"},
        format="json",
    )
    assert amendment.status_code == 201, amendment.data

    draft = api.post(
        "/api/v1/invoices/generate/",
        {"contract": cid, "period_start": "2026-03-01", "issue_date": "2026-03-01"},
        format="json",
    )
    assert draft.status_code == 201, draft.data
    assert draft.data["status"] == "draft"
    assert draft.data["due_date"] == "2026-03-11"
    assert draft.data["total"] == "150000.00"  # March, before the amendment
    assert draft.data["lines"][0]["unit_price"] == "150000.00"
    issued = api.post(f"/api/v1/invoices/{draft.data['id']}/issue/")
    assert issued.status_code == 200, issued.data
    assert issued.data["open_amount"] == "150000.00"

    body = {
        "account": acme.pk,
        "date": "2026-03-14",
        "amount": "200000.00",
        "currency": "RUB",
        "reference": "PP 418",
        "allocations": [{"invoice": draft.data["id"], "amount": "150000.00"}],
    }
    first = api.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="bank-2026-03-14-0042")
    again = api.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="bank-2026-03-14-0042")
    other = api.post(
        "/api/v1/payments/",
        {**body, "amount": "1.00", "allocations": []},
        format="json",
        HTTP_IDEMPOTENCY_KEY="bank-2026-03-14-0042",
    )
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.data == first.data
    assert Payment.objects.count() == 1
    assert first.data["unallocated"] == "50000.00"
    assert Invoice.objects.get(pk=draft.data["id"]).status == "paid"

    receivables = api.get("/api/v1/receivables/?as_of=2026-03-31")
    assert receivables.status_code == 200
    assert receivables.data["results"] == []  # paid in full: nothing is owed

    renewals = api.get("/api/v1/renewals/?within=90")
    assert [row["contract"] for row in renewals.data["results"]] == [cid]
    outcome = api.post(
        "/api/v1/renewals/",
        {
            "contract": cid,
            "outcome": "expanded",
            "new_value": "200000.00",
            "new_end_date": "2027-12-31",
            "decided_on": "2026-11-20",
        },
        format="json",
    )
    assert outcome.status_code == 201, outcome.data
    after = api.get(f"/api/v1/contracts/{cid}/")
    assert after.data["end_date"] == "2027-12-31"
    assert Decimal(after.data["mrr"]) == Decimal("180000.00")  # the new value starts on 1 January
