"""The shared CSV/XLSX writers of the money side (keyaccount/billing/exports.py)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from keyaccount.billing.exports import csv_response, export_response, rows_to_csv, rows_to_xlsx

HEADERS = ["Number", "Issued", "Total", "Note"]
ROWS = [
    ["2026-001", datetime.date(2026, 1, 15), Decimal("120000.50"), "Февраль"],
    ["2026-002", datetime.date(2026, 2, 1), Decimal("0.10"), '=HYPERLINK("http://x")'],
    ["2026-003", None, Decimal("1E+3"), ""],
]


def test_it_writes_csv_that_parses_back_exactly():
    text = rows_to_csv(HEADERS, ROWS)
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == HEADERS
    assert parsed[1] == ["2026-001", "2026-01-15", "120000.50", "Февраль"]
    # A formula is kept as text; an exponent Decimal is written in plain digits.
    assert parsed[2][3] == '\'=HYPERLINK("http://x")'
    assert parsed[3] == ["2026-003", "", "1000", ""]
    assert Decimal(parsed[1][2]) == Decimal("120000.50")


def test_it_writes_xlsx_with_numbers_and_dates():
    book = openpyxl.load_workbook(io.BytesIO(rows_to_xlsx(HEADERS, ROWS, "Invoices: 2026/01")))
    sheet = book.active
    assert sheet.title == "Invoices 202601"
    assert [c.value for c in sheet[1]] == HEADERS
    total = sheet["C2"]
    assert total.data_type == "n"
    assert total.number_format == "#,##0.00"
    assert Decimal(str(total.value)) == Decimal("120000.50")
    assert Decimal(str(sheet["C3"].value)).quantize(Decimal("0.01")) == Decimal("0.10")
    assert sheet["B2"].value == datetime.datetime(2026, 1, 15)
    assert sheet["B2"].is_date
    assert sheet["D2"].value == "Февраль"
    assert sheet["D3"].data_type == "s"
    assert sheet["D3"].value == '=HYPERLINK("http://x")'


def test_it_sends_csv_with_a_byte_order_mark_for_spreadsheets():
    response = csv_response("invoices", HEADERS, ROWS[:1])
    assert response["Content-Disposition"] == 'attachment; filename="invoices.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "Февраль" in response.content.decode("utf-8-sig")


def test_it_refuses_an_unknown_format():
    with pytest.raises(ValueError):
        export_response("pdf", "x", HEADERS, ROWS, "x")
