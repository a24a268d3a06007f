"""The account page: profile, team, status, client context, handover, checklist, contacts and history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from keyaccount.accounts.forms import (
    DrivingForceForm,
    GoalForm,
    OnboardingItemForm,
    OwnerForm,
    StatusChangeForm,
    TeamMemberForm,
)
from keyaccount.accounts.models import Account, ForceKind
from keyaccount.accounts.selectors import (
    account_detail_for,
    account_get_for,
    accounts_editable_by,
    accounts_managed_by,
    accounts_visible_to,
    driving_forces_visible_to,
    goal_revisions_visible_to,
    handovers_visible_to,
    onboarding_items_visible_to,
    status_changes_visible_to,
)
from keyaccount.accounts.views.history import account_history
from keyaccount.core.account_page import panels
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import can, role_of

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


# --- the account page -------------------------------------------------------------------------------

SECTION_OF = {
    "status_form": "status",
    "owner_form": "team",
    "team_form": "team",
    "force_form": "context",
    "goal_form": "context",
    "onboarding_form": "onboarding",
}


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
    request: AuthenticatedHttpRequest, pk: int, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render the account page; `forms` puts a submitted form (with its errors) back in its section."""
    actor = request.user
    account = account_detail_for(actor, pk)
    context: dict[str, Any] = {"account": account, "is_client": role_of(actor) == Role.CLIENT}
    if context["is_client"]:
        # A client representative sees the profile and the team of their own account, nothing internal.
        return render(request, "accounts/account_detail.html", context, status=status)

    may = _may(actor, account)
    context["may"] = may
    # Subsidiaries the actor may open (the account itself may be visible without its siblings).
    context["children"] = list(
        accounts_visible_to(actor).filter(parent=account).select_related(None).prefetch_related(None).only("pk", "name")
    )
    context["status_changes"] = list(status_changes_visible_to(actor).filter(account=account))
    if can(actor, "see_context"):
        forces = list(driving_forces_visible_to(actor).filter(account=account))
        context["forces_by_kind"] = [(kind.label, [f for f in forces if f.kind == kind]) for kind in ForceKind]
        goals = list(goal_revisions_visible_to(actor).filter(account=account))
        context["goal"] = goals[0] if goals else None
        context["goal_history"] = goals[1:]
        context["onboarding_items"] = list(onboarding_items_visible_to(actor).filter(account=account))
        context["onboarding_done"] = sum(1 for i in context["onboarding_items"] if i.done_at)
        context["onboarding_total"] = len(context["onboarding_items"])
    if can(actor, "see_handover"):
        context["show_handover"] = True
        context["handover"] = handovers_visible_to(actor).filter(account=account).first()
    if can(actor, "see_audit"):
        context["history"] = account_history(actor, account)
    # The sections of the apps above this one (contacts and the org chart, money): core/account_page.py.
    for panel in panels():
        context.update(panel.context(actor, account))

    forms = forms or {}
    # A refused section form: say so at the top, the page is long and the form is further down.
    context["error_section"] = next((SECTION_OF[name] for name in forms if name in SECTION_OF), None)
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


@member_required
def account_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return account_page(request, pk)


def detail_url(account: Account | int, section: str = "") -> str:
    pk = account if isinstance(account, int) else account.pk
    url = reverse("accounts:detail", args=[pk])
    return f"{url}#{section}" if section else url


def editable_account(actor: User, pk: int, capability: str = "edit_account") -> Account:
    """The account if visible (else 404) and changeable under `capability` (else 403)."""
    account = account_get_for(actor, pk)
    if not accounts_editable_by(actor, capability).filter(pk=account.pk).exists():
        raise PermissionDenied(_("You cannot change this account."))
    return account
