"""Forms of the tenancy pages: sign-in, invitations, roles and personal preferences.

Forms only shape and check input; the writes happen in `tenancy.services`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from keyaccount.core.web import choice, model_choice
from keyaccount.tenancy.models import TIMEZONE_CHOICES, Invitation, Role


def add_service_errors(form: forms.Form, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: on the named field when the form has it, else on top.

    `rename` maps a service's argument name to the form field that carries it (e.g. password → password1).
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = (rename or {}).get(name, name)
        form.add_error(field if field in form.fields else None, errors)


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in by email; the address is matched case-insensitively because emails are stored lower-case."""

    username = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The email or password is not right. Check both and try again."),
        "inactive": _("This account is switched off. Ask your administrator."),
    }

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip().lower()


class NewPasswordForm(SetPasswordForm):
    """Django's new-password form, with the password rules shown as a list by the page instead of raw HTML."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = ""


ROLE_CHOICES_FOR_STAFF = [(value, label) for value, label in Role.choices if value != Role.CLIENT]


class InvitationForm(forms.Form):
    """What an administrator fills in to invite a person into the organization."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ACCOUNT_MANAGER)
    client_account: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Client account"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("Only for a client representative: the account whose portal they will see."),
    )

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "client_account").queryset = accounts

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.CLIENT and not data.get("client_account"):
            self.add_error("client_account", _("Choose the account of this client representative."))
        if data.get("role") != Role.CLIENT:
            data["client_account"] = None
        return data


class RoleChangeForm(forms.Form):
    """A colleague's role in the organization (client representatives keep theirs)."""

    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES_FOR_STAFF)


class InvitationAcceptForm(forms.Form):
    """The invited person's name and new password (typed twice)."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"name": invitation.name})
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ. Type the same password twice."))
        return data


def _languages_in_their_own_names() -> list[tuple[str, str]]:
    """Each language named in itself ("English", "Русский"), found whatever the page's language."""
    return [(code, get_language_info(code)["name_local"]) for code, _label in settings.LANGUAGES]


class PreferencesForm(forms.Form):
    """A person's own name, time zone and language."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=150, required=False)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=TIMEZONE_CHOICES,
        help_text=_("Dates and times are shown in this zone."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=_languages_in_their_own_names)


class TeamForm(forms.Form):
    """A team's name and the head who leads it."""

    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=100)
    lead: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Lead"), queryset=None, required=False, empty_label="—"
    )

    def __init__(self, *args: Any, leads: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "lead").queryset = leads


class TeamMembershipForm(forms.Form):
    """The team an account manager belongs to; `teams` is the organization's teams, read once per page."""

    team = forms.ChoiceField(label=_("Team"), required=False)

    def __init__(self, *args: Any, teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {str(team.pk): team for team in teams}
        choice(self, "team").choices = [("", "—"), *((str(t.pk), t.name) for t in teams)]

    def clean_team(self) -> Any:
        value = self.cleaned_data.get("team") or ""
        return self.teams.get(value)
