"""The invoice API: decimal strings in and out, line errors in the nested shape, issue/void/generate,
the PDF and HTML documents, the CSV/XLSX export with the list's filters, and a constant query count."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyaccount.billing.models import Invoice
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines, paid

D = Decimal
day = datetime.date
URL = "/api/v1/invoices/"


def body(**extra):
    return {
        "issue_date": "2026-03-02",
        "lines": [
            {"description": "SEO, March", "quantity": "3", "unit_price": "33.33", "tax_rate": "20"},
            {"description": "Banner", "quantity": "1.5", "unit_price": "10.01", "tax_rate": "20"},
        ],
        **extra,
    }


@pytest.fixture
def as_alice(api, alice):
    api.force_authenticate(alice)
    return api


def test_it_creates_a_draft_and_answers_with_decimal_strings(as_alice, acme):
    response = as_alice.post(URL, body(account=acme.pk), format="json")
    assert response.status_code == 201, response.data
    data = response.json()
    # 3 × 33.33 = 99.99 + tax 20.00; 1.5 × 10.01 = 15.02 + tax 3.00
    assert data["lines"][0] | {} == {
        "description": "SEO, March",
        "quantity": "3.000",
        "unit_price": "33.33",
        "tax_rate": "20.00",
        "net": "99.99",
        "tax": "20.00",
        "total": "119.99",
    }
    assert (data["subtotal"], data["tax_total"], data["total"]) == ("115.01", "23.00", "138.01")
    assert (data["paid_amount"], data["open_amount"], data["status"]) == ("0.00", "0.00", "draft")
    assert data["number"] == "2026-001"
    assert data["due_date"] == "2026-03-12"  # the organization's default 10 days
    assert data["currency"] == "RUB"


def test_it_refuses_a_float_amount(as_alice, acme):
    payload = body(account=acme.pk)
    payload["lines"][0]["unit_price"] = 33.33
    response = as_alice.post(URL, payload, format="json")
    assert response.status_code == 400
    assert "unit_price" in response.data["lines"][0]
    assert Invoice.objects.count() == 0


def test_a_line_error_names_the_line_in_the_nested_shape(as_alice, acme):
    payload = body(account=acme.pk, currency="JPY")
    payload["lines"][0] |= {"quantity": "0", "unit_price": "33"}
    payload["lines"][1]["unit_price"] = "10.50"
    response = as_alice.post(URL, payload, format="json")
    assert response.status_code == 400
    lines = response.json()["lines"]
    assert len(lines) == 2
    assert list(lines[0]) == ["quantity"]
    assert "JPY" in lines[1]["unit_price"][0]
    assert Invoice.objects.count() == 0


def test_it_refuses_a_currency_other_than_the_contracts(as_alice, acme):
    contract = ContractFactory(account=acme, currency="RUB")
    response = as_alice.post(URL, body(account=acme.pk, contract=contract.pk, currency="EUR"), format="json")
    assert response.status_code == 400
    assert list(response.data) == ["currency"]


def test_it_refuses_another_organizations_contract_naming_the_field(as_alice, acme, initech):
    response = as_alice.post(URL, body(account=acme.pk, contract=ContractFactory(account=initech).pk), format="json")
    assert response.status_code == 400
    assert list(response.data) == ["contract"]


def test_it_replaces_the_lines_of_a_draft_and_refuses_a_stale_version(as_alice, acme):
    created = as_alice.post(URL, body(account=acme.pk), format="json").json()
    lines = [{"description": "All in", "quantity": "1", "unit_price": "1000.00", "tax_rate": "0"}]
    response = as_alice.patch(f"{URL}{created['id']}/", {"lines": lines, "version": 1}, format="json")
    assert response.status_code == 200, response.data
    assert (response.data["total"], len(response.data["lines"]), response.data["version"]) == ("1000.00", 1, 2)
    stale = as_alice.patch(f"{URL}{created['id']}/", {"note": "x", "version": 1}, format="json")
    assert stale.status_code == 409


def test_it_issues_and_voids_through_the_actions(as_alice, acme):
    created = as_alice.post(URL, body(account=acme.pk), format="json").json()
    issued = as_alice.post(f"{URL}{created['id']}/issue/", {}, format="json")
    assert issued.status_code == 200
    assert (issued.data["status"], issued.data["open_amount"]) == ("issued", "138.01")
    assert issued.data["issued_at"]
    edit = as_alice.patch(f"{URL}{created['id']}/", {"note": "late"}, format="json")
    assert edit.status_code == 400
    assert "void it" in edit.data["status"][0]
    refused = as_alice.post(f"{URL}{created['id']}/void/", {"reason": ""}, format="json")
    assert refused.status_code == 400
    voided = as_alice.post(f"{URL}{created['id']}/void/", {"reason": "Wrong entity"}, format="json")
    assert voided.status_code == 200
    assert (voided.data["status"], voided.data["void_reason"], voided.data["open_amount"]) == (
        "void",
        "Wrong entity",
        "0.00",
    )
    assert voided.data["voided_on"] == timezone.localdate().isoformat()


def test_it_generates_a_retainers_invoice_for_a_month(as_alice, acme):
    contract = ContractFactory(account=acme, value=D("50000.00"), title="Contextual ads")
    payload = {"contract": contract.pk, "period_start": "2026-02-01", "issue_date": "2026-02-01"}
    response = as_alice.post(f"{URL}generate/", payload, format="json")
    assert response.status_code == 201, response.data
    assert (response.data["period_start"], response.data["period_end"]) == ("2026-02-01", "2026-02-28")
    assert response.data["lines"][0]["description"] == "Contextual ads — February 2026"
    assert response.data["total"] == "50000.00"
    again = as_alice.post(f"{URL}generate/", payload, format="json")
    assert again.status_code == 400
    assert list(again.data) == ["period_start"]


def test_only_those_who_bill_acme_may_generate(api, acme, bob, sam, mallory, initech):
    contract = ContractFactory(account=acme)
    payload = {"contract": contract.pk, "period_start": "2026-02-01"}
    for person, expected in ((bob, 400), (sam, 403), (mallory, 400)):
        api.force_authenticate(person)
        assert api.post(f"{URL}generate/", payload, format="json").status_code == expected
    assert Invoice.objects.count() == 0


# --- documents --------------------------------------------------------------------------------------


@pytest.fixture
def issued(acme):
    invoice = invoice_with_lines(
        acme, [("3", "33.33", "20"), ("1", "1000.00", "0")], number="2026-017", issue_date=day(2026, 3, 2)
    )
    paid(invoice, "500.00", day(2026, 3, 10))
    return invoice


def test_the_pdf_is_a_pdf_and_loads_nothing_from_outside(as_alice, issued):
    response = as_alice.get(f"{URL}{issued.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = as_alice.get(f"{URL}{issued.pk}/html/")
    assert html.status_code == 200
    text = html.content.decode()
    assert "2026-017" in text
    # 119.99 + 1000.00 = 1,119.99; paid 500.00; due 619.99
    assert "1,119.99\u00a0RUB" in text
    assert "619.99\u00a0RUB" in text
    assert "DejaVu Sans" in text
    assert "http://" not in text and "https://" not in text and "//" not in text.replace("<!doctype", "")


def test_the_documents_are_hidden_from_those_who_see_no_money(api, issued, bob, sam, clint, mallory):
    for person in (bob, sam, clint, mallory):
        api.force_authenticate(person)
        assert api.get(f"{URL}{issued.pk}/pdf/").status_code == 404
        assert api.get(f"{URL}{issued.pk}/html/").status_code == 404


# --- export -----------------------------------------------------------------------------------------


@pytest.fixture
def ledger(acme, globex):
    today = timezone.localdate()
    late = invoice_with_lines(
        acme, [("1", "1000.00", "20")], number="X-1", issue_date=today - datetime.timedelta(days=40)
    )
    invoice_with_lines(acme, [("2", "500.00", "0")], number="X-2", issue_date=today, status="draft")
    invoice_with_lines(acme, [("1", "7000", "10")], number="X-3", issue_date=today, currency="JPY")
    invoice_with_lines(globex, [("1", "99.00", "0")], number="G-1", issue_date=today)
    return late


def test_it_exports_the_filtered_list_as_csv(as_alice, ledger):
    response = as_alice.get(f"{URL}export/?format=csv&status=issued&ordering=number")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["Number"] for r in rows] == ["X-1", "X-3"]  # globex is bob's, X-2 a draft
    assert (rows[0]["Total"], rows[0]["Open"], rows[0]["Days overdue"]) == ("1200.00", "1200.00", "30")
    assert (rows[1]["Currency"], rows[1]["Total"]) == ("JPY", "7700.00")
    overdue = as_alice.get(f"{URL}export/?format=csv&overdue=true")
    assert [r["Number"] for r in csv.DictReader(io.StringIO(overdue.content.decode("utf-8-sig")))] == ["X-1"]


def test_it_exports_xlsx_with_amounts_as_numbers(as_alice, ledger):
    response = as_alice.get(f"{URL}export/?format=xlsx&ordering=number")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"X-1", "X-2", "X-3"}
    assert D(str(rows["X-1"]["Total"])) == D("1200.00")
    assert D(str(rows["X-2"]["Subtotal"])) == D("1000.00")
    assert rows["X-1"]["Issue date"].date() == ledger.issue_date
    total_cell = sheet.cell(row=2, column=header.index("Total") + 1)
    assert total_cell.data_type == "n"
    assert total_cell.number_format == "#,##0.00"


def test_the_export_refuses_an_unknown_format_and_those_who_see_no_money(api, alice, sam, ledger):
    api.force_authenticate(alice)
    assert api.get(f"{URL}export/?format=json").status_code == 400
    api.force_authenticate(sam)
    response = api.get(f"{URL}export/?format=csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").strip().count("\n") == 0  # the header only
    assert api.get(f"{URL}export/?format=csv", HTTP_AUTHORIZATION="").status_code == 200
    api.force_authenticate(None)
    assert api.get(f"{URL}export/?format=csv").status_code == 401


# --- the list ---------------------------------------------------------------------------------------


def test_the_list_filters_and_shows_open_amounts(as_alice, ledger, acme):
    data = as_alice.get(f"{URL}?overdue=true").json()
    assert [r["number"] for r in data["results"]] == ["X-1"]
    assert data["results"][0]["open_amount"] == "1200.00"
    assert [r["number"] for r in as_alice.get(f"{URL}?currency=JPY").json()["results"]] == ["X-3"]
    assert as_alice.get(f"{URL}?account={acme.pk}&status=draft").json()["count"] == 1


def test_the_list_runs_the_same_queries_for_2_and_20_invoices(as_alice, acme):
    def add(n):
        for _ in range(n):
            invoice = invoice_with_lines(
                acme,
                [("1", "100.00", "20"), ("2", "10.00", "0")],
                number=f"Q-{Invoice.objects.count()}",
                issue_date=day(2026, 1, 1),
                contract=ContractFactory(account=acme),
            )
            paid(invoice, "10.00", day(2026, 1, 5))

    add(2)
    with CaptureQueriesContext(connection) as small:
        assert as_alice.get(URL).status_code == 200
    add(18)
    with CaptureQueriesContext(connection) as large:
        assert as_alice.get(URL).json()["count"] == 20
    assert len(large) == len(small)
