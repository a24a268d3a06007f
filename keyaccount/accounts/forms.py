"""Forms of the account pages. They only shape and check input; the writes happen in `accounts.services`.

Every choice of a related object is limited to what the signed-in person may see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.models import (
    STATUS_TRANSITIONS,
    Account,
    AccountStatus,
    BusinessGoalRevision,
    ChurnReason,
    DrivingForce,
    HandoverBrief,
    OnboardingItem,
    TeamRole,
)
from keyaccount.accounts.selectors import accounts_visible_to, tags_of
from keyaccount.accounts.services import ACCOUNT_FIELDS, HANDOVER_FIELDS
from keyaccount.core import clock
from keyaccount.core.web import choice, model_choice
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import role_of
from keyaccount.tenancy.selectors import owner_candidates, team_candidates

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class HttpsURLField(forms.URLField):
    """A web address typed without a scheme is taken as https://."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


def version_field() -> forms.IntegerField:
    """The record's version when the form was opened; a newer one in the database means someone else saved."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AccountForm(forms.ModelForm):
    """The account's profile. Bound to a copy of the account: the service, not the form, changes the record."""

    version = version_field()
    new_tags = forms.CharField(
        label=_("New tags"),
        required=False,
        max_length=500,
        help_text=_("Separate several with commas; a tag that exists already is reused."),
    )

    class Meta:
        model = Account
        fields = ACCOUNT_FIELDS
        widgets = {
            "locations": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "tags": forms.CheckboxSelectMultiple,
        }
        field_classes = {"website": HttpsURLField}

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = accounts_visible_to(actor).select_related(None).prefetch_related(None).only("pk", "name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.fields["version"].initial = self.instance.version
        model_choice(self, "parent").queryset = parents
        model_choice(self, "parent").empty_label = _("None")
        model_choice(self, "tags").queryset = tags_of(actor)
        self.fields["tags"].required = False

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ACCOUNT_FIELDS}
        data["tags"] = list(data["tags"] or [])
        return data

    def new_tag_names(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data.get("new_tags", "").split(",") if name.strip()]

    def clean_new_tags(self) -> str:
        value = self.cleaned_data.get("new_tags", "")
        if any(len(name.strip()) > 50 for name in value.split(",")):
            raise forms.ValidationError(_("A tag is at most 50 characters."))
        return value


class AccountCreateForm(AccountForm):
    """A new account: the profile plus its owner and first status."""

    class Meta(AccountForm.Meta):
        fields = [*ACCOUNT_FIELDS, "owner", "status"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        del self.fields["version"]
        choice(self, "status").choices = [
            (AccountStatus.ONBOARDING.value, AccountStatus.ONBOARDING.label),
            (AccountStatus.ACTIVE.value, AccountStatus.ACTIVE.label),
        ]
        if role_of(actor) == Role.ACCOUNT_MANAGER:
            # An account manager's new account is their own; the service sets them as owner.
            del self.fields["owner"]
        else:
            model_choice(self, "owner").queryset = owner_candidates(actor)
            self.fields["owner"].help_text = _("The account manager who will own the relationship.")

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["status"] = self.cleaned_data["status"]
        if "owner" in self.fields:
            data["owner"] = self.cleaned_data["owner"]
        return data


class StatusChangeForm(forms.Form):
    """Move the account to another lifecycle status; a churn needs its reason."""

    to_status = forms.ChoiceField(label=_("New status"))
    churn_reason = forms.ChoiceField(label=_("Churn reason"), required=False, choices=[("", "—"), *ChurnReason.choices])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = version_field()

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS.get(account.status, set())
        choice(self, "to_status").choices = [(s.value, s.label) for s in AccountStatus if s in allowed]
        self.fields["version"].initial = account.version


class OwnerForm(forms.Form):
    """Hand the account to another account manager (heads and admins)."""

    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Account manager"), queryset=None, required=False
    )
    version = version_field()

    def __init__(self, *args: Any, actor: User, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "owner").queryset = owner_candidates(actor)
        self.fields["owner"].initial = account.owner_id
        self.fields["version"].initial = account.version


class TeamMemberForm(forms.Form):
    """Put a colleague on the account team."""

    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Colleague"), queryset=None)
    role = forms.ChoiceField(label=_("Role on the account"), choices=TeamRole.choices)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "user").queryset = team_candidates(actor)


class HandoverForm(forms.ModelForm):
    """The brief from sales: what was sold and promised."""

    version = version_field()

    class Meta:
        model = HandoverBrief
        fields = HANDOVER_FIELDS
        widgets = {
            "what_was_sold": forms.Textarea(attrs={"rows": 3}),
            "promises": forms.Textarea(attrs={"rows": 3}),
            "expectations": forms.Textarea(attrs={"rows": 3}),
            "signed_on": DateInput,
            "handed_over_at": DateTimeInput,
        }

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "sold_by").queryset = team_candidates(actor)
        cast("forms.DateTimeField", self.fields["handed_over_at"]).input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
        ]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["version"].required = False

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in HANDOVER_FIELDS}


class OnboardingItemForm(forms.ModelForm):
    class Meta:
        model = OnboardingItem
        fields = ["title"]
        labels = {"title": _("New step")}
        widgets = {"title": forms.TextInput(attrs={"placeholder": _("New step")})}


class DrivingForceForm(forms.ModelForm):
    """A change in the client's market and its impact on the client."""

    class Meta:
        model = DrivingForce
        fields = ["kind", "subject", "change", "impact", "noted_on"]
        widgets = {"change": forms.Textarea(attrs={"rows": 2}), "noted_on": DateInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["noted_on"].initial = clock.active_today()

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if data["noted_on"] is None:
            data.pop("noted_on")
        return data


class GoalForm(forms.ModelForm):
    """The client's business goal as we understand it today."""

    class Meta:
        model = BusinessGoalRevision
        fields = ["goal", "revised_on"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 2}), "revised_on": DateInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revised_on"].required = False
        self.fields["revised_on"].initial = clock.active_today()
