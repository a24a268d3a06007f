"""The dashboards: the organization (or a team), one account manager, one account.

Each page reads a period (month, quarter, year or custom dates), a currency and its scope, builds its
charts through `dashboards.selectors`, and answers `?export=<chart name>` with that chart's table as CSV.

Who sees what (docs): money is on every dashboard, so specialists and clients get 403. The organization
dashboard shows everything the reader sees: the organization for heads and admins, the accounts they work
on for account managers, assistants and sales; heads and admins may narrow it to a team ("team:<id>") and
see account managers side by side and the health backtest. An account manager's dashboard is open to
heads and admins (with the team average) and to that account manager; an account's to whoever sees it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.core.clock import organization_today
from keyaccount.core.money import Currency
from keyaccount.dashboards import backtest, selectors
from keyaccount.dashboards import kpis as dash_kpis
from keyaccount.dashboards.charts import Chart, csv_response, find, payload
from keyaccount.dashboards.periods import KINDS, Picker, picker_from, trend_months
from keyaccount.kpis.base import Frame
from keyaccount.kpis.scope import frame_from
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.models import Role, User
from keyaccount.tenancy.permissions import ORG_WIDE, require
from keyaccount.tenancy.selectors import teams_visible_to, users_visible_to

# Errors of the KPI frame, shown on the picker's fields.
_FIELD_OF = {"period_start": "start", "period_end": "end"}


def _frame(request: AuthenticatedHttpRequest, picker: Picker, errors: dict[str, str]) -> Frame | None:
    try:
        frame = frame_from(request.user, picker.kpi_params())
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(_FIELD_OF.get(name, name), " ".join(messages))
        return None
    return None if errors else frame


def _render(
    request: HttpRequest,
    template: str,
    *,
    picker: Picker,
    frame: Frame | None,
    errors: dict[str, str],
    charts: list[Chart],
    export_prefix: str,
    **context: Any,
) -> HttpResponse:
    name = request.GET.get("export")
    if name and not errors:
        chart = find(charts, name)
        if chart is None:
            raise Http404
        return csv_response(chart, prefix=export_prefix)
    context.update(
        {
            "picker": picker,
            "frame": frame,
            "errors": errors,
            "kinds": KINDS,
            "currencies": Currency.choices,
            "charts": {chart.name: _with_payload(chart) for chart in charts},
            "base_query": picker.query(),
        }
    )
    return render(request, template, context, status=400 if errors else 200)


def _with_payload(chart: Chart) -> dict[str, Any]:
    return {"chart": chart, "payload": payload(chart) if chart.draw else None}


def _money_charts(frame: Frame, ids: list[int], today: datetime.date) -> list[Chart]:
    """The charts every portfolio dashboard has: health, movements, aging, renewals, top risk."""
    first, last = trend_months(frame.period.start, frame.period.end)
    upcoming = selectors.renewals(frame, today, ids)
    return [
        selectors.health_distribution_chart(frame),
        selectors.movements_chart(frame, first, last, ids),
        selectors.aging_chart(frame, selectors.receivables_open(frame)),
        selectors.renewals_chart(frame, upcoming),
        selectors.renewal_list_chart(upcoming),
        selectors.top_risk_chart(frame),
    ]


def _am_link(person: User) -> str:
    return reverse("dashboards:am", args=[person.pk])


@login_required
def organization(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything the reader sees (the organization for heads and admins), or one team."""
    actor = request.user
    membership = require(actor, "see_money")
    org_wide = membership.role in ORG_WIDE
    today = organization_today(membership.organization)
    picker, errors = picker_from(request.GET, today, scope="organization", currency="")
    kind, _sep, ident = picker.scope.partition(":")
    if kind not in ("organization", "team"):
        errors["scope"] = str(_('Use "organization" or "team:<team id>".'))
    frame = None if errors else _frame(request, picker, errors)
    teams = list(teams_visible_to(actor).order_by("name")) if org_wide else []
    charts: list[Chart] = []
    team = None
    if frame is not None:
        ids = selectors.account_ids(frame)
        rows = dash_kpis.kpi_rows(dash_kpis.metrics_of(frame))
        charts = [dash_kpis.kpi_chart(rows, currency=frame.currency), *_money_charts(frame, ids, today)]
        if org_wide:
            people_qs = users_visible_to(actor).filter(membership__role=Role.ACCOUNT_MANAGER).order_by("name", "email")
            if kind == "team":
                team = next((t for t in teams if t.pk == int(ident)), None)
                people_qs = people_qs.filter(membership__team_id=int(ident))
            people = list(people_qs)
            by_am = dash_kpis.metrics_by_am(actor, frame, [p.pk for p in people])
            charts.append(dash_kpis.comparison_chart(people, by_am, currency=frame.currency, link=_am_link))
            charts.extend(backtest.charts(frame))
        context: dict[str, Any] = {"kpis": rows}
    else:
        context = {"kpis": []}
    return _render(
        request,
        "dashboards/organization.html",
        picker=picker,
        frame=frame,
        errors=errors,
        charts=charts,
        export_prefix=picker.scope.replace(":", "-"),
        org_wide=org_wide,
        scope_choices=[("organization", _("The whole organization"))]
        + [(f"team:{t.pk}", _("Team %(name)s") % {"name": t.name}) for t in teams]
        if teams
        else [],
        team=team,
        **context,
    )


