"""The invoice pages under /money/invoices/: the list with totals per currency, one invoice, the draft
form with its lines, issuing and voiding, invoicing a retainer for a month, print, PDF and export."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keyaccount.billing.models import Invoice
from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines, paid

D = Decimal
day = datetime.date
LIST = "/money/invoices/"


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def book(acme, globex):
    """acme: one invoice 40 days old and unpaid, one partly paid and not yet due, one in yen; globex: bob's."""
    today = timezone.localdate()
    late = invoice_with_lines(
        acme, [("1", "1000.00", "20")], number="A-1", issue_date=today - datetime.timedelta(days=40)
    )
    fresh = invoice_with_lines(acme, [("1", "500.00", "0")], number="A-2", issue_date=today)
    paid(fresh, "200.00", today)
    invoice_with_lines(acme, [("1", "7000", "10")], number="A-3", issue_date=today, currency="JPY")
    invoice_with_lines(globex, [("1", "99.00", "0")], number="G-1", issue_date=today)
    return late


def test_the_list_shows_totals_per_currency_of_what_the_filters_match(as_alice, book):
    response = as_alice.get(LIST)
    assert response.status_code == 200
    rows = response.context["totals"]
    # RUB: billed 1200.00 + 500.00 = 1700.00; unpaid 1200.00 + 300.00 = 1500.00; overdue 1200.00 (A-1, 30 days)
    assert [(r["currency"], r["count"], r["billed"], r["open"], r["overdue"]) for r in rows] == [
        ("JPY", 1, D("7700"), D("7700"), D("0")),
        ("RUB", 2, D("1700.00"), D("1500.00"), D("1200.00")),
    ]
    html = response.content.decode()
    assert "1,500.00\u00a0RUB" in html
    assert "7,700\u00a0JPY" in html  # yen without decimals
    assert "G-1" not in html  # bob's account
    overdue = as_alice.get(LIST, {"overdue": "true"})
    assert [r.invoice.number for r in overdue.context["rows"]] == ["A-1"]
    assert [(r["currency"], r["open"]) for r in overdue.context["totals"]] == [("RUB", D("1200.00"))]


