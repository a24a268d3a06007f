"""Client accounts in the Django admin: read-only (changes go through the services and the app's pages)."""

from django.contrib import admin

from keyaccount.accounts.models import (
    Account,
    AccountStatusChange,
    AccountTeamMember,
    BusinessGoalRevision,
    DrivingForce,
    HandoverBrief,
    OnboardingItem,
    OnboardingTemplateItem,
    Tag,
)
from keyaccount.core.admin import ReadOnlyAdmin, ReadOnlyInline


class TeamInline(ReadOnlyInline):
    model = AccountTeamMember
    fields = ["user", "role"]


class StatusChangeInline(ReadOnlyInline):
    model = AccountStatusChange
    fields = ["created_at", "from_status", "to_status", "churn_reason", "changed_by"]
    readonly_fields = ["created_at"]
    show_change_link = False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "status", "tier", "owner", "currency", "updated_at"]
    list_filter = ["status", "tier", "kind", "organization"]
    search_fields = ["name", "legal_name", "industry"]
    list_select_related = ["organization", "owner"]
    inlines = [TeamInline, StatusChangeInline]


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]
    search_fields = ["name"]


@admin.register(HandoverBrief)
class HandoverBriefAdmin(ReadOnlyAdmin):
    list_display = ["account", "organization", "sold_by", "signed_on", "handed_over_at"]
    list_filter = ["organization"]
    search_fields = ["account__name", "signed_by"]
    list_select_related = ["account", "organization", "sold_by"]


@admin.register(OnboardingTemplateItem)
class OnboardingTemplateItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "organization"]
    list_filter = ["organization"]


@admin.register(OnboardingItem)
class OnboardingItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "account", "done_at", "done_by"]
    list_filter = ["organization"]
    list_select_related = ["account", "done_by"]


@admin.register(DrivingForce)
class DrivingForceAdmin(ReadOnlyAdmin):
    list_display = ["account", "kind", "subject", "impact", "noted_on"]
    list_filter = ["kind", "impact", "organization"]
    list_select_related = ["account"]


@admin.register(BusinessGoalRevision)
class BusinessGoalRevisionAdmin(ReadOnlyAdmin):
    list_display = ["account", "revised_on", "author"]
    list_filter = ["organization"]
    list_select_related = ["account", "author"]
