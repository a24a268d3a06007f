"""Notifications and the scheduler's claimed slots in the Django admin, read-only."""

from __future__ import annotations

from django.contrib import admin

from keyaccount.core.admin import ReadOnlyAdmin
from keyaccount.core.models import PeriodicJobRun
from keyaccount.notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "organization", "recipient", "kind", "title", "read_at", "emailed_at"]
    list_filter = ["kind", "organization"]
    search_fields = ["title", "recipient__email", "subject_title"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "email"]
    list_filter = ["kind", "email"]
    search_fields = ["user__email"]


@admin.register(PeriodicJobRun)
class PeriodicJobRunAdmin(ReadOnlyAdmin):
    """Which slot of which periodic job was claimed, and when (the scheduler's record)."""

    list_display = ["job", "slot_at", "claimed_at"]
    list_filter = ["job"]
    date_hierarchy = "slot_at"
