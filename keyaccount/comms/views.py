"""The communications pages: the interactions list, one interaction, logging and editing, the contacts due
by cadence, and the sections the account and contact pages load with htmx (timeline, cadence, recent touches).

Views read through selectors and write through services; they never touch a tenant model's manager.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.accounts.selectors import account_get_for, accounts_editable_by
from keyaccount.comms import services
from keyaccount.comms.filtersets import DueContactFilterSet, InteractionFilterSet
from keyaccount.comms.forms import CompleteForm, InteractionForm
from keyaccount.comms.models import Interaction, InteractionState
from keyaccount.comms.selectors import (
    TIMELINE_KINDS,
    TimelineEntry,
    account_timeline,
    contacts_due,
    due_rows,
    interaction_get_for,
    interactions_loggable_by,
    interactions_visible_to,
    with_cadence,
)
from keyaccount.contacts.selectors import contact_get_for, contacts_of_account, contacts_visible_to
from keyaccount.core import clock
from keyaccount.core.web import checkbox_choices, run_service, vary_on_htmx, wants_partial
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.permissions import ORG_WIDE, can, role_of

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

PAGE_SIZE = 25
SECTION_SIZE = 10
TIMELINE_LIMIT = 50
RENAMES = {"next_step_task": "task_title", "next_interaction": "next_at"}


def _see(actor: User) -> None:
    if not can(actor, "see_interactions"):
        raise PermissionDenied(_("Your role does not allow this."))


def _may_log(actor: User, account_id: int) -> bool:
    return accounts_editable_by(actor, "log_interactions").filter(pk=account_id).exists()


def _loggable_account(actor: User, pk: int | str) -> Account:
    """The account if visible (else 404) and the actor may log on it (else 403)."""
    account = account_get_for(actor, pk)
    if not _may_log(actor, account.pk):
        raise PermissionDenied(_("You cannot log interactions on this account."))
    return account


def _loggable_interaction(actor: User, pk: int) -> Interaction:
    """The interaction if visible (else 404) and changeable by the actor (else 403)."""
    interaction = interaction_get_for(actor, pk)
    if not interactions_loggable_by(actor).filter(pk=interaction.pk).exists():
        raise PermissionDenied(_("You cannot change this account's interactions."))
    return interaction


def detail_url(interaction: Interaction | int) -> str:
    return reverse("comms:interaction_detail", args=[interaction if isinstance(interaction, int) else interaction.pk])


# --- the list ---------------------------------------------------------------------------------------


@member_required
def interaction_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The communications log; an account manager starts with their own, a head with everyone's."""
    actor = request.user
    _see(actor)
    query = request.GET.copy()
    if "mine" not in query:
        query["mine"] = "false" if role_of(actor) in ORG_WIDE else "true"
    filterset = InteractionFilterSet(query, queryset=interactions_visible_to(actor), request=request)
    page = Paginator(filterset.qs.order_by("-occurred_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {"filter": filterset, "page": page, "mine": query["mine"] == "true"}
    if wants_partial(request):
        return vary_on_htmx(render(request, "comms/_interaction_table.html", context))
    checkbox_choices(filterset.form, "kind", "state", "feedback")
    filterset.form.fields["account"].empty_label = _("Any account")
    filterset.form.fields["contact"].empty_label = _("Anyone")
    context["can_log"] = can(actor, "log_interactions")
    return vary_on_htmx(render(request, "comms/interaction_list.html", context))


# --- one interaction --------------------------------------------------------------------------------


@member_required
def interaction_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    interaction = interaction_get_for(actor, pk)
    may_change = interactions_loggable_by(actor).filter(pk=interaction.pk).exists()
    context: dict[str, Any] = {"interaction": interaction, "may_change": may_change}
    if may_change and interaction.state == InteractionState.PLANNED:
        context["complete_form"] = CompleteForm(interaction=interaction)
    return render(request, "comms/interaction_detail.html", context)


@member_required
def interaction_log(request: AuthenticatedHttpRequest, account_pk: int) -> HttpResponse:
    """Log a call, meeting, email, message, event or note on an account; its next step may become a task."""
    actor = request.user
    account = _loggable_account(actor, account_pk)
    status = 200
    if request.method == "POST":
        form = InteractionForm(request.POST, actor=actor, account=account)
        if form.is_valid():
            interaction, status = run_service(
                form, services.interaction_log, renames=RENAMES, actor=actor, account=account, **form.log_data()
            )
            if interaction is not None:
                messages.success(request, _("The interaction was logged."))
                return redirect(reverse("accounts:detail", args=[account.pk]) + "#communications")
    else:
        initial: dict[str, Any] = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
        if request.GET.get("contact"):
            initial["contacts"] = [request.GET["contact"]]
        if request.GET.get("kind"):
            initial["kind"] = request.GET["kind"]
        if request.GET.get("state") == InteractionState.PLANNED:
            initial["state"] = InteractionState.PLANNED
        form = InteractionForm(initial=initial, actor=actor, account=account)
    return render(request, "comms/interaction_form.html", {"form": form, "account": account}, status=status)


@member_required
def interaction_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    interaction = _loggable_interaction(actor, pk)
    status = 200
    if request.method == "POST":
        form = InteractionForm(request.POST, instance=copy.copy(interaction), actor=actor, account=interaction.account)
        if form.is_valid():
            _result, status = run_service(
                form,
                services.interaction_update,
                actor=actor,
                interaction=copy.copy(interaction),
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
            if not status:
                messages.success(request, _("The interaction was saved."))
                return redirect(detail_url(interaction))
    else:
        form = InteractionForm(instance=copy.copy(interaction), actor=actor, account=interaction.account)
    context = {"form": form, "account": interaction.account, "interaction": interaction}
    return render(request, "comms/interaction_form.html", context, status=status)


@member_required
def interaction_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark a planned interaction as held, with its summary and sentiment."""
    actor = request.user
    interaction = _loggable_interaction(actor, pk)
    status = 200
    if request.method == "POST":
        form = CompleteForm(request.POST, interaction=interaction)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            _result, status = run_service(
                form,
                services.interaction_complete,
                actor=actor,
                interaction=copy.copy(interaction),
                expected_version=version,
                **data,
            )
            if not status:
                messages.success(request, _("The interaction was marked as held."))
                return redirect(detail_url(interaction))
    else:
        form = CompleteForm(interaction=interaction)
    context = {"interaction": interaction, "form": form}
    return render(request, "comms/interaction_complete.html", context, status=status)


@member_required
@require_POST
def interaction_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    interaction = _loggable_interaction(actor, pk)
    form = forms.Form(request.POST)
    _result, status = run_service(
        form, services.interaction_cancel, actor=actor, interaction=interaction, expected_version=_version(request)
    )
    if status:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    else:
        messages.success(request, _("The interaction was cancelled."))
    return redirect(detail_url(interaction))


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@member_required
def interaction_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    interaction = _loggable_interaction(actor, pk)
    if request.method == "POST":
        services.interaction_delete(actor=actor, interaction=interaction)
        messages.success(request, _("The interaction was deleted."))
        return redirect(reverse("accounts:detail", args=[interaction.account_id]) + "#communications")
    return render(request, "comms/interaction_confirm_delete.html", {"interaction": interaction})


# --- contacts due by cadence ------------------------------------------------------------------------


@member_required
def due_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone due to be contacted today by their cadence, most overdue first."""
    actor = request.user
    if not can(actor, "log_interactions"):
        raise PermissionDenied(_("Your role does not allow this."))
    filterset = DueContactFilterSet(request.GET, queryset=contacts_due(actor), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = due_rows(actor, page.object_list)
    filterset.form.fields["account"].empty_label = _("Any account")
    context = {"filter": filterset, "page": page, "rows": rows}
    return render(request, "comms/due_list.html", context)


@member_required
def due_panel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The contact list's panel: how many people are due and the most overdue of them (htmx)."""
    actor = request.user
    if not can(actor, "log_interactions"):
        return HttpResponse("")
    due = contacts_due(actor)
    rows = due_rows(actor, due[:SECTION_SIZE])
    total = len(rows) if len(rows) < SECTION_SIZE else due.count()
    return render(request, "comms/_due_panel.html", {"rows": rows, "total": total})


# --- the sections of the account and contact pages -------------------------------------------------


@member_required
def account_section(request: AuthenticatedHttpRequest, account_pk: int) -> HttpResponse:
    """The account page's communications: planned touches, each contact's cadence, and the timeline."""
    actor = request.user
    _see(actor)
    account = account_get_for(actor, account_pk)
    planned = list(
        interactions_visible_to(actor)
        .filter(account_id=account.pk, state=InteractionState.PLANNED)
        .order_by("occurred_at", "pk")[:SECTION_SIZE]
    )
    context: dict[str, Any] = {
        "account": account,
        "planned": planned,
        "may_log": _may_log(actor, account.pk),
        "kinds": _kind_chips(),
    }
    if can(actor, "see_contacts"):
        contacts = with_cadence(contacts_of_account(actor, account.pk).select_related(None)).order_by(
            "left_on", "name", "pk"
        )
        context["cadence_rows"] = due_rows(actor, contacts)
    context.update(_timeline_context(actor, account, request.GET.getlist("kind")))
    return vary_on_htmx(render(request, "comms/_account_section.html", context))


def _kind_chips() -> list[tuple[str, str]]:
    labels = {"interaction": _("Interactions"), "request": _("Requests"), "task": _("Tasks"), "change": _("Changes")}
    return [(kind, labels[kind]) for kind in TIMELINE_KINDS]


_PAGE_OF = {"interaction": "comms:interaction_detail", "request": "work:request_detail", "task": "work:task_detail"}


def _with_links(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Each entry's page, where it has one (an audit event has none: the history section shows it)."""
    for entry in entries:
        name = _PAGE_OF.get(entry.kind)
        try:
            entry.url = reverse(name, args=[entry.obj.pk]) if name else ""
        except NoReverseMatch:
            entry.url = ""
    return entries


def _timeline_context(actor: User, account: Account, kinds: list[str]) -> dict[str, Any]:
    kinds = [k for k in kinds if k in TIMELINE_KINDS]
    return {
        "timeline": _with_links(account_timeline(actor, account, kinds=kinds or None, limit=TIMELINE_LIMIT)),
        "selected_kinds": kinds,
        "timeline_url": reverse("comms:account_timeline", args=[account.pk]),
    }


@member_required
def account_timeline_view(request: AuthenticatedHttpRequest, account_pk: int) -> HttpResponse:
    """The account's timeline alone, filtered by kind (`?kind=interaction&kind=task`); htmx swaps it in place."""
    actor = request.user
    _see(actor)
    account = account_get_for(actor, account_pk)
    context = {
        "account": account,
        "kinds": _kind_chips(),
        **_timeline_context(actor, account, request.GET.getlist("kind")),
    }
    return vary_on_htmx(render(request, "comms/_timeline.html", context))


@member_required
def contact_section(request: AuthenticatedHttpRequest, contact_pk: int) -> HttpResponse:
    """The contact page's communications: cadence, last touch, when they are due, and the latest touches."""
    actor = request.user
    _see(actor)
    contact = contact_get_for(actor, contact_pk)
    annotated = with_cadence(contacts_visible_to(actor).select_related(None).filter(pk=contact.pk)).get()
    (row,) = due_rows(actor, [annotated])
    recent = list(
        interactions_visible_to(actor).filter(contacts=contact).order_by("-occurred_at", "-pk")[:SECTION_SIZE]
    )
    context = {
        "contact": row,
        "recent": recent,
        "may_log": _may_log(actor, contact.account_id),
        "today": timezone.localdate(timezone=clock.user_zone(actor)),
    }
    return vary_on_htmx(render(request, "comms/_contact_section.html", context))
