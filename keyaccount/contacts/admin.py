"""Stakeholders in the Django admin: read-only (changes go through the services and the app's pages)."""

from django.contrib import admin

from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.core.admin import ReadOnlyAdmin, ReadOnlyInline


class OtherRolesInline(ReadOnlyInline):
    model = ContactAccountRole
    fk_name = "contact"
    fields = ["account", "decision_role", "attitude", "influence"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "title", "account", "decision_role", "attitude", "influence", "organization"]
    list_filter = ["decision_role", "attitude", "organization"]
    search_fields = ["name", "email", "account__name"]
    list_select_related = ["account", "organization"]
    inlines = [OtherRolesInline]


@admin.register(ContactAccountRole)
class ContactAccountRoleAdmin(ReadOnlyAdmin):
    list_display = ["contact", "account", "decision_role", "attitude", "influence"]
    list_filter = ["decision_role", "organization"]
    list_select_related = ["contact", "account"]
