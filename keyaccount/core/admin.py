"""Django admin: a superuser's read-mostly window onto the data.

Domain records change only through services (validation, audit, jobs), so the admin shows them read-only;
only organizations and users are managed here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from keyaccount.core.models import AuditEvent


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Visible to superusers only, whatever model permissions a staff user holds."""

    # Web addresses typed without a scheme are read as https, as on Keyaccount's own forms.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


class ReadOnlyAdmin(SuperuserOnlyAdmin):
    """Look, never touch: writes of domain records belong to the services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "organization", "actor", "action", "object_type", "object_repr", "account"]
    list_filter = ["action", "object_type", "organization"]
    search_fields = ["object_repr", "object_id", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["organization", "actor", "account"]
