"""Forms of the payment pages: pick the account, record a payment with an amount per open invoice, and put
credit against invoices later. They check the shape of the input; the rules are the services'."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.billing.models import Invoice
from keyaccount.core.money import Currency
from keyaccount.core.web import model_choice

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

ALLOCATION_PREFIX = "invoice_"


def money_input(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=18,
        decimal_places=2,
        # Read in the user's language: "15000,50" in Russian, "15000.50" in English (a point is read in both).
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "money"}),
    )


class PaymentAccountForm(forms.Form):
    """Which account paid: those whose money the person may manage."""

    account: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Account"), queryset=None)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from keyaccount.accounts.selectors import accounts_editable_by

        model_choice(self, "account").queryset = accounts_editable_by(actor, "manage_money").only("pk", "name")


class AllocationFieldsMixin(forms.Form):
    """One amount field per open invoice, named `invoice_<id>`; empty or zero means "not this one"."""

    def add_invoice_fields(self, invoices: Iterable[Invoice]) -> None:
        self.invoices = list(invoices)
        for invoice in self.invoices:
            field = money_input(invoice.number, required=False)
            field.widget.attrs["aria-label"] = _("Amount for invoice %(number)s") % {"number": invoice.number}
            self.fields[f"{ALLOCATION_PREFIX}{invoice.pk}"] = field

    def invoice_rows(self) -> list[tuple[Invoice, forms.BoundField]]:
        return [(invoice, self[f"{ALLOCATION_PREFIX}{invoice.pk}"]) for invoice in self.invoices]

    def allocations(self) -> list[dict[str, Any]]:
        """The allocations entered, for the services: {invoice, amount} with an amount above zero."""
        result = []
        for invoice in self.invoices:
            amount = self.cleaned_data.get(f"{ALLOCATION_PREFIX}{invoice.pk}")
            if amount:
                result.append({"invoice": invoice, "amount": amount})
        return result


class PaymentForm(AllocationFieldsMixin):
    """A payment received, with what of it goes against each open invoice of the account."""

    date = forms.DateField(label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = money_input(_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("The payment order number or the bank's reference."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, invoices: Iterable[Invoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.add_invoice_fields(invoices)

    def payment_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("date", "amount", "currency", "reference", "note")]

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ("date", "amount", "currency", "reference", "note")}
        data["allocations"] = self.allocations()
        return data


class AllocateForm(AllocationFieldsMixin):
    """A payment's remaining credit put against open invoices."""

    def __init__(self, *args: Any, invoices: Iterable[Invoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_invoice_fields(invoices)


def suggest(invoices: Iterable[Invoice], amount: Decimal | None) -> dict[int, Decimal]:
    """`amount` spread over the invoices in the order given (oldest due first), each up to what it has open."""
    result: dict[int, Decimal] = {}
    left = amount or Decimal("0")
    for invoice in invoices:
        if left <= 0:
            break
        part = min(left, invoice.open_amount)
        if part > 0:
            result[invoice.pk] = part
            left -= part
    return result
