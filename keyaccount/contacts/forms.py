"""Forms of the contact pages. They only shape and check input; the writes happen in `contacts.services`.

Every choice of a related object is limited to what the signed-in person may see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.forms import DateInput, version_field
from keyaccount.accounts.selectors import accounts_editable_by
from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.contacts.selectors import contacts_visible_to
from keyaccount.contacts.services import CONTACT_FIELDS, ROLE_FIELDS
from keyaccount.core.web import model_choice

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User


class ContactForm(forms.ModelForm):
    """A person of the client. Bound to a copy of the contact: the service, not the form, changes the record."""

    version = version_field()

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "reporting_goals": forms.Textarea(attrs={"rows": 3}),
            "motivation": forms.Textarea(attrs={"rows": 3}),
            "personal_notes": forms.Textarea(attrs={"rows": 3}),
            "left_on": DateInput,
        }

    def __init__(self, *args: Any, actor: User, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Reports-to is a colleague at the same company.
        colleagues = contacts_visible_to(actor).select_related(None).filter(account_id=account.pk)
        if self.instance.pk:
            colleagues = colleagues.exclude(pk=self.instance.pk)
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]
        model_choice(self, "reports_to").queryset = colleagues.only("pk", "name")
        model_choice(self, "reports_to").empty_label = _("Nobody (top of the org chart)")

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CONTACT_FIELDS}


class AccountChoiceForm(forms.Form):
    """Which account a new contact works at."""

    account: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Account"), queryset=None)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "account").queryset = accounts_editable_by(actor, "edit_contacts").only("pk", "name")


class ContactRoleForm(forms.ModelForm):
    """The contact's part on another account than their home one."""

    class Meta:
        model = ContactAccountRole
        fields = ["account", *ROLE_FIELDS]

    def __init__(self, *args: Any, actor: User, contact: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "account").queryset = (
            accounts_editable_by(actor, "edit_contacts").exclude(pk=contact.account_id).only("pk", "name")
        )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ROLE_FIELDS}
