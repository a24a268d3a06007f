"""Pages: my day (the home page), the notifications list and email preferences, and the calendar feed.

Views read through selectors and write through services; they only translate between HTTP and those.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from keyaccount.core.web import member_required
from keyaccount.notifications import services
from keyaccount.notifications.day import day_for
from keyaccount.notifications.feed import calendar_feed, user_by_calendar_token
from keyaccount.notifications.models import NotificationKind
from keyaccount.notifications.selectors import (
    notification_get_for,
    notification_preferences_of,
    notifications_visible_to,
)
from keyaccount.tenancy import services as tenancy_services
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import membership_of

PAGE_SIZE = 30


def home(request: HttpRequest) -> HttpResponse:
    """The root address: my day for a signed-in member, their account for a client, sign-in for anyone else."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return my_day(request)


@member_required
def my_day(request: HttpRequest) -> HttpResponse:
    """What to do today: hot tasks, contacts due, requests to triage, meetings; a head sees the team."""
    membership = membership_of(request.user)  # type: ignore[arg-type]
    if membership is not None and membership.role == Role.CLIENT:
        return redirect("accounts:detail", membership.client_account_id)
    day = day_for(request.user)  # type: ignore[arg-type]
    return render(request, "day/day.html", {"day": day})


# --- notifications ----------------------------------------------------------------------------------


@member_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first; unread ones stand out. Email preferences below."""
    unread_only = request.GET.get("unread") in ("1", "true")
    notifications = notifications_visible_to(request.user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(NotificationKind.choices)
    preferences = [
        {"kind": kind, "label": labels[kind], "email": on}
        for kind, on in notification_preferences_of(request.user).items()  # type: ignore[arg-type]
    ]
    context = {"page": page, "unread_only": unread_only, "preferences": preferences}
    return render(request, "notifications/list.html", context)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@member_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with `next`, go on to what it is about."""
    notification = notification_get_for(request.user, pk)
    services.notification_mark_read(actor=request.user, notification=notification)  # type: ignore[arg-type]
    return redirect(_safe_next(request, "notifications"))


@member_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = services.notification_mark_all_read(actor=request.user)  # type: ignore[arg-type]
    if marked:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications")


@member_required
@require_POST
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Save which kinds also come by email: a ticked box is on, an unticked one off."""
    ticked = set(request.POST.getlist("email"))
    services.notification_preferences_set(
        actor=request.user,  # type: ignore[arg-type]
        email={kind: kind in ticked for kind in NotificationKind.values},
    )
    messages.success(request, _("Email preferences saved."))
    return redirect("notifications")


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
def calendar_token_create(request: HttpRequest) -> HttpResponse:
    """A new private feed address (the old one, if any, stops working)."""
    tenancy_services.user_calendar_token_create(actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Your calendar address is ready. Add it to your calendar app as a subscription."))
    return redirect("preferences")


@member_required
@require_POST
def calendar_token_revoke(request: HttpRequest) -> HttpResponse:
    tenancy_services.user_calendar_token_revoke(actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The calendar address no longer works."))
    return redirect("preferences")
