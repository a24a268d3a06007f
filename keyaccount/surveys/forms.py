"""Forms of the survey pages: sending a survey to an account's people, and the client's answer. They only
shape and check input; `surveys.services` writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keyaccount.contacts.selectors import contacts_of_account
from keyaccount.core import clock
from keyaccount.core.web import model_choice
from keyaccount.surveys.models import SurveyKind
from keyaccount.surveys.services import MAX_COMMENT, MAX_EXPIRY_DAYS, SCORE_RANGE

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User


class SendSurveyForm(forms.Form):
    """Which of the account's people get the question, which question, and how long the link works."""

    kind = forms.ChoiceField(
        label=_("Question"),
        choices=SurveyKind.choices,
        initial=SurveyKind.CSAT,
        widget=forms.RadioSelect,
        help_text=_("CSAT: how satisfied, 1–5. NPS: how likely to recommend us, 0–10."),
    )
    contacts: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Send to"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    expires_in_days = forms.IntegerField(
        label=_("The link works for (days)"), min_value=1, max_value=MAX_EXPIRY_DAYS, initial=14
    )

    def __init__(self, *args: Any, actor: User, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = contacts_of_account(actor, account.pk).select_related(None).order_by("name")
        today = clock.today_for(actor)
        self.reachable = people.exclude(email="").exclude(left_on__lte=today).only("pk", "name", "email", "title")
        self.unreachable = list(
            people.filter(Q(email="") | Q(left_on__lte=today)).only("pk", "name", "email", "left_on")
        )
        model_choice(self, "contacts").queryset = self.reachable
        model_choice(self, "contacts").label_from_instance = lambda c: f"{c.name} · {c.email}"  # type: ignore[method-assign,assignment]  # Django's documented per-field override


class AnswerForm(forms.Form):
    """The client's answer: one score on the kind's scale, and an optional comment."""

    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = SCORE_RANGE[SurveyKind(kind)]
        self.fields["score"] = forms.TypedChoiceField(
            label=_("Your score"),
            choices=[(str(n), str(n)) for n in range(low, high + 1)],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose a score.")},
        )
        self.order_fields(["score", "comment"])
