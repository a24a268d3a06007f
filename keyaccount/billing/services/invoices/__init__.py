"""Invoices: drafting with lines, numbering, issuing, voiding, and billing a retainer for a period; one module
per step (`drafts`, `lines`, `issuing`), every name other code uses imported here.

Only a draft changes; an issued invoice is voided (with a reason) and a new one issued instead, so what
the client received is never rewritten. Totals are computed here with `keyaccount.billing.calc` (tax
rounded per line, half up, to the currency's minor units) and kept on the row.

Errors name the field. An error inside a line names the line by its 0-based position and the field:
``"lines[1].quantity"`` is the quantity of the second line. The API answers them in the nested shape of
its own input errors (``{"lines": [{}, {"quantity": ["…"]}]}``) and the invoice form shows them on the
line's field.
"""

from keyaccount.billing.services.invoices.drafts import (
    INVOICE_FIELDS,
    UPDATABLE_FIELDS,
    invoice_create,
    invoice_delete,
    invoice_update,
    next_invoice_number,
)
from keyaccount.billing.services.invoices.issuing import (
    invoice_generate_from_contract,
    invoice_issue,
    invoice_void,
    period_label,
)
from keyaccount.billing.services.invoices.lines import LINE_ERROR_KEY, LINE_FIELDS, MAX_LINES, line_error_key

__all__ = [
    "INVOICE_FIELDS",
    "LINE_ERROR_KEY",
    "LINE_FIELDS",
    "MAX_LINES",
    "UPDATABLE_FIELDS",
    "invoice_create",
    "invoice_delete",
    "invoice_generate_from_contract",
    "invoice_issue",
    "invoice_update",
    "invoice_void",
    "line_error_key",
    "next_invoice_number",
    "period_label",
]
