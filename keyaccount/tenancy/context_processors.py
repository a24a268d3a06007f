from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from keyaccount.tenancy.permissions import CAPABILITIES, membership_of


def membership(request: HttpRequest) -> dict[str, Any]:
    """`membership` and `can` (capability → bool) for templates."""
    m = membership_of(getattr(request, "user", None))
    role = m.role if m else None
    return {"membership": m, "can": {name: role in roles for name, roles in CAPABILITIES.items()}}
