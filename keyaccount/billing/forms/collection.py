"""Forms of the receivables, acts and billing settings pages. They only shape input; the writes happen in
`keyaccount.billing.services.collection`. Related choices are limited to what the person may see."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.forms import DateInput, version_field
from keyaccount.billing.models import Act
from keyaccount.billing.selectors import contracts_visible_to
from keyaccount.billing.services.collection import MAX_DUNNING_STEPS
from keyaccount.core.web import model_choice

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

ACT_FIELDS = ["contract", "number", "period_start", "period_end", "amount", "currency", "note"]


class ActForm(forms.ModelForm):
    """A closing document: the period, the amount, the contract it falls under; sent on, when known."""

    version = version_field()

    class Meta:
        model = Act
        fields = [*ACT_FIELDS, "sent_on"]
        widgets = {
            "period_start": DateInput,
            "period_end": DateInput,
            "sent_on": DateInput,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, actor: User, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "contract").queryset = (
            contracts_visible_to(actor).filter(account_id=account.pk).select_related(None).only("pk", "number")
        )
        model_choice(self, "contract").empty_label = _("No contract")
        self.fields["currency"].required = False
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # Sending is its own step once the act exists (it restarts the chasing clock).
            del self.fields["sent_on"]
        else:
            del self.fields["version"]
            self.fields["currency"].initial = account.currency

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in ACT_FIELDS if name in self.fields}
        data["number"] = data.get("number") or ""
        data["note"] = data.get("note") or ""
        if not data.get("currency"):
            contract = data.get("contract")
            data["currency"] = contract.currency if contract is not None else None
        return data


class ActDateForm(forms.Form):
    """The day an act was sent or signed (default today)."""

    on = forms.DateField(label=_("On"), required=False, widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def day(self) -> datetime.date | None:
        """The day given; none lets the service take the organization's today."""
        return self.cleaned_data.get("on")


class ReceivablesForm(forms.Form):
    """The day the receivables are seen at, and the DSO period."""

    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput)
    period_start = forms.DateField(label=_("DSO period from"), required=False, widget=DateInput)
    period_end = forms.DateField(label=_("to"), required=False, widget=DateInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class BillingSettingsForm(forms.Form):
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms, days"),
        min_value=0,
        max_value=365,
        help_text=_("Days to pay an invoice that is not under a contract."),
    )
    act_chase_days = forms.IntegerField(
        label=_("Chase unsigned acts after, days"),
        min_value=1,
        max_value=365,
        help_text=_("An act sent this many days ago and not signed is flagged to the account manager."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DunningStepForm(forms.Form):
    days = forms.IntegerField(label=_("Days overdue"), min_value=1, max_value=365, required=False)
    escalate = forms.BooleanField(label=_("Tell the heads"), required=False)


DunningStepFormSet = formset_factory(DunningStepForm, extra=2, max_num=MAX_DUNNING_STEPS, validate_max=True)


def steps_of(formset: Any) -> list[dict[str, Any]]:
    """The filled rows of a valid steps formset; rows without days are left out."""
    return [
        {"days": form.cleaned_data["days"], "escalate": bool(form.cleaned_data.get("escalate"))}
        for form in formset.forms
        if form.cleaned_data.get("days")
    ]
