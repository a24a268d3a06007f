"""The contract, renewals and revenue pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keyaccount.billing.models import Amendment, Contract, Renewal
from keyaccount.billing.tests.factories import ContractFactory

d = datetime.date


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def test_the_contract_page_shows_terms_value_over_time_and_its_forms(signed_in, acme):
    contract = ContractFactory(account=acme, number="C-77", auto_renew=True)
    Amendment.objects.create(
        organization=acme.organization, contract=contract, effective_date=d(2026, 4, 1), new_value=Decimal("120000.00")
    )

    response = signed_in.get(reverse("billing:contract_detail", args=[contract.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "C-77" in body and "120000.00" in body and "100000.00" in body
    assert 'action="{}"'.format(reverse("billing:amendment_add", args=[contract.pk])) in body
    assert 'action="{}"'.format(reverse("billing:contract_notice", args=[contract.pk])) in body


def test_specialists_clients_and_outsiders_never_open_a_contract(client, sam, clint, bob, mallory, acme):
    contract = ContractFactory(account=acme)
    for person, code in ((sam, 403), (clint, 403), (bob, 404), (mallory, 404)):
        client.force_login(person)
        assert client.get(reverse("billing:contract_detail", args=[contract.pk])).status_code == code
        assert client.get(reverse("billing:contract_list")).status_code in (403, 200)


def test_creating_a_contract_from_the_page(signed_in, acme):
    url = reverse("billing:contract_create") + f"?account={acme.pk}"
    form = {
        "number": "C-9",
        "billing_model": "retainer",
        "start_date": "2026-01-01",
        "end_date": "2025-12-31",
        "value": "1000.00",
        "currency": "RUB",
        "tax_rate": "20",
        "payment_terms_days": "10",
        "notice_days": "30",
    }

    refused = signed_in.post(url, form)
    assert refused.status_code == 200
    assert "The end date cannot be before the start date." in refused.content.decode()
    assert not Contract.objects.exists()

    created = signed_in.post(url, {**form, "end_date": "2026-12-31"})
    contract = Contract.objects.get()
    assert created.status_code == 302
    assert (contract.number, contract.status, contract.tax_rate) == ("C-9", "draft", Decimal("20.00"))


def test_a_bad_amendment_reopens_the_form_with_the_error(signed_in, acme):
    contract = ContractFactory(account=acme)

    response = signed_in.post(
        reverse("billing:amendment_add", args=[contract.pk]),
        {"amendment-effective_date": "2027-03-01", "amendment-new_value": "5.00"},
    )

    assert response.status_code == 200
    assert "The date must fall within the contract&#x27;s term." in response.content.decode()
    assert not Amendment.objects.exists()


def test_signing_from_the_page(signed_in, acme):
    contract = ContractFactory(account=acme, status="draft")

    response = signed_in.post(
        reverse("billing:contract_sign", args=[contract.pk]),
        {"sign-signed_on": "2025-12-20", "sign-signed_by": "Ivan", "sign-version": contract.version},
    )

    assert response.status_code == 302
    assert Contract.objects.get().status == "active"


def test_the_renewals_page_records_an_outcome_inline(signed_in, acme):
    end = timezone.localdate() + datetime.timedelta(days=20)
    contract = ContractFactory(account=acme, number="R-1", end_date=end)

    page = signed_in.get(reverse("billing:renewal_list"))
    assert f'id="renewal-{contract.pk}"' in page.content.decode()

    response = signed_in.post(
        reverse("billing:renewal_add", args=[contract.pk]),
        {"next": "renewals", f"r{contract.pk}-outcome": "churned", f"r{contract.pk}-decided_on": "2026-01-10"},
    )
    assert response.status_code == 302
    assert Renewal.objects.get().outcome == "churned"
    assert f'id="renewal-{contract.pk}"' not in signed_in.get(reverse("billing:renewal_list")).content.decode()


def test_the_revenue_page_shows_movements_per_currency(signed_in, acme):
    ContractFactory(account=acme, value=Decimal("100000.00"), start_date=d(2026, 2, 1))
    ContractFactory(account=acme, value=Decimal("900.00"), currency="EUR", start_date=d(2026, 2, 1))

    body = signed_in.get(reverse("billing:revenue") + "?from=2026-01&to=2026-03").content.decode()

    assert "100000.00" in body and "900.00" in body and "EUR" in body


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_contract_and_renewal_pages_keep_their_query_count(signed_in, acme):
    end = timezone.localdate() + datetime.timedelta(days=40)
    urls = [reverse("billing:contract_list"), reverse("billing:renewal_list"), reverse("billing:revenue")]

    def add(n):
        for _ in range(n):
            contract = ContractFactory(account=acme, end_date=end)
            contract.amendments.create(
                organization=acme.organization, effective_date=contract.start_date, new_value=Decimal("5.00")
            )

    add(2)
    few = [_count(signed_in, url) for url in urls]
    add(18)
    many = [_count(signed_in, url) for url in urls]

    assert few == many


def test_the_contract_list_filters_and_answers_htmx_with_the_table_only(signed_in, acme):
    ContractFactory(account=acme, number="KEEP", billing_model="fixed")
    ContractFactory(account=acme, number="HIDE")

    response = signed_in.get(reverse("billing:contract_list") + "?billing_model=fixed", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="contract-results"')
    assert "KEEP" in body and "HIDE" not in body
