"""Forms of the invoice pages: the draft with its lines, voiding, and invoicing a retainer for a month.

They only shape input; `keyaccount.billing.services.invoices` checks and writes. Contracts offered are
those of the invoice's account the signed-in person sees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.forms import DateInput, version_field
from keyaccount.billing import calc, selectors
from keyaccount.billing.models import LIVE_STATUSES, BillingModel
from keyaccount.core import clock
from keyaccount.core.money import Currency
from keyaccount.core.web import model_choice

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.billing.models import Invoice
    from keyaccount.tenancy.models import User

HEADER_FIELDS = ["number", "contract", "issue_date", "due_date", "currency", "period_start", "period_end", "note"]
LINE_FIELDS = ["description", "quantity", "unit_price", "tax_rate"]
# Blank rows under the lines of a new invoice; "Add a line" adds one more.
EXTRA_LINES = 2


class InvoiceForm(forms.Form):
    """The head of a draft invoice."""

    number = forms.CharField(
        label=_("Number"),
        max_length=50,
        required=False,
        help_text=_("Leave empty for the next number of the issue year."),
    )
    contract: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Contract"), queryset=None, required=False)
    issue_date = forms.DateField(label=_("Issue date"), widget=DateInput())
    due_date = forms.DateField(
        label=_("Due date"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty for the issue date plus the payment terms."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput(), required=False)
    period_end = forms.DateField(label=_("Period to"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = version_field()

    def __init__(self, *args: Any, actor: User, account: Account, invoice: Invoice | None = None, **kwargs: Any):
        if invoice is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(invoice, name) for name in HEADER_FIELDS} | {"version": invoice.version}
        elif "initial" not in kwargs:
            kwargs["initial"] = {"issue_date": clock.today_for(actor), "currency": account.currency}
        super().__init__(*args, **kwargs)
        model_choice(self, "contract").queryset = (
            selectors.contracts_visible_to(actor).filter(account_id=account.pk).select_related(None).order_by("number")
        )
        model_choice(self, "contract").empty_label = _("No contract")
        if invoice is None:
            del self.fields["version"]

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in HEADER_FIELDS}
        data["number"] = (data["number"] or "").strip()
        return data


class InvoiceLineForm(forms.Form):
    """One line; a row left blank is skipped."""

    description = forms.CharField(label=_("Description"), max_length=500)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3, initial=1)
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=18, decimal_places=2)
    tax_rate = forms.DecimalField(label=_("Tax, %"), max_digits=5, decimal_places=2, required=False, initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["size"] = 40
        for name in ("quantity", "unit_price", "tax_rate"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal", "class": "right"})


class BaseLineFormSet(forms.BaseFormSet):
    def filled_forms(self) -> list[InvoiceLineForm]:
        """The line forms that hold a line, in order: every existing line and each new row typed into,
        unless removed."""
        initial = self.initial_form_count()
        return [
            f
            for i, f in enumerate(self.forms)
            if (i < initial or f.has_changed()) and not (self.can_delete and f.cleaned_data.get("DELETE"))
        ]

    def lines(self) -> list[dict[str, Any]]:
        return [{name: f.cleaned_data.get(name) for name in LINE_FIELDS} for f in self.filled_forms()]


LineFormSet = forms.formset_factory(
    InvoiceLineForm, formset=BaseLineFormSet, extra=EXTRA_LINES, can_delete=True, max_num=200, validate_max=True
)


def line_formset(data: Any = None, *, invoice: Invoice | None = None, extra: int | None = None) -> BaseLineFormSet:
    """The lines of `invoice` (or none) and some blank rows; `extra` asks for more blank rows."""
    initial = [{name: getattr(line, name) for name in LINE_FIELDS} for line in invoice.lines.all()] if invoice else []
    formset_class = LineFormSet
    if extra is not None:
        formset_class = forms.formset_factory(
            InvoiceLineForm, formset=BaseLineFormSet, extra=extra, can_delete=True, max_num=200, validate_max=True
        )
    return formset_class(data, initial=initial, prefix="lines")  # type: ignore[return-value]  # formset=BaseLineFormSet above


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept on the invoice, e.g. “wrong legal entity, reissued as 2026-032”."),
    )
    voided_on = forms.DateField(label=_("Voided on"), widget=DateInput(), required=False)
    version = version_field()


class GenerateForm(forms.Form):
    """Invoice a retainer for a month (or another period)."""

    contract: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Contract"), queryset=None)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(
        label=_("Period to"), widget=DateInput(), required=False, help_text=_("Leave empty for the end of that month.")
    )
    issue_date = forms.DateField(label=_("Issue date"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        today = clock.today_for(actor)
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"period_start": calc.month_start(today), "issue_date": today} | kwargs["initial"]
        super().__init__(*args, **kwargs)
        model_choice(self, "contract").queryset = (
            selectors.contracts_visible_to(actor)
            .filter(billing_model=BillingModel.RETAINER, status__in=LIVE_STATUSES)
            .order_by("account__name", "number")
        )
        model_choice(self, "contract").label_from_instance = lambda c: f"{c.number} · {c.account.name}"  # type: ignore[method-assign,assignment]  # Django's documented per-field override
