"""Who may reach the organization's pages and API at all: a signed-in member, and for the API a role that
may ever make the write asked for. Object scope comes from the selectors; these only keep strangers out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from keyaccount.tenancy.permissions import can, membership_of

View = Callable[..., HttpResponse]


def member_required(view: View) -> View:
    """Sign-in required (else the login page); a signed-in user without a membership gets 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if membership_of(request.user) is None:
            raise PermissionDenied(_("You are not a member of an organization."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


class IsOrganizationMember(permissions.BasePermission):
    """Signed in and a member of an organization; object scope comes from the selectors."""

    message = "You are not a member of any organization."

    def has_permission(self, request: Any, view: Any) -> bool:
        return membership_of(request.user) is not None


class HasCapability(permissions.BasePermission):
    """A write the actor's role may never make answers 403 before any input is read.

    A viewset maps its actions to capabilities of `keyaccount.tenancy.permissions` (the one place for the
    rules) in `capabilities`; the services check the same capability again, with the object's scope. A view
    without `capabilities` is not restricted here.
    """

    message = _("Your role does not allow this.")

    def has_permission(self, request: Any, view: Any) -> bool:
        action = getattr(view, "action", None)
        action = "update" if action == "partial_update" else action
        capability = getattr(view, "capabilities", {}).get(action)
        return capability is None or can(request.user, capability)
