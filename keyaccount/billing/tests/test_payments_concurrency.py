"""Two payments recorded at the same moment (PostgreSQL): an invoice is never allocated more than its total,
and two requests with one Idempotency-Key record one payment."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from keyaccount.billing.models import Invoice, Payment, PaymentAllocation
from keyaccount.billing.services.payments import payment_record
from keyaccount.billing.tests.factories import invoice_with_lines
from keyaccount.core.models import IdempotencyKey
from keyaccount.core.tests.concurrency import POSTGRES_ONLY, at_the_same_moment

pytestmark = POSTGRES_ONLY
d = datetime.date


@pytest.mark.django_db(transaction=True)
def test_two_payments_at_the_same_moment_never_over_allocate_an_invoice(alice, ann, acme):
    # 12 000.00 open; each payment tries to put 8 000.00 against it: only one can.
    invoice = invoice_with_lines(acme, [("1", "10000.00", "20")], number="2026-001", issue_date=d(2026, 1, 1))

    def pay(actor) -> Callable[[], str]:
        def call() -> str:
            try:
                payment_record(
                    actor=actor,
                    account=acme,
                    date=d(2026, 1, 20),
                    amount=Decimal("8000.00"),
                    currency="RUB",
                    allocations=[{"invoice": invoice.pk, "amount": Decimal("8000.00")}],
                )
                return "recorded"
            except ValidationError as e:
                assert e.message_dict == {
                    "allocations": ["Invoice 2026-001 has 4000.00 RUB open; 8000.00 cannot be put against it."]
                }
                return "refused"

        return call

    assert sorted(at_the_same_moment(pay(alice), pay(ann))) == ["recorded", "refused"]
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.paid_amount, invoice.status) == (Decimal("8000.00"), "partially_paid")
    assert sum(a.amount for a in PaymentAllocation.objects.filter(invoice=invoice)) == Decimal("8000.00")
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_idempotency_key_at_the_same_moment_record_one_payment(alice, acme):
    invoice = invoice_with_lines(acme, [("1", "10000.00", "20")], number="2026-001", issue_date=d(2026, 1, 1))
    body = {
        "account": acme.pk,
        "date": "2026-01-20",
        "amount": "5000.00",
        "currency": "RUB",
        "allocations": [{"invoice": invoice.pk, "amount": "5000.00"}],
    }
    answers: list[tuple[int, dict]] = []

    def post() -> str:
        client = APIClient()
        client.force_authenticate(alice)
        response = client.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="same-moment")
        answers.append((response.status_code, response.json()))
        return str(response.status_code)

    assert at_the_same_moment(post, post) == ["201", "201"]
    assert answers[0] == answers[1]
    assert Payment.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
    assert Invoice.objects.get(pk=invoice.pk).paid_amount == Decimal("5000.00")
