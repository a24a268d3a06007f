"""`/api/v1/payments/`: decimal strings in and out, field errors, filters, the Idempotency-Key header."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.billing.models import Invoice, Payment
from keyaccount.billing.services.payments import payment_record
from keyaccount.billing.tests.factories import invoice_with_lines
from keyaccount.core.models import IdempotencyKey

pytestmark = pytest.mark.django_db
d = datetime.date
URL = "/api/v1/payments/"


@pytest.fixture
def jan(acme):
    """1 × 10 000.00 + 20 % = 12 000.00."""
    return invoice_with_lines(acme, [("1", "10000.00", "20")], number="2026-001", issue_date=d(2026, 1, 1))


@pytest.fixture
def as_alice(api, alice):
    api.force_authenticate(alice)
    return api


def body(acme, jan, **overrides):
    return {
        "account": acme.pk,
        "date": "2026-01-20",
        "amount": "15000.00",
        "currency": "RUB",
        "reference": "PP 7",
        "allocations": [{"invoice": jan.pk, "amount": "12000.00"}],
        **overrides,
    }


def test_it_records_a_payment_and_answers_in_decimal_strings(as_alice, alice, acme, jan):
    response = as_alice.post(URL, body(acme, jan), format="json")

    assert response.status_code == 201, response.data
    data = response.json()
    assert data["amount"] == "15000.00"
    assert data["allocated_amount"] == "12000.00"
    assert data["unallocated"] == "3000.00"
    assert data["recorded_by"] == alice.pk
    assert data["allocations"] == [
        {"id": data["allocations"][0]["id"], "invoice": jan.pk, "invoice_number": "2026-001", "amount": "12000.00"}
    ]
    assert Invoice.objects.get(pk=jan.pk).status == "paid"


def test_it_refuses_a_float_amount_and_too_many_decimals(as_alice, acme, jan):
    response = as_alice.post(URL, body(acme, jan, amount="15000.005"), format="json")
    assert response.status_code == 400
    assert "amount" in response.data

    response = as_alice.post(URL, body(acme, jan, amount="0", allocations=[]), format="json")
    assert response.status_code == 400
    assert response.data == {"amount": ["The amount must be greater than zero."]}
    assert not Payment.objects.exists()


def test_a_payment_without_its_currency_is_refused_on_the_field(as_alice, acme, jan):
    data = body(acme, jan)
    del data["currency"]

    response = as_alice.post(URL, data, format="json")

    assert response.status_code == 400
    assert set(response.data) == {"currency"}
    assert not Payment.objects.exists()


def test_it_refuses_an_invoice_of_another_organization_naming_the_field(as_alice, acme, jan, initech):
    theirs = invoice_with_lines(initech, [("1", "10.00", "0")], number="I-1", issue_date=d(2026, 1, 1))

    response = as_alice.post(
        URL, body(acme, jan, allocations=[{"invoice": theirs.pk, "amount": "10.00"}]), format="json"
    )

    assert response.status_code == 400
    assert "invoice" in response.data["allocations"][0]
    assert not Payment.objects.exists()


def test_it_refuses_over_allocation_with_the_invoice_named(as_alice, acme, jan):
    response = as_alice.post(
        URL, body(acme, jan, allocations=[{"invoice": jan.pk, "amount": "12000.01"}]), format="json"
    )

    assert response.status_code == 400
    assert response.data == {
        "allocations": ["Invoice 2026-001 has 12000.00 RUB open; 12000.01 cannot be put against it."]
    }


def test_credit_is_allocated_later_through_allocate(as_alice, acme, jan):
    created = as_alice.post(URL, body(acme, jan, allocations=[]), format="json").json()
    assert created["unallocated"] == "15000.00"

    response = as_alice.post(
        f"{URL}{created['id']}/allocate/", {"allocations": [{"invoice": jan.pk, "amount": "5000.00"}]}, format="json"
    )

    assert response.status_code == 200, response.data
    assert (response.data["allocated_amount"], response.data["unallocated"]) == ("5000.00", "10000.00")
    assert Invoice.objects.get(pk=jan.pk).status == "partially_paid"

    empty = as_alice.post(f"{URL}{created['id']}/allocate/", {"allocations": []}, format="json")
    assert empty.status_code == 400


def test_deleting_through_the_api_reverses_the_allocations(as_alice, acme, jan):
    created = as_alice.post(URL, body(acme, jan), format="json").json()

    assert as_alice.delete(f"{URL}{created['id']}/").status_code == 204
    assert Invoice.objects.get(pk=jan.pk).status == "issued"


def test_there_is_no_update(as_alice, acme, jan):
    created = as_alice.post(URL, body(acme, jan), format="json").json()
    assert as_alice.patch(f"{URL}{created['id']}/", {"reference": "x"}, format="json").status_code == 405


def test_the_list_filters_by_account_currency_dates_and_invoice(api, carol, alice, acme, globex, jan):
    payment_record(actor=carol, account=acme, date=d(2026, 1, 10), amount=Decimal("1.00"), currency="RUB")
    usd = payment_record(actor=carol, account=acme, date=d(2026, 2, 10), amount=Decimal("2.00"), currency="USD")
    theirs = payment_record(actor=carol, account=globex, date=d(2026, 3, 10), amount=Decimal("3.00"), currency="RUB")
    paid_jan = payment_record(
        actor=carol,
        account=acme,
        date=d(2026, 1, 25),
        amount=Decimal("4.00"),
        currency="RUB",
        allocations=[{"invoice": jan, "amount": Decimal("4.00")}],
    )
    api.force_authenticate(carol)

    def ids(query: str) -> list[int]:
        return [row["id"] for row in api.get(f"{URL}?{query}").data["results"]]

    assert ids(f"account={globex.pk}") == [theirs.pk]
    assert ids("currency=USD") == [usd.pk]
    assert ids("date_from=2026-02-01&date_to=2026-02-28") == [usd.pk]
    assert ids(f"invoice={jan.pk}") == [paid_jan.pk]
    assert len(ids("has_credit=true")) == 3
    assert ids("account=999999") == []


def test_the_list_runs_the_same_queries_for_2_and_20_payments(api, carol, acme, jan):
    api.force_authenticate(carol)

    def record(n: int) -> None:
        for _ in range(n):
            payment_record(
                actor=carol,
                account=acme,
                date=d(2026, 1, 20),
                amount=Decimal("2.00"),
                currency="RUB",
                allocations=[{"invoice": jan, "amount": Decimal("1.00")}],
            )

    record(2)
    with CaptureQueriesContext(connection) as two:
        assert len(api.get(URL).data["results"]) == 2
    record(18)
    with CaptureQueriesContext(connection) as twenty:
        assert len(api.get(URL).data["results"]) == 20
    assert len(twenty) == len(two)


# --- Idempotency-Key ------------------------------------------------------------------------------


def test_a_repeat_with_the_same_key_answers_the_first_result_and_records_nothing(as_alice, acme, jan):
    first = as_alice.post(URL, body(acme, jan), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = as_alice.post(URL, body(acme, jan), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1
    assert Invoice.objects.get(pk=jan.pk).paid_amount == Decimal("12000.00")


def test_the_same_key_with_another_body_answers_422(as_alice, acme, jan):
    as_alice.post(URL, body(acme, jan), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    response = as_alice.post(URL, body(acme, jan, amount="15000.01"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 422
    assert "already used with a different request" in response.data["detail"]
    assert Payment.objects.count() == 1


def test_a_failed_request_leaves_no_key_and_the_retry_is_processed(as_alice, acme, jan):
    bad = body(acme, jan, allocations=[{"invoice": jan.pk, "amount": "99999.00"}])
    assert as_alice.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 400
    assert not IdempotencyKey.objects.exists()

    assert as_alice.post(URL, body(acme, jan), format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201
    assert Payment.objects.count() == 1


def test_keys_belong_to_a_person(api, alice, ann, acme, jan):
    api.force_authenticate(alice)
    assert api.post(URL, body(acme, jan, allocations=[]), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    api.force_authenticate(ann)
    assert api.post(URL, body(acme, jan, allocations=[]), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    assert Payment.objects.count() == 2


def test_an_empty_or_overlong_key_is_refused(as_alice, acme, jan):
    for key in (" ", "x" * 256):
        response = as_alice.post(URL, body(acme, jan), format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 400
        assert "Idempotency-Key" in response.data
    assert not Payment.objects.exists()


def test_the_schema_documents_the_header(as_alice):
    schema = as_alice.get("/api/v1/schema/?format=json").json()
    create = schema["paths"]["/api/v1/payments/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    assert "422" in create["responses"]


def test_a_json_number_with_a_fraction_is_refused_on_amount_so_money_never_passes_through_a_float(api, alice, acme):
    from keyaccount.billing.models import Payment

    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/payments/",
        {"account": acme.pk, "date": "2026-03-14", "amount": 100.1, "currency": "RUB"},
        format="json",
    )
    assert response.status_code == 400
    assert "decimal string" in str(response.data["amount"][0])
    assert not Payment.objects.exists()
