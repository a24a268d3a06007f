"""Forms of the contract pages: the contract, signing, termination, notice, amendments and renewal outcomes.

They only shape and check input; the writes happen in `billing.services.contracts`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.forms import DateInput, version_field
from keyaccount.billing.models import Contract, ContractStatus, RenewalOutcome
from keyaccount.core.web import model_choice
from keyaccount.work.selectors import services_of

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

CONTRACT_FORM_FIELDS = [
    "number",
    "title",
    "billing_model",
    "start_date",
    "end_date",
    "value",
    "currency",
    "tax_rate",
    "payment_terms_days",
    "auto_renew",
    "notice_days",
    "services",
    "scope",
]
SIGNED_LOCKED = ["number", "billing_model", "start_date", "end_date", "value", "currency"]


def _dates(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        if name in form.fields:
            form.fields[name].widget = DateInput()


class ContractForm(forms.ModelForm):
    """A contract's terms. Once signed, the commercial terms are shown read-only: amend or renew instead."""

    version = version_field()

    class Meta:
        model = Contract
        fields = CONTRACT_FORM_FIELDS
        widgets = {"scope": forms.Textarea(attrs={"rows": 4}), "services": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "services").queryset = services_of(actor).filter(is_active=True)
        _dates(self, "start_date", "end_date")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if self.instance.status != ContractStatus.DRAFT:
                for name in SIGNED_LOCKED:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Signed: change it with an amendment or a renewal.")
        else:
            del self.fields["version"]

    def _post_clean(self) -> None:
        # The service validates the model (after the permission check); the form only shapes the input.
        pass

    def service_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in CONTRACT_FORM_FIELDS
            if name in self.fields and not self.fields[name].disabled
        }


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput(), initial=timezone.localdate)
    signed_by = forms.CharField(label=_("Signed by (client side)"), max_length=200, required=False)
    version = version_field()


class TerminateForm(forms.Form):
    terminated_on = forms.DateField(label=_("Last day in force"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    version = version_field()


class NoticeForm(forms.Form):
    given_on = forms.DateField(label=_("Notice given on"), widget=DateInput(), initial=timezone.localdate)
    version = version_field()


class AmendmentForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=50, required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput(), required=False)
    effective_date = forms.DateField(label=_("Effective from"), widget=DateInput())
    new_value = forms.DecimalField(label=_("New value"), max_digits=18, decimal_places=2, required=False)
    new_end_date = forms.DateField(label=_("New end date"), widget=DateInput(), required=False)
    scope_change = forms.CharField(label=_("Change of scope"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RenewalForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RenewalOutcome.choices)
    new_value = forms.DecimalField(
        label=_("New value"),
        max_digits=18,
        decimal_places=2,
        required=False,
        help_text=_("Empty keeps the current value."),
    )
    new_end_date = forms.DateField(
        label=_("New end date"), widget=DateInput(), required=False, help_text=_("Not needed when churned.")
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
