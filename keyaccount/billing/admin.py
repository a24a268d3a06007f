"""The money side in the Django admin: read-only (changes go through the services and the app's pages)."""

from django.contrib import admin

from keyaccount.billing.models import (
    Act,
    Amendment,
    BillingSettings,
    Contract,
    DunningRun,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Renewal,
)
from keyaccount.core.admin import ReadOnlyAdmin, ReadOnlyInline


class AmendmentInline(ReadOnlyInline):
    model = Amendment
    fields = ["kind", "number", "effective_date", "new_value", "new_end_date", "previous_value", "previous_end_date"]
    show_change_link = False


class RenewalInline(ReadOnlyInline):
    model = Renewal
    fields = ["term_end", "outcome", "new_value", "new_end_date", "decided_on", "automatic"]
    show_change_link = False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["number", "account", "billing_model", "status", "start_date", "end_date", "value", "currency"]
    list_filter = ["status", "billing_model", "auto_renew", "organization"]
    search_fields = ["number", "title", "account__name"]
    list_select_related = ["account"]
    inlines = [AmendmentInline, RenewalInline]


@admin.register(Act)
class ActAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "account", "period_start", "period_end", "amount", "currency", "sent_on", "signed_on"]
    list_filter = ["organization"]
    search_fields = ["number", "account__name"]
    list_select_related = ["account"]


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ["description", "quantity", "unit_price", "tax_rate", "net", "tax", "total"]
    show_change_link = False


class AllocationInline(ReadOnlyInline):
    model = PaymentAllocation
    fields = ["payment", "invoice", "amount"]
    show_change_link = False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "account", "issue_date", "due_date", "status", "total", "paid_amount", "currency"]
    list_filter = ["status", "currency", "organization"]
    search_fields = ["number", "account__name"]
    list_select_related = ["account"]
    date_hierarchy = "issue_date"
    inlines = [InvoiceLineInline, AllocationInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "account", "date", "amount", "allocated_amount", "currency", "reference"]
    list_filter = ["currency", "organization"]
    search_fields = ["reference", "account__name"]
    list_select_related = ["account"]
    date_hierarchy = "date"
    inlines = [AllocationInline]


@admin.register(BillingSettings)
class BillingSettingsAdmin(ReadOnlyAdmin):
    list_display = ["organization", "payment_terms_days", "act_chase_days"]


@admin.register(DunningRun)
class DunningRunAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "days", "escalated", "created_at"]
    list_filter = ["escalated", "organization"]
    list_select_related = ["invoice"]
