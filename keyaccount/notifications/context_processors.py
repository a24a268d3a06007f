"""The unread-notification count in the page header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from keyaccount.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """`unread_notifications`: counted once, and only when a page shows it (one COUNT on an index)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
