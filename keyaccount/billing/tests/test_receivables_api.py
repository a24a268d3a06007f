"""GET /api/v1/receivables/ (rows per account and currency), …/summary/ (totals and DSO) and …/export/."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.billing.tests.factories import invoice_with_lines, paid
from keyaccount.core.tests.factories import AccountFactory, on_team

D = datetime.date


@pytest.fixture
def book(acme, globex):
    """Seen on 2026-03-31:
    acme RUB  INV-1 due 11.01, 10 000.00 − 2 500.50 paid 01.02 = 7 499.50 open, 79 days → 61–90
              INV-2 due 10.04, 1 200.00 (1 000 + 20 %)                       → current
    acme EUR  INV-3 due 21.03, 300.00, 10 days                              → 1–30
    globex RUB INV-4 due 15.03, 5 000.00, 16 days                            → 1–30
    """
    inv1 = invoice_with_lines(
        acme, [("1", "10000.00", "0")], number="INV-1", issue_date=D(2026, 1, 1), due_date=D(2026, 1, 11)
    )
    paid(inv1, "2500.50", D(2026, 2, 1))
    invoice_with_lines(
        acme, [("1", "1000.00", "20")], number="INV-2", issue_date=D(2026, 3, 31), due_date=D(2026, 4, 10)
    )
    invoice_with_lines(
        acme, [("2", "150.00", "0")], number="INV-3", issue_date=D(2026, 3, 11), due_date=D(2026, 3, 21), currency="EUR"
    )
    invoice_with_lines(
        globex, [("1", "5000.00", "0")], number="INV-4", issue_date=D(2026, 3, 5), due_date=D(2026, 3, 15)
    )


def test_the_list_answers_rows_per_account_and_currency_in_decimal_strings(api, book, carol, acme, alice):
    api.force_authenticate(carol)

    response = api.get("/api/v1/receivables/", {"as_of": "2026-03-31"})

    assert response.status_code == 200
    rows = {(r["account_name"], r["currency"]): r for r in response.data["results"]}
    assert set(rows) == {("Acme", "RUB"), ("Acme", "EUR"), ("Globex", "RUB")}
    acme_rub = rows[("Acme", "RUB")]
    assert acme_rub == {
        "id": f"{acme.pk}-RUB",
        "account": acme.pk,
        "account_name": "Acme",
        "owner": alice.pk,
        "owner_name": "Alice",
        "currency": "RUB",
        "current": "1200.00",
        "days_1_30": "0.00",
        "days_31_60": "0.00",
        "days_61_90": "7499.50",
        "days_90_plus": "0.00",
        "total": "8699.50",
        "overdue": "7499.50",
        "invoice_count": 2,
        "oldest_overdue_invoice": {
            "id": acme_rub["oldest_overdue_invoice"]["id"],
            "number": "INV-1",
            "due_date": "2026-01-11",
        },
        "oldest_overdue_days": 79,
    }
    assert rows[("Acme", "EUR")]["days_1_30"] == "300.00"


def test_a_bad_as_of_answers_400_naming_it(api, book, carol):
    api.force_authenticate(carol)

    for path in ("/api/v1/receivables/", "/api/v1/receivables/summary/", "/api/v1/receivables/export/"):
        response = api.get(path, {"as_of": "31.03.2026"})
        assert response.status_code == 400, path
        assert "as_of" in response.data


def test_the_list_filters_by_account_owner_and_currency(api, book, carol, acme, bob, initech):
    api.force_authenticate(carol)
    url = "/api/v1/receivables/"

    def names(**params):
        data = api.get(url, {"as_of": "2026-03-31", **params}).data
        return sorted((r["account_name"], r["currency"]) for r in data["results"])

    assert names(account=acme.pk) == [("Acme", "EUR"), ("Acme", "RUB")]
    assert names(owner=bob.pk) == [("Globex", "RUB")]
    assert names(currency="EUR") == [("Acme", "EUR")]
    assert names(account=initech.pk) == []  # another organization's account matches nothing
    assert api.get(url, {"account": "acme"}).status_code == 400


def test_one_row_is_read_by_its_id(api, book, alice, acme, globex):
    api.force_authenticate(alice)

    row = api.get(f"/api/v1/receivables/{acme.pk}-EUR/", {"as_of": "2026-03-31"})

    assert row.status_code == 200 and row.data["total"] == "300.00"
    assert api.get(f"/api/v1/receivables/{globex.pk}-RUB/", {"as_of": "2026-03-31"}).status_code == 404
    assert api.get(f"/api/v1/receivables/{acme.pk}-USD/", {"as_of": "2026-03-31"}).status_code == 404


def test_the_summary_gives_totals_per_currency_per_manager_and_dso(api, book, carol):
    api.force_authenticate(carol)

    data = api.get(
        "/api/v1/receivables/summary/",
        {"as_of": "2026-03-31", "period_start": "2026-03-01", "period_end": "2026-03-31"},
    ).data

    # March: 31 days. Invoiced in March: RUB 1 200.00 (INV-2) + 5 000.00 (INV-4) = 6 200.00; EUR 300.00.
    # Open on 31.03: RUB 8 699.50 + 5 000.00 = 13 699.50; EUR 300.00.
    # DSO RUB = 13 699.50 ÷ 6 200.00 × 31 = 68.4975 → 68.5; EUR = 300 ÷ 300 × 31 = 31.0
    assert data["period_days"] == 31
    totals = {t["currency"]: t for t in data["totals"]}
    assert (totals["RUB"]["total"], totals["RUB"]["invoiced"], totals["RUB"]["dso"]) == ("13699.50", "6200.00", "68.5")
    assert (totals["EUR"]["total"], totals["EUR"]["dso"]) == ("300.00", "31.0")
    assert totals["RUB"]["oldest_overdue_invoice"]["number"] == "INV-1"
    # alice RUB: 8 699.50 ÷ 1 200.00 × 31 = 224.7370… → 224.7; bob RUB: 5 000 ÷ 5 000 × 31 = 31.0
    owners = [(o["owner_name"], o["currency"], o["total"], o["dso"]) for o in data["by_owner"]]
    assert owners == [
        ("Alice", "EUR", "300.00", "31.0"),
        ("Alice", "RUB", "8699.50", "224.7"),
        ("Bob", "RUB", "5000.00", "31.0"),
    ]


def test_the_summary_refuses_a_period_out_of_order(api, book, carol):
    api.force_authenticate(carol)

    response = api.get("/api/v1/receivables/summary/", {"period_start": "2026-03-31", "period_end": "2026-03-01"})

    assert response.status_code == 400 and "period_end" in response.data


def test_specialists_and_clients_see_no_money_anywhere(api, book, sam, clint):
    for person in (sam, clint):
        api.force_authenticate(person)
        assert api.get("/api/v1/receivables/", {"as_of": "2026-03-31"}).data["results"] == []
        assert api.get("/api/v1/receivables/summary/", {"as_of": "2026-03-31"}).data["totals"] == []
        exported = api.get("/api/v1/receivables/export/", {"as_of": "2026-03-31", "format": "csv"})
        assert len(list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))) == 1  # the header only


def test_the_export_is_csv_or_xlsx_with_exact_amounts(api, book, alice):
    api.force_authenticate(alice)

    response = api.get("/api/v1/receivables/export/", {"as_of": "2026-03-31", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="receivables-2026-03-31.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Account", "Account manager", "Currency", "Current"]
    assert rows[1:] == [
        [
            "Acme",
            "Alice",
            "EUR",
            "0.00",
            "300.00",
            "0.00",
            "0.00",
            "0.00",
            "300.00",
            "300.00",
            "INV-3",
            "2026-03-21",
            "10",
        ],
        [
            "Acme",
            "Alice",
            "RUB",
            "1200.00",
            "0.00",
            "0.00",
            "7499.50",
            "0.00",
            "8699.50",
            "7499.50",
            "INV-1",
            "2026-01-11",
            "79",
        ],
    ]

    xlsx = api.get("/api/v1/receivables/export/", {"as_of": "2026-03-31", "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    # A spreadsheet number, shown with two decimals: 61–90 days of acme RUB.
    assert Decimal(str(sheet.cell(row=3, column=7).value)) == Decimal("7499.50")
    assert sheet.cell(row=3, column=7).number_format == "#,##0.00"
    assert api.get("/api/v1/receivables/export/", {"format": "pdf"}).status_code == 400


def test_the_list_runs_the_same_queries_for_2_and_20_accounts(api, org, alice, carol):
    api.force_authenticate(carol)
    api.get("/api/v1/receivables/")

    def add(n):
        for _ in range(n):
            account = AccountFactory(organization=org, owner=alice)
            on_team(account, alice)
            invoice = invoice_with_lines(
                account, [("1", "100.00", "0")], number=f"N-{account.pk}", issue_date=D(2026, 1, 1)
            )
            paid(invoice, "10.00", D(2026, 1, 5))

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(path, {"as_of": "2026-03-31"})
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    add(2)
    few, first = count("/api/v1/receivables/")
    few_summary, _ = count("/api/v1/receivables/summary/")
    add(18)
    many, second = count("/api/v1/receivables/")
    many_summary, _ = count("/api/v1/receivables/summary/")
    assert (first.data["count"], second.data["count"]) == (2, 20)
    assert many == few
    assert many_summary == few_summary
