"""Who is acting, as the type checker sees it: what reads, permission checks and the clock accept.

Types only; nothing here runs. `keyaccount.core` imports it under `TYPE_CHECKING`, so the layers hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from keyaccount.tenancy.models import User

# `request.user` as it comes (signed in or not), or nobody at all (a job): reads and permission checks take
# any of them and answer "nothing" for whoever is not a member.
Actor: TypeAlias = "User | AnonymousUser | None"


class AuthenticatedHttpRequest(HttpRequest):
    """A request that `member_required` or `login_required` let through: `request.user` is a signed-in user."""

    user: User


class AuthenticatedRequest(Request):
    """An API request past the default permission classes (`IsOrganizationMember`): a signed-in user."""

    user: User  # narrows DRF's read-write `user` property; a type only, never set here
