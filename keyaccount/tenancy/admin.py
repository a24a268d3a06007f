"""Organizations and users in the Django admin: superusers manage these two; the rest is read-only."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from keyaccount.core.admin import ReadOnlyAdmin, ReadOnlyInline, SuperuserOnlyAdmin
from keyaccount.tenancy.models import Invitation, Membership, Organization, User


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["user", "role", "client_account", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Organization)
class OrganizationAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "slug", "default_currency", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChangeFormForEmail(UserChangeForm):
    class Meta:
        model = User
        fields = ["email", "password", "name", "timezone", "language", "is_active", "is_staff", "is_superuser"]


@admin.register(User)
class UserAdmin(SuperuserOnlyAdmin, DjangoUserAdmin):
    form = UserChangeFormForEmail
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "membership_role", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "membership__role"]
    search_fields = ["email", "name"]
    list_select_related = ["membership"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal"), {"fields": ["name", "timezone", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]})]
    filter_horizontal: ClassVar[list[str]] = []

    @admin.display(description=_("role"), ordering="membership__role")
    def membership_role(self, obj: User) -> str:
        membership = getattr(obj, "membership", None)
        return membership.get_role_display() if membership else "—"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organization", "role", "client_account", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__email", "user__name"]
    list_select_related = ["user", "organization", "client_account"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organization", "role", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "organization"]
    search_fields = ["email", "name"]
    list_select_related = ["organization", "invited_by"]
    exclude = ["token"]
