"""The account pages: the portfolio, the account page with its sections, and the account forms.

Views read through selectors and write through services; they never touch a tenant model's manager.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DateTimeField,
    Field,
    IntegerField,
    Model,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.accounts import services
from keyaccount.accounts.filtersets import AccountFilterSet
from keyaccount.accounts.forms import (
    AccountCreateForm,
    AccountForm,
    DrivingForceForm,
    GoalForm,
    HandoverForm,
    OnboardingItemForm,
    OwnerForm,
    StatusChangeForm,
    TeamMemberForm,
)
from keyaccount.accounts.models import Account, AccountStatus, ForceKind, Tag, Tier
from keyaccount.accounts.selectors import (
    account_detail_for,
    account_get_for,
    accounts_editable_by,
    accounts_managed_by,
    accounts_visible_to,
    audit_events_visible_to,
    driving_forces_visible_to,
    goal_revisions_visible_to,
    handovers_visible_to,
    onboarding_items_visible_to,
    org_chart,
    status_changes_visible_to,
    tags_of,
    team_members_visible_to,
)
from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.contacts.selectors import contacts_of_account, contacts_visible_to
from keyaccount.core.permissions import can, role_of
from keyaccount.core.web import checkbox_choices, member_required, run_service, vary_on_htmx, wants_partial
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.selectors import users_visible_to

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

PAGE_SIZE = 25
MINE_BY_DEFAULT = {Role.ACCOUNT_MANAGER, Role.ASSISTANT}

_STATUS_RANK = Case(*(When(status=s, then=Value(i)) for i, s in enumerate(AccountStatus)), output_field=IntegerField())
_TIER_RANK = Case(*(When(tier=t, then=Value(i)) for i, t in enumerate(Tier)), output_field=IntegerField())
# ?ordering=<key> or -<key>; the name breaks ties so pages never shuffle.
SORTS: dict[str, list[str]] = {
    "name": ["name"],
    "status": ["status_rank", "name"],
    "tier": ["tier_rank", "name"],
    "owner": ["owner__name", "owner__email", "name"],
    "updated": ["updated_at", "name"],
}


def sort_accounts(qs: QuerySet[Account], ordering: str) -> tuple[QuerySet[Account], str]:
    key = ordering.lstrip("-")
    if key not in SORTS:
        ordering, key = "name", "name"
    descending = ordering.startswith("-")
    fields = [f"-{f}" if descending and i == 0 else f for i, f in enumerate(SORTS[key])]
    return qs.annotate(status_rank=_STATUS_RANK, tier_rank=_TIER_RANK).order_by(*fields, "pk"), ordering


# --- portfolio --------------------------------------------------------------------------------------


@member_required
def portfolio(request: HttpRequest) -> HttpResponse:
    """The account manager's accounts (everyone's for heads), filtered, sorted and paged.

    An htmx request (the filter form, a sort link, a page link) gets only the table.
    """
    actor = request.user
    data = request.GET.copy()
    if "mine" not in data and role_of(actor) in MINE_BY_DEFAULT:  # type: ignore[arg-type]
        data["mine"] = "true"
    filterset = AccountFilterSet(data, queryset=accounts_visible_to(actor), request=request)  # type: ignore[arg-type]
    accounts, ordering = sort_accounts(filterset.qs, request.GET.get("ordering", "name"))
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "ordering": ordering,
        "mine": data.get("mine") in ("true", "1", "True", "on"),
        "columns": [
            ("name", _("Name")),
            ("status", _("Status")),
            ("tier", _("Tier")),
            ("owner", _("Account manager")),
            ("updated", _("Updated")),
        ],
    }
    if wants_partial(request):
        return vary_on_htmx(render(request, "accounts/_portfolio_table.html", context))
    checkbox_choices(filterset.form, "status", "tier")
    filterset.form.fields["owner"].empty_label = _("Anyone")
    filterset.form.fields["tag"].empty_label = _("Any tag")
    return vary_on_htmx(render(request, "accounts/portfolio.html", context))


# --- history ----------------------------------------------------------------------------------------

HISTORY_LIMIT = 50


def _model_of(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_of(model: type[Model] | None, name: str) -> Field | None:  # type: ignore[type-arg]
    if model is None:
        return None
    try:
        return model._meta.get_field(name)  # type: ignore[return-value]
    except FieldDoesNotExist:
        return None


def _names_of(actor: User, refs: dict[type[Model], set[Any]]) -> dict[tuple[type[Model], Any], str]:
    """Names of the objects the changes point to, one query per kind, each through the actor's scope."""
    scoped: dict[type[Model], Callable[[], QuerySet[Any]]] = {
        get_user_model(): lambda: users_visible_to(actor),
        Account: lambda: accounts_visible_to(actor).select_related(None).prefetch_related(None),
        Contact: lambda: contacts_visible_to(actor).select_related(None),
        Tag: lambda: tags_of(actor),
    }
    names: dict[tuple[type[Model], Any], str] = {}
    for model, ids in refs.items():
        if model in scoped and ids:
            for obj in scoped[model]().filter(pk__in=ids):
                names[(model, obj.pk)] = str(obj)
    return names


