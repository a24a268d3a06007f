"""The teams page: administrators form teams of account managers and name the head who leads each.

Dashboards compare an account manager with their team's average (see `kpis.scope`, scope "team:<id>").
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.tenancy import services
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.forms import TeamForm, TeamMembershipForm, add_service_errors
from keyaccount.tenancy.models import Role, User
from keyaccount.tenancy.permissions import require
from keyaccount.tenancy.selectors import teams_visible_to, users_visible_to


def _leads(actor: User) -> Any:
    return users_visible_to(actor).filter(membership__role__in=sorted(services.TEAM_LEAD_ROLES))


def _page(
    request: AuthenticatedHttpRequest,
    *,
    create_form: TeamForm | None = None,
    failed_member: tuple[int, TeamMembershipForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    teams = list(teams_visible_to(actor).order_by("name"))
    managers = list(
        users_visible_to(actor)
        .filter(membership__role__in=sorted(services.TEAM_MEMBER_ROLES))
        .select_related("membership__team")
        .order_by("name", "email")
    )
    by_team: dict[int, list[User]] = {team.pk: [] for team in teams}
    rows = []
    for person in managers:
        membership = person.membership
        if membership.team_id in by_team:
            by_team[membership.team_id].append(person)
        if failed_member and failed_member[0] == membership.pk:
            form = failed_member[1]
        else:
            form = TeamMembershipForm(initial={"team": membership.team_id}, prefix=f"m{membership.pk}", teams=teams)
        rows.append({"person": person, "membership": membership, "form": form})
    context = {
        "teams": [{"team": team, "members": by_team[team.pk]} for team in teams],
        "rows": rows,
        "create_form": create_form or TeamForm(leads=_leads(actor)),
    }
    return render(request, "tenancy/teams.html", context, status=status)


@login_required
def teams(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organization's teams and their account managers; an administrator creates teams here."""
    actor = request.user
    require(actor, "edit_settings")
    if request.method != "POST":
        return _page(request)
    form = TeamForm(request.POST, leads=_leads(actor))
    if form.is_valid():
        try:
            team = services.team_create(actor=actor, name=form.cleaned_data["name"], lead=form.cleaned_data["lead"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("teams")
    return _page(request, create_form=form, status=400)


@login_required
@require_POST
def team_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An administrator dissolves a team; its account managers stay, without a team."""
    actor = request.user
    require(actor, "edit_settings")
    team = teams_visible_to(actor).filter(pk=pk).first()
    if team is None:
        raise Http404
    services.team_delete(actor=actor, team=team)
    messages.success(request, _("Team %(name)s dissolved.") % {"name": team.name})
    return redirect("teams")


@login_required
@require_POST
def team_member(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """An administrator puts an account manager in a team, or takes them out."""
    actor = request.user
    require(actor, "edit_settings")
    person = (
        users_visible_to(actor)
        .filter(membership__pk=membership_id, membership__role=Role.ACCOUNT_MANAGER)
        .select_related("membership__team")
        .first()
    )
    if person is None:
        raise Http404
    form = TeamMembershipForm(request.POST, prefix=f"m{membership_id}", teams=list(teams_visible_to(actor)))
    if form.is_valid():
        try:
            services.membership_set_team(actor=actor, membership=person.membership, team=form.cleaned_data["team"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(person)s's team is saved.") % {"person": person})
            return redirect("teams")
    return _page(request, failed_member=(membership_id, form), status=400)
