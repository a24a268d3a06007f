"""Forms of the work pages: tasks, client requests and their triage, projects and the service catalogue.

They only shape and check input; the writes happen in `work.services`. Every choice of a related object is
limited to what the signed-in person may see, and to the account the record belongs to. Times typed without a
zone are read in the person's own time zone (the middleware activates it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.forms import DateInput, DateTimeInput, version_field
from keyaccount.contacts.selectors import contacts_of_account
from keyaccount.core.money import Currency
from keyaccount.core.web import model_choice
from keyaccount.tenancy.selectors import team_candidates
from keyaccount.work import selectors
from keyaccount.work.models import (
    Project,
    ProjectGoal,
    RejectReason,
    Request,
    Service,
    Task,
    TaskStatus,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]


def _datetime_field(field: forms.Field) -> None:
    field.widget = DateTimeInput()
    cast("forms.DateTimeField", field).input_formats = DATETIME_FORMATS  # every caller passes a date-time field


def _projects_of(actor: User, account: Account) -> QuerySet[Project]:
    return (
        selectors.projects_visible_to(actor)
        .filter(account_id=account.pk)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "name")
    )


def _assignees(actor: User) -> QuerySet[User]:
    return team_candidates(actor)


class AccountPickForm(forms.Form):
    """Which account the new record is for: those whose work the person may change."""

    account: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Account"), queryset=None)

    def __init__(self, *args: Any, actor: User, capability: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from keyaccount.accounts.selectors import accounts_editable_by

        model_choice(self, "account").queryset = accounts_editable_by(actor, capability).only("pk", "name")


# --- tasks ------------------------------------------------------------------------------------------

# In the order the form shows them; the service says which it takes (TASK_CREATE_FIELDS, TASK_EDITABLE_FIELDS).
TASK_FORM_FIELDS = ["title", "description", "expected_result", "assignee", "project", "priority", "due_at"]


class TaskForm(forms.ModelForm):
    """A task for the team. On edit the due date is moved with its own form (it asks for a reason)."""

    version = version_field()

    class Meta:
        model = Task
        fields = TASK_FORM_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, actor: User, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "assignee").queryset = _assignees(actor)
        model_choice(self, "assignee").empty_label = _("Nobody yet")
        model_choice(self, "project").queryset = _projects_of(actor, account)
        model_choice(self, "project").empty_label = _("No project")
        _datetime_field(self.fields["due_at"])
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["due_at"]
        else:
            del self.fields["version"]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TASK_FORM_FIELDS if name in self.fields}


class TransitionForm(forms.Form):
    """Move a task to another status (the service asks for a reason where the workflow needs one)."""

    to = forms.ChoiceField(label=_("New status"), choices=TaskStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = version_field()

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = task.version
        self.fields["version"].required = False


class MoveDueForm(forms.Form):
    """Move a task's deadline; once a date was promised, moving it needs a reason."""

    due_at = forms.DateTimeField(label=_("New due date"), required=False, input_formats=DATETIME_FORMATS)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = version_field()

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.fields["due_at"].widget = DateTimeInput()
        self.fields["due_at"].initial = timezone.localtime(task.due_at) if task.due_at else None
        self.fields["version"].initial = task.version
        self.fields["version"].required = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.task.due_at is not None and not (data.get("reason") or "").strip():
            self.add_error("reason", _("The date was promised already: say why it moves."))
        return data


class ChecklistItemForm(forms.Form):
    title = forms.CharField(
        label=_("New step"), max_length=200, widget=forms.TextInput(attrs={"placeholder": _("New step")})
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


# --- requests ---------------------------------------------------------------------------------------

REQUEST_FIELDS = ["channel", "received_at", "contact", "project", "text"]


class RequestForm(forms.ModelForm):
    """A client's wish as it arrived: by which channel, when, from whom, about which project."""

    class Meta:
        model = Request
        fields = REQUEST_FIELDS
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, actor: User, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _datetime_field(self.fields["received_at"])
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        model_choice(self, "contact").queryset = (
            contacts_of_account(actor, account.pk).select_related(None).only("pk", "name")
        )
        model_choice(self, "contact").empty_label = _("Not recorded")
        model_choice(self, "project").queryset = _projects_of(actor, account)
        model_choice(self, "project").empty_label = _("No project")

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in REQUEST_FIELDS}


