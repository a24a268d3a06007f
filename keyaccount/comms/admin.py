"""The communications log in the Django admin: read-only (changes go through the services and the app's pages)."""

from django.contrib import admin

from keyaccount.comms.models import Interaction
from keyaccount.core.admin import ReadOnlyAdmin


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "state", "subject", "account", "sentiment", "logged_by", "organization"]
    list_filter = ["kind", "state", "direction", "organization"]
    search_fields = ["subject", "summary", "account__name"]
    list_select_related = ["account", "logged_by", "organization"]
    date_hierarchy = "occurred_at"