OWNER_ROLES = (Role.ACCOUNT_MANAGER, Role.HEAD, Role.ADMIN)


@login_required
def account_manager(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """One account manager's portfolio and KPIs; heads and admins see the team average beside them."""
    actor = request.user
    membership = require(actor, "see_money")
    org_wide = membership.role in ORG_WIDE
    if not org_wide and membership.role != Role.ACCOUNT_MANAGER:
        raise PermissionDenied(_("Your role does not allow this."))
    if not org_wide and user_id != actor.pk:
        raise Http404
    person = (
        users_visible_to(actor)
        .filter(pk=user_id, membership__role__in=OWNER_ROLES)
        .select_related("membership__team")
        .first()
    )
    if person is None:
        raise Http404
    today = organization_today(membership.organization)
    picker, errors = picker_from(request.GET, today, scope="", currency="")
    picker = Picker(**{**picker.__dict__, "scope": f"am:{person.pk}"})
    frame = None if errors else _frame(request, picker, errors)
    charts: list[Chart] = []
    context: dict[str, Any] = {"person": person, "kpis": [], "team": None, "org_wide": org_wide}
    if frame is not None:
        ids = selectors.account_ids(frame)
        compared: dict[str, Any] | None = None
        compared_label = None
        peers: list[User] = []
        if org_wide:
            team = person.membership.team
            peers_qs = users_visible_to(actor).filter(membership__role=Role.ACCOUNT_MANAGER)
            peers_qs = peers_qs.filter(membership__team=team) if team else peers_qs
            peers = list(peers_qs.order_by("name", "email"))
            if person.pk not in {p.pk for p in peers}:
                peers.append(person)
            by_am = dash_kpis.metrics_by_am(actor, frame, [p.pk for p in peers])
            metrics = by_am[person.pk]
            compared = dash_kpis.team_average(by_am)
            compared_label = _("Team average") if team else _("Average of all account managers")
            context["team"] = team
            context["compared_label"] = compared_label
        else:
            metrics = dash_kpis.metrics_of(frame)
        rows = dash_kpis.kpi_rows(metrics, compared)
        context["kpis"] = rows
        charts = [
            dash_kpis.kpi_chart(rows, currency=frame.currency, compared_label=compared_label),
            selectors.portfolio_chart(frame, selectors.receivables_open(frame), ids, today),
            *_money_charts(frame, ids, today),
        ]
        if org_wide:
            charts.append(dash_kpis.comparison_chart(peers, by_am, currency=frame.currency, link=_am_link))
    return _render(
        request,
        "dashboards/am.html",
        picker=picker,
        frame=frame,
        errors=errors,
        charts=charts,
        export_prefix=f"am-{person.pk}",
        **context,
    )


@login_required
def account(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One account: its KPIs, health over time, revenue and touches by month, receivables, renewals."""
    actor = request.user
    membership = require(actor, "see_money")
    target = accounts_visible_to(actor).select_related("owner").filter(pk=pk).first()
    if target is None:
        raise Http404
    today = organization_today(membership.organization)
    picker, errors = picker_from(request.GET, today, scope="", currency="")
    picker = Picker(**{**picker.__dict__, "scope": f"account:{target.pk}"})
    frame = None if errors else _frame(request, picker, errors)
    charts: list[Chart] = []
    rows: list[Any] = []
    if frame is not None:
        first, last = trend_months(frame.period.start, frame.period.end)
        rows = dash_kpis.kpi_rows(dash_kpis.metrics_of(frame))
        upcoming = selectors.renewals(frame, today, [target.pk])
        charts = [
            dash_kpis.kpi_chart(rows, currency=frame.currency),
            selectors.health_history_chart(target, first, frame.period.end),
            selectors.revenue_by_month_chart(frame, target, first, last),
            selectors.touches_by_month_chart(frame, first, last),
            selectors.aging_chart(frame, selectors.receivables_open(frame)),
            selectors.renewal_list_chart(upcoming),
        ]
    return _render(
        request,
        "dashboards/account.html",
        picker=picker,
        frame=frame,
        errors=errors,
        charts=charts,
        export_prefix=f"account-{target.pk}",
        account=target,
        kpis=rows,
    )
