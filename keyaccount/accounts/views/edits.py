"""The account forms: create, edit and delete, and the forms of the account page's sections."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.accounts import services
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
from keyaccount.accounts.selectors import (
    account_get_for,
    driving_forces_visible_to,
    handovers_visible_to,
    onboarding_items_visible_to,
    team_members_visible_to,
)
from keyaccount.accounts.views.page import account_page, detail_url, editable_account
from keyaccount.core.web import run_service, wants_partial
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.permissions import can

if TYPE_CHECKING:
    from keyaccount.accounts.models import DrivingForce, OnboardingItem
    from keyaccount.tenancy.models import User


# --- create, edit, delete ---------------------------------------------------------------------------


@member_required
def account_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.user
    if not can(actor, "create_account"):
        raise PermissionDenied(_("Your role does not allow this."))
    status = 200
    if request.method == "POST":
        form = AccountCreateForm(request.POST, actor=actor)
        if form.is_valid():
            data = form.service_data()
            account, status = run_service(
                form, services.account_create, actor=actor, new_tags=form.new_tag_names(), **data
            )
            if account is not None:
                messages.success(request, _("The account was created."))
                return redirect(detail_url(account))
    else:
        form = AccountCreateForm(actor=actor)
    return render(request, "accounts/account_form.html", {"form": form, "account": None}, status=status)


@member_required
def account_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    account = editable_account(actor, pk)
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
                new_tags=form.new_tag_names(),
            )
            if not status:
                messages.success(request, _("The account was saved."))
                return redirect(detail_url(account))
    else:
        form = AccountForm(instance=copy.copy(account), actor=actor)
    return render(request, "accounts/account_form.html", {"form": form, "account": account}, status=status)


@member_required
def account_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
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
def account_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    account = editable_account(actor, pk)
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
            return redirect(detail_url(account, "status"))
    return account_page(request, pk, forms={"status_form": form}, status=status)


@member_required
@require_POST
def account_owner(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
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
            return redirect(detail_url(account, "team"))
    return account_page(request, pk, forms={"owner_form": form}, status=status)


@member_required
@require_POST
def team_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
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
            return redirect(detail_url(account, "team"))
    return account_page(request, pk, forms={"team_form": form}, status=status)


@member_required
@require_POST
def team_remove(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    actor = request.user
    try:
        member = team_members_visible_to(actor).get(pk=member_pk, account_id=pk)
    except team_members_visible_to(actor).model.DoesNotExist:
        raise Http404 from None
    try:
        services.team_member_remove(actor=actor, member=member)
        messages.success(request, _("%(name)s was taken off the team.") % {"name": member.user})
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect(detail_url(pk, "team"))


# --- handover and onboarding ------------------------------------------------------------------------


@member_required
def handover_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    account = account_get_for(actor, pk)
    if not can(actor, "see_handover"):
        raise Http404
    account = editable_account(actor, pk, "edit_handover")
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
                return redirect(detail_url(account, "handover"))
    else:
        form = HandoverForm(instance=copy.copy(brief), actor=actor)
    return render(request, "accounts/handover_form.html", {"form": form, "account": account}, status=status)


@member_required
@require_POST
def onboarding_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    account = editable_account(actor, pk)
    form = OnboardingItemForm(request.POST, prefix="step")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form, services.onboarding_item_add, actor=actor, account=account, title=form.cleaned_data["title"]
        )
        if not status:
            return redirect(detail_url(account, "onboarding"))
    return account_page(request, pk, forms={"onboarding_form": form}, status=status)


def _onboarding_item(actor: User, pk: int, item_pk: int) -> OnboardingItem:
    try:
        return onboarding_items_visible_to(actor).select_related("account").get(pk=item_pk, account_id=pk)
    except onboarding_items_visible_to(actor).model.DoesNotExist:
        raise Http404 from None


@member_required
@require_POST
def onboarding_toggle(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Tick or untick a step; htmx gets the step back, a plain form goes back to the page."""
    actor = request.user
    item = _onboarding_item(actor, pk, item_pk)
    services.onboarding_item_update(actor=actor, item=item, data={"done": request.POST.get("done") == "1"})
    if wants_partial(request):
        steps = onboarding_items_visible_to(actor).filter(account_id=pk)
        context = {
            "item": item,
            "account": item.account,
            "may_edit": True,
            "onboarding_done": steps.filter(done_at__isnull=False).count(),
            "onboarding_total": steps.count(),
            "oob": True,
        }
        return render(request, "accounts/_onboarding_item.html", context)
    return redirect(detail_url(pk, "onboarding"))


@member_required
@require_POST
def onboarding_delete(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    actor = request.user
    item = _onboarding_item(actor, pk, item_pk)
    services.onboarding_item_delete(actor=actor, item=item)
    return redirect(detail_url(pk, "onboarding"))


# --- client context ---------------------------------------------------------------------------------


@member_required
@require_POST
def force_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    account = editable_account(actor, pk)
    form = DrivingForceForm(request.POST, prefix="force")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form, services.driving_force_create, actor=actor, account=account, **form.service_data()
        )
        if not status:
            return redirect(detail_url(account, "context"))
    return account_page(request, pk, forms={"force_form": form}, status=status)


def _force(actor: User, pk: int, force_pk: int) -> DrivingForce:
    try:
        return driving_forces_visible_to(actor).select_related("account").get(pk=force_pk, account_id=pk)
    except driving_forces_visible_to(actor).model.DoesNotExist:
        raise Http404 from None


@member_required
def force_edit(request: AuthenticatedHttpRequest, pk: int, force_pk: int) -> HttpResponse:
    actor = request.user
    force = _force(actor, pk, force_pk)
    account = editable_account(actor, pk)
    status = 200
    if request.method == "POST":
        form = DrivingForceForm(request.POST, instance=copy.copy(force))
        if form.is_valid():
            _result, status = run_service(
                form, services.driving_force_update, actor=actor, force=force, data=form.service_data()
            )
            if not status:
                return redirect(detail_url(account, "context"))
    else:
        form = DrivingForceForm(instance=copy.copy(force))
    return render(
        request, "accounts/force_form.html", {"form": form, "account": account, "force": force}, status=status
    )


@member_required
@require_POST
def force_delete(request: AuthenticatedHttpRequest, pk: int, force_pk: int) -> HttpResponse:
    actor = request.user
    force = _force(actor, pk, force_pk)
    services.driving_force_delete(actor=actor, force=force)
    return redirect(detail_url(pk, "context"))


@member_required
@require_POST
def goal_revise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    account = editable_account(actor, pk)
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
            return redirect(detail_url(account, "context"))
    return account_page(request, pk, forms={"goal_form": form}, status=status)
