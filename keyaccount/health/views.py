"""Pages of account health: the organization's model (admins and heads) and an account's health,
explained, with the team's assessment form and the last 90 days of snapshots."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.core.clock import organization_today
from keyaccount.core.web import run_service
from keyaccount.health import measures as health_measures
from keyaccount.health import selectors, services
from keyaccount.health.forms import AssessmentForm, HealthModelForm
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.permissions import can, editable_accounts_q, membership_of

if TYPE_CHECKING:
    from keyaccount.tenancy.actors import Actor, AuthenticatedHttpRequest

HISTORY_DAYS = 90


@member_required
def model_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Thresholds and each measure's weight, switch, settings and alert level."""
    actor = request.user
    if not can(actor, "manage_health_model"):
        raise PermissionDenied(_("Your role does not allow this."))
    membership = membership_of(actor)
    assert membership is not None
    model = services.model_for(membership.organization_id)
    measures = services.measures_of(membership.organization_id)
    status = 200
    if request.method == "POST":
        form = HealthModelForm(request.POST, measures=measures, defaults=health_measures.DEFAULTS)
        if form.is_valid():
            _result, status = run_service(
                form,
                services.update_model,
                renames=form.renames(),
                actor=actor,
                red_below=form.cleaned_data["red_below"],
                green_from=form.cleaned_data["green_from"],
                measures=form.measures_data(),
                expected_version=form.cleaned_data["version"],
            )
            if not status:
                messages.success(request, _("The health model was saved; the scores update in the background."))
                return redirect("health:settings")
    else:
        form = HealthModelForm(
            measures=measures,
            defaults=health_measures.DEFAULTS,
            initial={"red_below": model.red_below, "green_from": model.green_from, "version": model.version},
        )
    total = sum(m.weight for m in measures if m.enabled)
    shares = {m.key: (100 * m.weight / total if total and m.enabled else 0) for m in measures}
    rows = [{**row, "share": shares[row["key"]]} for row in form.bound_rows()]
    return render(request, "health/settings.html", {"form": form, "rows": rows}, status=status)


def _account_for(actor: Actor, pk: int | str) -> Account:
    account = (
        Account.objects.filter(selectors.health_visible_q(actor, prefix=""), pk=pk)
        .select_related("organization")
        .first()
    )
    if account is None:
        raise Http404
    return account


@member_required
def account_health(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An account's score, band and trend, every measure explained, what changed since last month, the
    team's assessments and the last 90 days of snapshots."""
    actor = request.user
    account = _account_for(actor, pk)
    may_assess = (
        can(actor, "assess_health")
        and Account.objects.filter(editable_accounts_q(actor, "assess_health"), pk=account.pk).exists()
    )
    today = organization_today(account.organization)
    status = 200
    form = None
    if request.method == "POST":
        if not may_assess:
            raise PermissionDenied(_("You cannot assess this account."))
        form = AssessmentForm(request.POST)
        if form.is_valid():
            _result, status = run_service(
                form, services.record_assessment, actor=actor, account=account, **form.cleaned_data
            )
            if not status:
                messages.success(request, _("Your assessment was recorded; the score updates in a few seconds."))
                return redirect("health:account", pk=account.pk)
    elif may_assess:
        form = AssessmentForm(initial={"expires_on": today + datetime.timedelta(days=30)})
    context: dict[str, Any] = {
        "account": account,
        "health": selectors.explanation(account),
        "snapshots": list(
            selectors.history(account, today - datetime.timedelta(days=HISTORY_DAYS - 1), today).order_by("-on")
        ),
        "assessments": list(selectors.assessments_visible_to(actor).filter(account=account)[:5]),
        "form": form,
        "today": today,
    }
    return render(request, "health/account.html", context, status=status)


@member_required
def account_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The account page's health panel (loaded by htmx after the page, so the page's own queries stay
    as they are): score, band, trend, the two weakest measures and a link to the explanation."""
    actor = request.user
    account = _account_for(actor, pk)
    return render(request, "health/_panel.html", {"account": account, "health": selectors.panel(actor, account)})
