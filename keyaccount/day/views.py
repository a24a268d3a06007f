"""Pages: my day (the home page) and the private calendar feed with its address.

Views read through selectors and write through services; they only translate between HTTP and those.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from keyaccount.day.feed import calendar_feed, user_by_calendar_token
from keyaccount.day.selectors import day_for
from keyaccount.tenancy import services as tenancy_services
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import membership_of


def home(request: HttpRequest) -> HttpResponse:
    """The root address: my day for a signed-in member, their account for a client, sign-in for anyone else."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return my_day(request)


@member_required
def my_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What to do today: hot tasks, contacts due, requests to triage, meetings; a head sees the team."""
    membership = membership_of(request.user)
    if membership is not None and membership.role == Role.CLIENT:
        return redirect("accounts:detail", membership.client_account_id)
    day = day_for(request.user)
    return render(request, "day/day.html", {"day": day})


# --- the calendar feed ------------------------------------------------------------------------------


@require_GET
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The private iCalendar feed (no sign-in: the token in the address is the key)."""
    user = user_by_calendar_token(token)
    body = calendar_feed(user, request.build_absolute_uri, request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="keyaccount.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@member_required
@require_POST
def calendar_token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new private feed address (the old one, if any, stops working)."""
    tenancy_services.user_calendar_token_create(actor=request.user)
    messages.success(request, _("Your calendar address is ready. Add it to your calendar app as a subscription."))
    return redirect("preferences")


@member_required
@require_POST
def calendar_token_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    tenancy_services.user_calendar_token_revoke(actor=request.user)
    messages.success(request, _("The calendar address no longer works."))
    return redirect("preferences")
