"""Forms of the alerts pages: closing an alert, and a playbook with its steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.alerts.models import AlertOutcome, AlertRule, PlaybookBand
from keyaccount.core.web import model_choice
from keyaccount.tenancy.models import Role, User
from keyaccount.tenancy.permissions import membership_of

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from keyaccount.tenancy.actors import Actor


class AlertCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AlertOutcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("What was done.")
    )


def colleagues(actor: Actor) -> QuerySet[User]:
    """People of the actor's organization who may be given a task (not client users)."""
    membership = membership_of(actor)
    if membership is None:
        return User.objects.none()
    return (
        User.objects.filter(membership__organization_id=membership.organization_id, is_active=True)
        .exclude(membership__role=Role.CLIENT)
        .order_by("name", "email")
    )


class PlaybookForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), choices=AlertRule.choices)
    band = forms.ChoiceField(label=_("When the account's band is"), choices=PlaybookBand.choices, required=False)
    name = forms.CharField(label=_("Name"), max_length=120)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The rule and band of a playbook stay; another one is a new playbook.
            del self.fields["rule"]
            del self.fields["band"]


class StepForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200, required=False)
    days_until_due = forms.IntegerField(label=_("Due in (days)"), min_value=0, max_value=365, required=False)
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False, empty_label=_("The account's owner")
    )

    def __init__(self, *args: Any, actor: Actor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "assignee").queryset = colleagues(actor)


StepFormSet = forms.formset_factory(StepForm, extra=3, max_num=20, validate_max=True)


def steps_of(formset: Any) -> list[dict[str, Any]]:
    """The filled-in rows as the service takes them; blank rows are left out."""
    steps = []
    for form in formset.forms:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        if not (data.get("title") or "").strip():
            continue
        steps.append(
            {
                "title": data["title"],
                "days_until_due": data.get("days_until_due") if data.get("days_until_due") is not None else 3,
                "assignee": data.get("assignee"),
            }
        )
    return steps
