"""Invoice pages under /money/invoices/, one module per subject: the list and its export (`listing`), one
invoice and what is done to it (`pages`), the draft form and invoicing a retainer (`drafts`), the document,
PDF and export builders that the API answers with too (`documents`), and what they share (`common`).
"""

from django.urls import path

from keyaccount.billing.views.invoices.drafts import invoice_create, invoice_edit, invoice_generate
from keyaccount.billing.views.invoices.listing import invoice_export, invoice_list
from keyaccount.billing.views.invoices.pages import (
    invoice_delete,
    invoice_detail,
    invoice_issue,
    invoice_pdf_view,
    invoice_print,
    invoice_void,
)

urlpatterns = [
    path("invoices/", invoice_list, name="invoice_list"),
    path("invoices/new/", invoice_create, name="invoice_create"),
    path("invoices/generate/", invoice_generate, name="invoice_generate"),
    path("invoices/export/", invoice_export, name="invoice_export"),
    path("invoices/<int:pk>/", invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/edit/", invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/issue/", invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/void/", invoice_void, name="invoice_void"),
    path("invoices/<int:pk>/delete/", invoice_delete, name="invoice_delete"),
    path("invoices/<int:pk>/print/", invoice_print, name="invoice_print"),
    path("invoices/<int:pk>/pdf/", invoice_pdf_view, name="invoice_pdf"),
]