class AcceptTaskForm(forms.Form):
    """One task made from an accepted request; a row left blank is skipped."""

    title = forms.CharField(label=_("Task"), max_length=200, required=False)
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody yet")
    )
    due_at = forms.DateTimeField(label=_("Due"), required=False, input_formats=DATETIME_FORMATS)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "assignee").queryset = _assignees(actor)
        self.fields["due_at"].widget = DateTimeInput()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("title") and (data.get("assignee") or data.get("due_at")):
            self.add_error("title", _("Give the task a title."))
        return data


class BaseAcceptTaskFormSet(forms.BaseFormSet):
    def tasks(self) -> list[dict[str, Any]]:
        return [
            {
                "title": f.cleaned_data["title"],
                "assignee": f.cleaned_data["assignee"],
                "due_at": f.cleaned_data["due_at"],
            }
            for f in self.forms
            if f.cleaned_data.get("title")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.tasks():
            raise forms.ValidationError(_("An accepted request becomes at least one task: give it a title."))


AcceptTaskFormSet = forms.formset_factory(AcceptTaskForm, formset=BaseAcceptTaskFormSet, extra=3, max_num=10)


class AcceptForm(forms.Form):
    """Accept the request; the tasks it turns into come in the formset next to it."""

    version = version_field()


class RejectForm(forms.Form):
    """Reject a request: why (the category) and what we tell the client."""

    reason = forms.ChoiceField(label=_("Reason"), choices=RejectReason.choices)
    explanation = forms.CharField(
        label=_("Explanation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the client is told, and why."),
    )
    version = version_field()


class QuoteForm(forms.Form):
    """Quote the request as paid extra work."""

    quote_amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2, min_value=0)
    quote_currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    explanation = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = version_field()

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quote_currency"].initial = account.currency


class QuoteAnswerForm(forms.Form):
    """The client's yes or no to a quote."""

    accepted = forms.TypedChoiceField(
        label=_("The client's answer"),
        choices=[("true", _("Accepted")), ("false", _("Declined"))],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    version = version_field()


# --- projects and the catalogue ---------------------------------------------------------------------

PROJECT_FIELDS = ["name", "service", "stage", "budget", "currency", "scope", "starts_on", "ends_on", "team"]


class ProjectForm(forms.ModelForm):
    """An engagement: the service, the scope, the money, the dates and the team."""

    version = version_field()

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DateInput,
            "ends_on": DateInput,
            "team": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, actor: User, account: Account, show_money: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "service").queryset = selectors.services_of(actor).filter(is_active=True)
        if self.instance.pk and self.instance.service_id:
            # Keep a service that is no longer offered on the projects that already have it.
            offered = selectors.services_of(actor).filter(is_active=True).values_list("pk", flat=True)
            model_choice(self, "service").queryset = selectors.services_of(actor).filter(
                pk__in=[self.instance.service_id, *offered]
            )
        model_choice(self, "service").empty_label = _("No service")
        model_choice(self, "team").queryset = _assignees(actor)
        self.fields["team"].required = False
        if not self.instance.pk:
            self.fields["currency"].initial = account.currency
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
        if not show_money:
            del self.fields["budget"]
            del self.fields["currency"]

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in PROJECT_FIELDS if name in self.fields}
        data["team"] = list(data.get("team") or [])
        return data


GOAL_FIELDS = ["description", "metric", "target_value", "target_date", "achieved_on"]


class ProjectGoalForm(forms.ModelForm):
    """A measurable goal, e.g. "top-10 for 30 queries by 2026-06-01"."""

    class Meta:
        model = ProjectGoal
        fields = GOAL_FIELDS
        widgets = {"target_date": DateInput, "achieved_on": DateInput}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in GOAL_FIELDS}


SERVICE_FIELDS = ["name", "description", "is_active", "position"]


class ServiceForm(forms.ModelForm):
    """One service of the catalogue."""

    class Meta:
        model = Service
        fields = SERVICE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SERVICE_FIELDS}