def test_the_list_answers_htmx_with_the_table_only(as_alice, book):
    response = as_alice.get(LIST, {"currency": "JPY"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="invoice-results"')
    assert "A-3" in html and "A-1" not in html


def test_the_list_runs_the_same_queries_for_2_and_20_invoices(as_alice, acme):
    def add(n):
        for _ in range(n):
            invoice = invoice_with_lines(
                acme,
                [("1", "100.00", "20")],
                number=f"Q-{Invoice.objects.count()}",
                issue_date=day(2026, 1, 1),
                contract=ContractFactory(account=acme),
            )
            paid(invoice, "10.00", day(2026, 1, 5))

    add(2)
    with CaptureQueriesContext(connection) as small:
        assert as_alice.get(LIST).status_code == 200
    add(18)
    with CaptureQueriesContext(connection) as large:
        assert len(as_alice.get(LIST).context["rows"]) == 20
    assert len(large) == len(small)


def test_people_who_see_no_money_get_no_invoice_pages(client, sam, clint, book):
    for person in (sam, clint):
        client.force_login(person)
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("billing:invoice_detail", args=[book.pk])).status_code == 403


def test_bob_and_mallory_cannot_open_acmes_invoice(client, bob, mallory, book):
    for person in (bob, mallory):
        client.force_login(person)
        assert client.get(reverse("billing:invoice_detail", args=[book.pk])).status_code == 404
        assert client.get(reverse("billing:invoice_pdf", args=[book.pk])).status_code == 404
        assert client.get(reverse("billing:invoice_print", args=[book.pk])).status_code == 404


def test_the_export_buttons_download_the_filtered_list(as_alice, book):
    response = as_alice.get(reverse("billing:invoice_export"), {"format": "csv", "currency": "RUB"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["Number"] for r in rows) == ["A-1", "A-2"]
    assert {r["Number"]: r["Open"] for r in rows} == {"A-1": "1200.00", "A-2": "300.00"}
    xlsx = as_alice.get(reverse("billing:invoice_export"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    page = as_alice.get(LIST, {"currency": "RUB", "page": "1"}).content.decode()
    assert "/money/invoices/export/?currency=RUB&amp;format=xlsx" in page


def test_the_invoice_page_shows_lines_totals_and_payments(as_alice, book):
    payment = paid(book, "700.00", timezone.localdate())
    response = as_alice.get(reverse("billing:invoice_detail", args=[book.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1,200.00\u00a0RUB" in html  # total
    assert "500.00\u00a0RUB" in html  # still owed: 1200.00 − 700.00
    assert "700.00\u00a0RUB" in html
    assert [a["payment"] for a in response.context["allocations"]] == [payment]
    # A payment is on it: no void form, a word on why.
    assert "void_form" not in response.context
    assert "remove the allocations on the payments first" in html
    # Still owed: the page offers to record the next payment for this very invoice.
    assert f"{reverse('billing:payment_create')}?account={book.account_id}&amp;invoice={book.pk}" in html


def test_the_pdf_and_the_print_page(as_alice, book):
    pdf = as_alice.get(reverse("billing:invoice_pdf", args=[book.pk]), {"download": "1"})
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="invoice-A-1.pdf"'
    printed = as_alice.get(reverse("billing:invoice_print", args=[book.pk])).content.decode()
    assert "window.print()" in printed and "1,200.00\u00a0RUB" in printed


def test_the_print_page_speaks_russian(client, alice, book):
    client.force_login(alice)
    client.cookies["django_language"] = "ru"
    html = client.get(reverse("billing:invoice_print", args=[book.pk]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "1\u00a0200,00\u00a0RUB" in html


# --- the draft form ---------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "issue_date": "2026-03-02",
        "currency": "RUB",
        "number": "",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-description": "SEO, March",
        "lines-0-quantity": "3",
        "lines-0-unit_price": "33.33",
        "lines-0-tax_rate": "20",
        "lines-1-description": "",
        "lines-1-quantity": "1",
        "lines-1-unit_price": "",
        "lines-1-tax_rate": "0",
        "lines-2-description": "",
        "lines-2-quantity": "1",
        "lines-2-unit_price": "",
        "lines-2-tax_rate": "0",
    }
    data.update(overrides)
    return data


def test_an_am_drafts_an_invoice_with_lines_skipping_blank_rows(as_alice, acme):
    url = reverse("billing:invoice_create") + f"?account={acme.pk}"
    assert as_alice.get(url).status_code == 200
    response = as_alice.post(url, form_data())
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:invoice_detail", args=[invoice.pk])
    # 3 × 33.33 = 99.99, tax 20.00, total 119.99
    assert (invoice.number, invoice.total, invoice.lines.count()) == ("2026-001", D("119.99"), 1)


def test_a_bad_line_is_shown_on_its_row_and_nothing_is_saved(as_alice, acme):
    url = reverse("billing:invoice_create") + f"?account={acme.pk}"
    data = form_data(**{"lines-1-description": "Yen banner", "lines-1-unit_price": "10.5", "currency": "JPY"})
    data["lines-0-unit_price"] = "33"
    response = as_alice.post(url, data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "unit_price" in formset.forms[1].errors
    assert not formset.forms[0].errors
    assert Invoice.objects.count() == 0


def test_add_a_line_shows_one_more_row_without_errors(as_alice, acme):
    url = reverse("billing:invoice_create") + f"?account={acme.pk}"
    response = as_alice.post(url, form_data(add_line="1", **{"lines-0-quantity": "oops"}))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 4
    assert "errorlist" not in response.content.decode()
    assert Invoice.objects.count() == 0


def test_the_draft_is_edited_issued_and_then_only_voided(as_alice, acme):
    url = reverse("billing:invoice_create") + f"?account={acme.pk}"
    as_alice.post(url, form_data())
    invoice = Invoice.objects.get()
    edit = reverse("billing:invoice_edit", args=[invoice.pk])
    page = as_alice.get(edit)
    assert page.status_code == 200
    data = form_data(**{"version": "1", "lines-INITIAL_FORMS": "1", "lines-0-unit_price": "50.00"})
    assert as_alice.post(edit, data).status_code == 302
    invoice.refresh_from_db()
    assert invoice.total == D("180.00")  # 3 × 50.00 = 150.00 + 20 % = 180.00

    as_alice.post(reverse("billing:invoice_issue", args=[invoice.pk]), {"version": invoice.version})
    invoice.refresh_from_db()
    assert invoice.status == "issued"
    assert as_alice.get(edit).status_code == 302  # back to the invoice: issued invoices are voided, not edited

    refused = as_alice.post(reverse("billing:invoice_void", args=[invoice.pk]), {"reason": "", "version": "2"})
    assert refused.status_code == 200
    assert "reason" in refused.context["void_form"].errors
    voided = as_alice.post(
        reverse("billing:invoice_void", args=[invoice.pk]), {"reason": "Wrong entity", "version": invoice.version}
    )
    assert voided.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.void_reason) == ("void", "Wrong entity")


def test_a_draft_is_deleted_from_its_page(as_alice, acme):
    as_alice.post(reverse("billing:invoice_create") + f"?account={acme.pk}", form_data())
    invoice = Invoice.objects.get()
    response = as_alice.post(reverse("billing:invoice_delete", args=[invoice.pk]))
    assert response.status_code == 302
    assert Invoice.objects.count() == 0


def test_bob_cannot_draft_or_issue_for_acme(client, bob, acme, book):
    client.force_login(bob)
    assert client.get(reverse("billing:invoice_create") + f"?account={acme.pk}").status_code == 404
    assert client.post(reverse("billing:invoice_issue", args=[book.pk])).status_code == 404


def test_sally_sees_acmes_invoices_but_cannot_change_them(client, sally, book):
    client.force_login(sally)
    page = client.get(reverse("billing:invoice_detail", args=[book.pk]))
    assert page.status_code == 200
    assert page.context["may_manage"] is False
    assert client.post(reverse("billing:invoice_void", args=[book.pk]), {"reason": "x"}).status_code == 403


# --- invoicing a retainer for a month ---------------------------------------------------------------


def test_invoice_this_contract_for_a_month(as_alice, acme):
    contract = ContractFactory(account=acme, value=D("80000.00"), title="SMM")
    url = reverse("billing:invoice_generate") + f"?contract={contract.pk}"
    page = as_alice.get(url)
    assert page.status_code == 200
    assert page.context["form"]["contract"].value() == contract.pk
    response = as_alice.post(url, {"contract": contract.pk, "period_start": "2026-05-01", "issue_date": "2026-05-01"})
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert (invoice.period_end, invoice.total) == (day(2026, 5, 31), D("80000.00"))
    again = as_alice.post(url, {"contract": contract.pk, "period_start": "2026-05-10"})
    assert again.status_code == 200
    assert "period_start" in again.context["form"].errors
    assert Invoice.objects.count() == 1


def test_saving_a_draft_keeps_the_lines_not_touched_and_drops_removed_ones(as_alice, acme):
    url = reverse("billing:invoice_create") + f"?account={acme.pk}"
    as_alice.post(url, form_data(**{"lines-1-description": "Banner", "lines-1-unit_price": "10.00"}))
    invoice = Invoice.objects.get()
    assert invoice.lines.count() == 2
    edit = reverse("billing:invoice_edit", args=[invoice.pk])
    initial = as_alice.get(edit).context["formset"]
    data = {
        "issue_date": "2026-03-02",
        "currency": "RUB",
        "number": invoice.number,
        "note": "PO 17",
        "version": "1",
        "lines-TOTAL_FORMS": str(len(initial.forms)),
        "lines-INITIAL_FORMS": "2",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for i, form in enumerate(initial.forms):
        for name in ("description", "quantity", "unit_price", "tax_rate"):
            value = form.initial.get(name, form.fields[name].initial)
            data[f"lines-{i}-{name}"] = "" if value is None else str(value)
    assert as_alice.post(edit, data).status_code == 302
    invoice.refresh_from_db()
    assert (invoice.note, invoice.lines.count(), invoice.total) == (
        "PO 17",
        2,
        D("129.99"),
    )  # 119.99 + 1 × 10.00 at 0 %
    data["lines-1-DELETE"] = "on"
    data["version"] = "2"
    assert as_alice.post(edit, data).status_code == 302
    invoice.refresh_from_db()
    assert [li.description for li in invoice.lines.all()] == ["SEO, March"]
    assert invoice.total == D("119.99")
