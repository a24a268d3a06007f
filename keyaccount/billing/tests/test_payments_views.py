"""The payment pages: list with totals per currency, recording with suggested allocations, credit, deleting."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.billing.models import Invoice, Payment
from keyaccount.billing.services.payments import payment_record
from keyaccount.billing.tests.factories import invoice_with_lines

pytestmark = pytest.mark.django_db
d = datetime.date
LIST = "/money/payments/"
NEW = "/money/payments/new/"


@pytest.fixture
def jan(acme):
    """12 000.00, due 11 January."""
    return invoice_with_lines(acme, [("1", "10000.00", "20")], number="2026-001", issue_date=d(2026, 1, 1))


@pytest.fixture
def feb(acme):
    """6 000.00, due 11 February."""
    return invoice_with_lines(acme, [("1", "5000.00", "20")], number="2026-002", issue_date=d(2026, 2, 1))


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_list_shows_payments_with_totals_per_currency(client, alice, acme, jan):
    payment_record(
        actor=alice,
        account=acme,
        date=d(2026, 1, 20),
        amount=Decimal("15000.00"),
        currency="RUB",
        reference="PP 77",
        allocations=[{"invoice": jan, "amount": Decimal("12000.00")}],
    )
    payment_record(actor=alice, account=acme, date=d(2026, 2, 1), amount=Decimal("1500.50"), currency="RUB")
    payment_record(actor=alice, account=acme, date=d(2026, 2, 2), amount=Decimal("250.00"), currency="USD")

    page = signed_in(client, alice).get(LIST).content.decode()

    assert "PP 77" in page and "2026-001" in page
    # RUB: received 15 000.00 + 1 500.50 = 16 500.50, allocated 12 000.00, credit 4 500.50; USD apart.
    assert "16,500.50\u00a0RUB" in page
    assert "12,000.00\u00a0RUB" in page
    assert "4,500.50\u00a0RUB" in page
    assert "250.00\u00a0USD" in page


def test_a_filter_change_gets_only_the_results(client, alice, acme):
    payment_record(actor=alice, account=acme, date=d(2026, 1, 20), amount=Decimal("10.00"), currency="USD")

    response = signed_in(client, alice).get(f"{LIST}?currency=EUR", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"No payments match" in response.content


def test_the_list_runs_the_same_queries_for_2_and_20_payments(client, carol, acme, jan):
    signed_in(client, carol)

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
        assert client.get(LIST).status_code == 200
    record(18)
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(LIST).status_code == 200
    assert len(twenty) == len(two)


def test_specialists_and_clients_see_no_payments(client, sam, clint, bob, acme):
    payment = payment_record(
        actor=acme.owner, account=acme, date=d(2026, 1, 20), amount=Decimal("10.00"), currency="RUB"
    )
    for person in (sam, clint):
        assert signed_in(client, person).get(LIST).status_code == 403
        assert client.get(f"{LIST}{payment.pk}/").status_code == 404
    assert signed_in(client, bob).get(f"{LIST}{payment.pk}/").status_code == 404
    assert b"10.00" not in client.get(LIST).content


def test_the_form_from_an_invoice_starts_with_its_open_amount(client, alice, acme, jan, feb):
    page = signed_in(client, alice).get(f"{NEW}?account={acme.pk}&invoice={feb.pk}").content.decode()

    assert 'name="amount" value="6000.00"' in page
    assert f'name="invoice_{feb.pk}" value="6000.00"' in page
    assert f'name="invoice_{jan.pk}" value=' not in page


def test_changing_the_amount_suggests_allocations_oldest_first(client, alice, acme, jan, feb):
    response = signed_in(client, alice).get(
        f"{NEW}?account={acme.pk}&suggest=1&amount=15000&currency=RUB", HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert '<div id="allocations"' in page and "<html" not in page
    # 15 000: January's 12 000.00 first, the 3 000.00 left to February.
    assert f'name="invoice_{jan.pk}" value="12000.00"' in page
    assert f'name="invoice_{feb.pk}" value="3000.00"' in page


def test_recording_a_payment_through_the_form(client, alice, acme, jan, feb):
    response = signed_in(client, alice).post(
        f"{NEW}?account={acme.pk}",
        {
            "date": "2026-02-15",
            "amount": "20000.00",
            "currency": "RUB",
            "reference": "PP 9",
            f"invoice_{jan.pk}": "12000.00",
            f"invoice_{feb.pk}": "6000.00",
        },
    )

    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}{payment.pk}/"
    assert (payment.allocated_amount, payment.unallocated) == (Decimal("18000.00"), Decimal("2000.00"))
    assert Invoice.objects.get(pk=jan.pk).status == Invoice.objects.get(pk=feb.pk).status == "paid"


def test_the_form_shows_an_over_allocation_and_records_nothing(client, alice, acme, jan):
    response = signed_in(client, alice).post(
        f"{NEW}?account={acme.pk}",
        {"date": "2026-02-15", "amount": "20000.00", "currency": "RUB", f"invoice_{jan.pk}": "12000.01"},
    )

    assert response.status_code == 200
    assert "Invoice 2026-001 has 12000.00 RUB open; 12000.01 cannot be put against it." in response.content.decode()
    assert not Payment.objects.exists()


def test_the_form_asks_for_the_account_first_and_refuses_others(client, alice, bob, acme, globex):
    page = signed_in(client, alice).get(NEW).content.decode()
    assert "Acme" in page and "Globex" not in page
    assert client.get(f"{NEW}?account={globex.pk}").status_code == 404


def test_credit_is_put_against_invoices_on_the_payment_page(client, alice, acme, jan, feb):
    payment = payment_record(actor=alice, account=acme, date=d(2026, 1, 5), amount=Decimal("14000.00"), currency="RUB")
    page = signed_in(client, alice).get(f"{LIST}{payment.pk}/").content.decode()
    # The 14 000.00 of credit is suggested as 12 000.00 to January and 2 000.00 to February.
    assert f'name="invoice_{jan.pk}" value="12000.00"' in page
    assert f'name="invoice_{feb.pk}" value="2000.00"' in page

    response = client.post(f"{LIST}{payment.pk}/allocate/", {f"invoice_{jan.pk}": "12000.00"})

    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.unallocated == Decimal("2000.00")
    assert Invoice.objects.get(pk=jan.pk).status == "paid"


def test_allocating_too_much_credit_shows_the_error(client, alice, acme, jan):
    payment = payment_record(actor=alice, account=acme, date=d(2026, 1, 5), amount=Decimal("100.00"), currency="RUB")

    response = signed_in(client, alice).post(f"{LIST}{payment.pk}/allocate/", {f"invoice_{jan.pk}": "100.01"})

    assert response.status_code == 200
    assert "more than the 100.00 left of the payment" in response.content.decode()


def test_deleting_asks_first_then_opens_the_invoices_again(client, alice, acme, jan):
    payment = payment_record(
        actor=alice,
        account=acme,
        date=d(2026, 1, 20),
        amount=Decimal("12000.00"),
        currency="RUB",
        allocations=[{"invoice": jan, "amount": Decimal("12000.00")}],
    )
    signed_in(client, alice)

    assert "will be owed again" in client.get(f"{LIST}{payment.pk}/delete/").content.decode()
    assert Payment.objects.exists()

    response = client.post(f"{LIST}{payment.pk}/delete/")

    assert response.status_code == 302
    assert not Payment.objects.exists()
    assert Invoice.objects.get(pk=jan.pk).status == "issued"


def test_sales_see_the_payment_but_may_not_delete_it(client, sally, alice, acme):
    payment = payment_record(actor=alice, account=acme, date=d(2026, 1, 20), amount=Decimal("10.00"), currency="RUB")
    signed_in(client, sally)

    page = client.get(f"{LIST}{payment.pk}/")
    assert page.status_code == 200
    assert b"/delete/" not in page.content
    assert client.post(f"{LIST}{payment.pk}/delete/").status_code == 403
    assert Payment.objects.exists()


def test_in_russian_an_amount_with_a_comma_is_read(client, alice, acme, jan):
    signed_in(client, alice)
    client.cookies["django_language"] = "ru"

    response = client.post(
        f"{NEW}?account={acme.pk}",
        {"date": "2026-02-15", "amount": "12000,50", "currency": "RUB", f"invoice_{jan.pk}": "12000,00"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 302, response.content.decode()
    payment = Payment.objects.get()
    assert (payment.amount, payment.allocated_amount) == (Decimal("12000.50"), Decimal("12000.00"))
