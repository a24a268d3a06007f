"""The money side of an account: contracts and their amendments, renewals, closing documents (acts),
invoices with their lines, payments and their allocations, and the organization's billing settings,
one module per subject. Every model and public name is imported here, so `keyaccount.billing.models`
stays the one place other code imports them from.

Amounts are Decimal with an ISO 4217 currency (`keyaccount.core.money`), never floats. Totals that
the database aggregates (an invoice's total and paid amount, a payment's allocated amount) are kept
on the row by the services, which compute them with `keyaccount.billing.calc`.
"""

from keyaccount.billing.models.acts import Act
from keyaccount.billing.models.base import ZERO, days_field, rate_field
from keyaccount.billing.models.contracts import (
    BINDING_STATUSES,
    CONTRACT_TRANSITIONS,
    LIVE_STATUSES,
    NOTICE_WINDOW_DAYS,
    Amendment,
    AmendmentKind,
    BillingModel,
    Contract,
    ContractStatus,
    Renewal,
    RenewalOutcome,
    notice_deadline_of,
    notice_is_soon,
)
from keyaccount.billing.models.invoices import (
    BILLED_INVOICE_STATUSES,
    OPEN_INVOICE_STATUSES,
    Invoice,
    InvoiceLine,
    InvoiceQuerySet,
    InvoiceStatus,
    days_past_due,
    open_invoice_q,
    overdue_invoice_q,
)
from keyaccount.billing.models.payments import Payment, PaymentAllocation
from keyaccount.billing.models.settings import BillingSettings, DunningRun, default_dunning_steps

__all__ = [
    "BILLED_INVOICE_STATUSES",
    "BINDING_STATUSES",
    "CONTRACT_TRANSITIONS",
    "LIVE_STATUSES",
    "NOTICE_WINDOW_DAYS",
    "OPEN_INVOICE_STATUSES",
    "ZERO",
    "Act",
    "Amendment",
    "AmendmentKind",
    "BillingModel",
    "BillingSettings",
    "Contract",
    "ContractStatus",
    "DunningRun",
    "Invoice",
    "InvoiceLine",
    "InvoiceQuerySet",
    "InvoiceStatus",
    "Payment",
    "PaymentAllocation",
    "Renewal",
    "RenewalOutcome",
    "days_field",
    "days_past_due",
    "default_dunning_steps",
    "notice_deadline_of",
    "notice_is_soon",
    "open_invoice_q",
    "overdue_invoice_q",
    "rate_field",
]