def _shown(field: Field | None, value: Any, names: dict[tuple[type[Model], Any], str]) -> Any:  # type: ignore[type-arg]
    """A stored before/after value as a person reads it: names for ids, labels for codes, dates as dates."""
    if value in (None, "", []):
        return None
    if field is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else value
    if field.is_relation:
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.get((field.related_model, v), f"#{v}") for v in values)  # type: ignore[arg-type]
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, DateTimeField) and isinstance(value, str):
        return parse_datetime(value) or value
    if isinstance(field, DateField) and isinstance(value, str):
        return parse_date(value) or value
    return value


def account_history(actor: User, account: Account) -> list[dict[str, Any]]:
    """The account's latest audit events, newest first, with each changed field's before and after."""
    events = list(audit_events_visible_to(actor).filter(account_id=account.pk)[:HISTORY_LIMIT])
    refs: dict[type[Model], set[Any]] = defaultdict(set)
    parsed = []
    for event in events:
        model = _model_of(event.object_type)
        changes = []
        for name, pair in (event.changes or {}).items():
            field = _field_of(model, name)
            before, after = (pair[0], pair[1]) if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            if field is not None and field.is_relation:
                for value in (before, after):
                    refs[field.related_model].update(  # type: ignore[index]
                        v for v in (value if isinstance(value, list) else [value]) if v is not None
                    )
            changes.append((name, field, before, after))
        parsed.append((event, model, changes))
    names = _names_of(actor, refs)
    return [
        {
            "event": event,
            "what": model._meta.verbose_name if model else event.object_type,
            "changes": [
                {
                    "field": capfirst(field.verbose_name) if field else capfirst(name.replace("_", " ")),
                    "before": _shown(field, before, names),
                    "after": _shown(field, after, names),
                }
                for name, field, before, after in changes
            ],
        }
        for event, model, changes in parsed
    ]


# --- the account page -------------------------------------------------------------------------------


def _may(actor: User, account: Account) -> dict[str, bool]:
    """What the actor may change on this account (each check is one query, or none when the role can't)."""

    def on(qs: QuerySet[Account]) -> bool:
        return qs.filter(pk=account.pk).exists()

    return {
        "edit": on(accounts_editable_by(actor)),
        "edit_contacts": on(accounts_editable_by(actor, "edit_contacts")),
        "edit_handover": on(accounts_editable_by(actor, "edit_handover")),
        "manage_team": on(accounts_managed_by(actor)),
        "assign_owner": can(actor, "assign_owner"),
        "delete": can(actor, "delete_account"),
    }


