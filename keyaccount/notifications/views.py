"""Pages: the notifications list and email preferences.

Views read through selectors and write through services; they only translate between HTTP and those.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.core.web import safe_next
from keyaccount.notifications import services
from keyaccount.notifications.models import NotificationKind
from keyaccount.notifications.selectors import (
    notification_get_for,
    notification_preferences_of,
    notifications_visible_to,
)
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest

PAGE_SIZE = 30


# --- notifications ----------------------------------------------------------------------------------


@member_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's notifications, newest first; unread ones stand out. Email preferences below."""
    unread_only = request.GET.get("unread") in ("1", "true")
    notifications = notifications_visible_to(request.user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(NotificationKind.choices)
    preferences = [
        {"kind": kind, "label": labels[kind], "email": on}
        for kind, on in notification_preferences_of(request.user).items()
    ]
    context = {"page": page, "unread_only": unread_only, "preferences": preferences}
    return render(request, "notifications/list.html", context)


@member_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with `next`, go on to what it is about."""
    notification = notification_get_for(request.user, pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    return redirect(safe_next(request, "notifications"))


@member_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    marked = services.notification_mark_all_read(actor=request.user)
    if marked:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications")


@member_required
@require_POST
def notification_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save which kinds also come by email: a ticked box is on, an unticked one off."""
    ticked = set(request.POST.getlist("email"))
    services.notification_preferences_set(
        actor=request.user,
        email={kind: kind in ticked for kind in NotificationKind.values},
    )
    messages.success(request, _("Email preferences saved."))
    return redirect("notifications")
