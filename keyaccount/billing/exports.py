"""Tables of the money side as files a finance person opens: CSV and XLSX.

Every export (invoices, receivables…) builds `headers` and `rows` of plain values through its own
selector and hands them here. Decimals stay exact: in CSV they are written as plain decimal text
(`1234.50`, never `1.2345E+3`), in XLSX as numbers shown with two decimals; dates are dates in both.
Text that a spreadsheet would run as a formula (starting with =, +, -, @) is written as text.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # A leading quote keeps a spreadsheet from running the text as a formula (CSV injection).
    return "'" + text if text.startswith(_FORMULA_START) else text


def rows_to_csv(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The table as CSV text (comma-separated, quoted where needed, one header row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue()


def rows_to_xlsx(headers: Sequence[Any], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    """The table as an XLSX workbook of one sheet named `title`: Decimals as numbers with two decimals,
    dates as dates, a bold frozen header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    # Sheet names are at most 31 characters and may not contain []:*?/\
    sheet.title = "".join(c for c in str(title) if c not in "[]:*?/\\")[:31] or "Sheet"
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in headers]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, bool):
                cell.value = value
            elif isinstance(value, Decimal):
                cell.value = value
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, datetime.datetime):
                cell.value = value.replace(tzinfo=None) if value.tzinfo else value
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = DATE_FORMAT
            elif value is None or isinstance(value, int):
                cell.value = value
            else:
                text = str(value)
                cell.value = text
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if c <= len(widths):
                widths[c - 1] = max(widths[c - 1], len(_csv_value(value)))
            else:
                widths.append(len(_csv_value(value)))
    from openpyxl.utils import get_column_letter

    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_response(filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """A download of the table as `<filename>.csv`, UTF-8 with a byte-order mark so spreadsheet
    programs read Cyrillic right."""
    body = rows_to_csv(headers, rows).encode("utf-8-sig")
    response = HttpResponse(body, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], title: str) -> HttpResponse:
    """A download of the table as `<filename>.xlsx`."""
    response = HttpResponse(rows_to_xlsx(headers, rows, title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(
    fmt: str, filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], title: str
) -> HttpResponse:
    """`csv_response` or `xlsx_response` by `fmt` ("csv" or "xlsx"); anything else is a ValueError."""
    if fmt == "csv":
        return csv_response(filename, headers, rows)
    if fmt == "xlsx":
        return xlsx_response(filename, headers, rows, title)
    raise ValueError(_("Choose csv or xlsx."))