def account_page(
    request: HttpRequest, pk: int, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render the account page; `forms` puts a submitted form (with its errors) back in its section."""
    actor: User = request.user  # type: ignore[assignment]
    account = account_detail_for(actor, pk)
    context: dict[str, Any] = {"account": account, "is_client": role_of(actor) == Role.CLIENT}
    if context["is_client"]:
        # A client representative sees the profile and the team of their own account, nothing internal.
        return render(request, "accounts/account_detail.html", context, status=status)

    may = _may(actor, account)
    context["may"] = may
    context["status_changes"] = list(status_changes_visible_to(actor).filter(account=account))
    if can(actor, "see_context"):
        forces = list(driving_forces_visible_to(actor).filter(account=account))
        context["forces_by_kind"] = [(kind.label, [f for f in forces if f.kind == kind]) for kind in ForceKind]
        goals = list(goal_revisions_visible_to(actor).filter(account=account))
        context["goal"] = goals[0] if goals else None
        context["goal_history"] = goals[1:]
        context["onboarding_items"] = list(onboarding_items_visible_to(actor).filter(account=account))
        context["onboarding_done"] = sum(1 for i in context["onboarding_items"] if i.done_at)
    if can(actor, "see_handover"):
        context["show_handover"] = True
        context["handover"] = handovers_visible_to(actor).filter(account=account).first()
    if can(actor, "see_contacts"):
        contacts = list(
            contacts_of_account(actor, account.pk).prefetch_related(
                Prefetch("other_roles", queryset=_roles_on(account), to_attr="roles_here")
            )
        )
        for contact in contacts:
            # A contact from another account shows their role on this one.
            contact.here = contact.roles_here[0] if contact.account_id != account.pk and contact.roles_here else contact
        context["contacts"] = contacts
        context["org_chart"] = org_chart(contacts)
    if can(actor, "see_audit"):
        context["history"] = account_history(actor, account)

    forms = forms or {}
    if may["edit"]:
        context["status_form"] = forms.get("status_form") or StatusChangeForm(account=account)
        context["force_form"] = forms.get("force_form") or DrivingForceForm(prefix="force")
        context["goal_form"] = forms.get("goal_form") or GoalForm(prefix="goal")
        context["onboarding_form"] = forms.get("onboarding_form") or OnboardingItemForm(prefix="step")
    if may["manage_team"]:
        context["team_form"] = forms.get("team_form") or TeamMemberForm(actor=actor, prefix="team")
    if may["assign_owner"]:
        context["owner_form"] = forms.get("owner_form") or OwnerForm(actor=actor, account=account, prefix="owner")
    return render(request, "accounts/account_detail.html", context, status=status)


def _roles_on(account: Account) -> QuerySet[ContactAccountRole]:
    """Linked contacts' roles on this account (the contacts themselves were already scoped by a selector)."""
    return ContactAccountRole.objects.filter(organization_id=account.organization_id, account_id=account.pk)


@member_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return account_page(request, pk)


def _detail_url(account: Account | int, section: str = "") -> str:
    pk = account if isinstance(account, int) else account.pk
    url = reverse("accounts:detail", args=[pk])
    return f"{url}#{section}" if section else url


def _editable(actor: User, pk: int, capability: str = "edit_account") -> Account:
    """The account if visible (else 404) and changeable under `capability` (else 403)."""
    account = account_get_for(actor, pk)
    if not accounts_editable_by(actor, capability).filter(pk=account.pk).exists():
        raise PermissionDenied(_("You cannot change this account."))
    return account


# --- create, edit, delete ---------------------------------------------------------------------------


@member_required
def account_create(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    if not can(actor, "create_account"):
        raise PermissionDenied(_("Your role does not allow this."))
    status = 200
    if request.method == "POST":
        form = AccountCreateForm(request.POST, actor=actor)
        if form.is_valid():
            data = form.service_data()
            account, status = run_service(form, services.account_create, actor=actor, **data)
            if account is not None:
                messages.success(request, _("The account was created."))
                return redirect(_detail_url(account))
    else:
        form = AccountCreateForm(actor=actor)
    return render(request, "accounts/account_form.html", {"form": form, "account": None}, status=status)


@member_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = _editable(actor, pk)
    status = 200
    if request.method == "POST":
        form = AccountForm(request.POST, instance=copy.copy(account), actor=actor)
        if form.is_valid():
            _result, status = run_service(
                form,
                services.account_update,
                actor=actor,
                account=copy.copy(account),
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
            if not status:
                messages.success(request, _("The account was saved."))
                return redirect(_detail_url(account))
    else:
        form = AccountForm(instance=copy.copy(account), actor=actor)
    return render(request, "accounts/account_form.html", {"form": form, "account": account}, status=status)


@member_required
def account_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = account_get_for(actor, pk)
    if not can(actor, "delete_account"):
        raise PermissionDenied(_("Your role does not allow this."))
    if request.method == "POST":
        services.account_delete(actor=actor, account=account)
        messages.success(request, _("The account “%(name)s” was deleted.") % {"name": account.name})
        return redirect("accounts:portfolio")
    return render(request, "accounts/account_confirm_delete.html", {"account": account})


# --- status, owner, team ----------------------------------------------------------------------------


@member_required
@require_POST
def account_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = _editable(actor, pk)
    form = StatusChangeForm(request.POST, account=account)
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form,
            services.account_change_status,
            renames={"status": "to_status"},
            actor=actor,
            account=account,
            to_status=form.cleaned_data["to_status"],
            churn_reason=form.cleaned_data["churn_reason"],
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
        if not status:
            messages.success(request, _("The status was changed."))
            return redirect(_detail_url(account, "status"))
    return account_page(request, pk, forms={"status_form": form}, status=status)


@member_required
@require_POST
def account_owner(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = account_get_for(actor, pk)
    form = OwnerForm(request.POST, actor=actor, account=account, prefix="owner")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form,
            services.account_assign_owner,
            actor=actor,
            account=account,
            owner=form.cleaned_data["owner"],
            expected_version=form.cleaned_data["version"],
        )
        if not status:
            messages.success(request, _("The account was handed over."))
            return redirect(_detail_url(account, "team"))
    return account_page(request, pk, forms={"owner_form": form}, status=status)


@member_required
@require_POST
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = account_get_for(actor, pk)
    form = TeamMemberForm(request.POST, actor=actor, prefix="team")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form,
            services.team_member_add,
            actor=actor,
            account=account,
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
        )
        if not status:
            messages.success(request, _("The colleague was added to the team."))
            return redirect(_detail_url(account, "team"))
    return account_page(request, pk, forms={"team_form": form}, status=status)


@member_required
@require_POST
def team_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    try:
        member = team_members_visible_to(actor).get(pk=member_pk, account_id=pk)
    except team_members_visible_to(actor).model.DoesNotExist:
        raise Http404 from None
    try:
        services.team_member_remove(actor=actor, member=member)
        messages.success(request, _("%(name)s was taken off the team.") % {"name": member.user})
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect(_detail_url(pk, "team"))


# --- handover and onboarding ------------------------------------------------------------------------


@member_required
def handover_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = account_get_for(actor, pk)
    if not can(actor, "see_handover"):
        raise Http404
    account = _editable(actor, pk, "edit_handover")
    brief = handovers_visible_to(actor).filter(account=account).first()
    status = 200
    if request.method == "POST":
        form = HandoverForm(request.POST, instance=copy.copy(brief), actor=actor)
        if form.is_valid():
            _result, status = run_service(
                form,
                services.handover_save,
                actor=actor,
                account=account,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
            if not status:
                messages.success(request, _("The handover brief was saved."))
                return redirect(_detail_url(account, "handover"))
    else:
        form = HandoverForm(instance=copy.copy(brief), actor=actor)
    return render(request, "accounts/handover_form.html", {"form": form, "account": account}, status=status)


@member_required
@require_POST
def onboarding_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = _editable(actor, pk)
    form = OnboardingItemForm(request.POST, prefix="step")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form, services.onboarding_item_add, actor=actor, account=account, title=form.cleaned_data["title"]
        )
        if not status:
            return redirect(_detail_url(account, "onboarding"))
    return account_page(request, pk, forms={"onboarding_form": form}, status=status)


def _onboarding_item(actor: User, pk: int, item_pk: int):  # type: ignore[no-untyped-def]
    try:
        return onboarding_items_visible_to(actor).select_related("account").get(pk=item_pk, account_id=pk)
    except onboarding_items_visible_to(actor).model.DoesNotExist:
        raise Http404 from None


@member_required
@require_POST
def onboarding_toggle(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Tick or untick a step; htmx gets the step back, a plain form goes back to the page."""
    actor: User = request.user  # type: ignore[assignment]
    item = _onboarding_item(actor, pk, item_pk)
    services.onboarding_item_update(actor=actor, item=item, data={"done": request.POST.get("done") == "1"})
    if wants_partial(request):
        item.done_by = actor if item.done_at else None
        return render(
            request, "accounts/_onboarding_item.html", {"item": item, "account": item.account, "may_edit": True}
        )
    return redirect(_detail_url(pk, "onboarding"))


@member_required
@require_POST
def onboarding_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    item = _onboarding_item(actor, pk, item_pk)
    services.onboarding_item_delete(actor=actor, item=item)
    return redirect(_detail_url(pk, "onboarding"))


# --- client context ---------------------------------------------------------------------------------


@member_required
@require_POST
def force_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = _editable(actor, pk)
    form = DrivingForceForm(request.POST, prefix="force")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form, services.driving_force_create, actor=actor, account=account, **form.service_data()
        )
        if not status:
            return redirect(_detail_url(account, "context"))
    return account_page(request, pk, forms={"force_form": form}, status=status)


def _force(actor: User, pk: int, force_pk: int):  # type: ignore[no-untyped-def]
    try:
        return driving_forces_visible_to(actor).select_related("account").get(pk=force_pk, account_id=pk)
    except driving_forces_visible_to(actor).model.DoesNotExist:
        raise Http404 from None


@member_required
def force_edit(request: HttpRequest, pk: int, force_pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    force = _force(actor, pk, force_pk)
    account = _editable(actor, pk)
    status = 200
    if request.method == "POST":
        form = DrivingForceForm(request.POST, instance=copy.copy(force))
        if form.is_valid():
            _result, status = run_service(
                form, services.driving_force_update, actor=actor, force=force, data=form.service_data()
            )
            if not status:
                return redirect(_detail_url(account, "context"))
    else:
        form = DrivingForceForm(instance=copy.copy(force))
    return render(
        request, "accounts/force_form.html", {"form": form, "account": account, "force": force}, status=status
    )


@member_required
@require_POST
def force_delete(request: HttpRequest, pk: int, force_pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    force = _force(actor, pk, force_pk)
    services.driving_force_delete(actor=actor, force=force)
    return redirect(_detail_url(pk, "context"))


@member_required
@require_POST
def goal_revise(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    account = _editable(actor, pk)
    form = GoalForm(request.POST, prefix="goal")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form,
            services.goal_revise,
            actor=actor,
            account=account,
            goal=form.cleaned_data["goal"],
            revised_on=form.cleaned_data["revised_on"],
        )
        if not status:
            messages.success(request, _("The business goal was revised."))
            return redirect(_detail_url(account, "context"))
    return account_page(request, pk, forms={"goal_form": form}, status=status)
