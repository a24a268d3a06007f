"""Forms of the communications pages. They only shape and check input; the writes happen in `comms.services`.

Participants are limited to the account's people and the organization's colleagues. Times typed without a
zone are read in the person's own time zone (the middleware activates it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.forms import DateTimeInput, version_field
from keyaccount.comms.models import Feedback, Interaction, InteractionKind, InteractionState
from keyaccount.comms.services import INTERACTION_FIELDS
from keyaccount.contacts.selectors import contacts_of_account
from keyaccount.core.web import model_choice
from keyaccount.tenancy.permissions import can
from keyaccount.tenancy.selectors import team_candidates

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
SENTIMENT_CHOICES = [
    ("", _("Not rated")),
    ("2", _("+2 very positive")),
    ("1", _("+1 positive")),
    ("0", _("0 neutral")),
    ("-1", _("−1 negative")),
    ("-2", _("−2 very negative")),
]


def _datetime(field: forms.Field) -> None:
    field.widget = DateTimeInput()
    cast("forms.DateTimeField", field).input_formats = DATETIME_FORMATS  # every caller passes a date-time field


def _sentiment_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Sentiment"), choices=SENTIMENT_CHOICES, coerce=int, empty_value=None, required=False
    )


def _participants(form: forms.BaseForm, actor: User, account: Account) -> None:
    """Client participants from the account's people (still there first); ours from the colleagues."""
    contacts = contacts_of_account(actor, account.pk).select_related(None).order_by("left_on", "name")
    model_choice(form, "contacts").queryset = contacts.only("pk", "name", "left_on")
    model_choice(form, "users").queryset = team_candidates(actor).select_related(None).only("pk", "name", "email")


class InteractionForm(forms.ModelForm):
    """A touch with the client. Bound to a copy on edit: the service, not the form, changes the record."""

    version = version_field()
    sentiment = _sentiment_field()
    state = forms.ChoiceField(
        label=_("It"),
        choices=[(InteractionState.DONE, _("has happened")), (InteractionState.PLANNED, _("is planned"))],
        initial=InteractionState.DONE,
        widget=forms.RadioSelect,
    )
    task_title = forms.CharField(
        label=_("Task for the next step"),
        max_length=200,
        required=False,
        help_text=_("Fill in to set a task for the team on this account."),
    )
    task_assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Assignee"), queryset=None, required=False
    )
    task_due_at = forms.DateTimeField(label=_("Task due"), required=False)
    next_kind = forms.ChoiceField(
        label=_("Plan the next interaction"),
        choices=[("", _("No")), *InteractionKind.choices],
        required=False,
    )
    next_at = forms.DateTimeField(label=_("Next interaction at"), required=False)

    class Meta:
        model = Interaction
        fields = [*INTERACTION_FIELDS]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
            "contacts": forms.CheckboxSelectMultiple,
            "users": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, actor: User, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _participants(self, actor, account)
        _datetime(self.fields["occurred_at"])
        _datetime(self.fields["task_due_at"])
        _datetime(self.fields["next_at"])
        model_choice(self, "task_assignee").queryset = (
            team_candidates(actor).select_related(None).only("pk", "name", "email")
        )
        model_choice(self, "task_assignee").empty_label = _("Nobody yet")
        self.fields["feedback"].required = False
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            for name in ("state", "task_title", "task_assignee", "task_due_at", "next_kind", "next_at"):
                del self.fields[name]
        else:
            del self.fields["version"]
            if not can(actor, "manage_tasks"):
                for name in ("task_title", "task_assignee", "task_due_at"):
                    del self.fields[name]

    def clean_feedback(self) -> str:
        return self.cleaned_data.get("feedback") or Feedback.NONE

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("next_kind") and not data.get("next_at"):
            self.add_error("next_at", _("Give the time of the next interaction."))
        return data

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in INTERACTION_FIELDS}

    def log_data(self) -> dict[str, Any]:
        """What `interaction_log` takes: the fields, the state and the next steps asked for."""
        data = {**self.service_data(), "state": self.cleaned_data["state"]}
        if self.cleaned_data.get("task_title"):
            data["next_step_task"] = {
                "title": self.cleaned_data["task_title"],
                "assignee": self.cleaned_data.get("task_assignee"),
                "due_at": self.cleaned_data.get("task_due_at"),
            }
        if self.cleaned_data.get("next_kind"):
            data["next_interaction"] = {
                "kind": self.cleaned_data["next_kind"],
                "occurred_at": self.cleaned_data["next_at"],
            }
        return data


class CompleteForm(forms.Form):
    """Mark a planned interaction as held: what was said, how it felt, what comes next."""

    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    sentiment = _sentiment_field()
    feedback = forms.TypedChoiceField(
        label=_("Client feedback"), choices=Feedback.choices, required=False, empty_value=None
    )
    next_step = forms.CharField(label=_("Next step"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = version_field()

    def __init__(self, *args: Any, interaction: Interaction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = interaction.version
        self.fields["summary"].initial = interaction.summary
        self.fields["feedback"].initial = interaction.feedback
        self.fields["next_step"].initial = interaction.next_step
