"""The delivery side in the Django admin: read-only (changes go through the services and the app's pages)."""

from django.contrib import admin

from keyaccount.core.admin import ReadOnlyAdmin, ReadOnlyInline
from keyaccount.work.models import (
    Project,
    ProjectGoal,
    Request,
    Service,
    Task,
    TaskChecklistItem,
    TaskComment,
    TaskDueChange,
    TaskStatusChange,
)


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "is_active", "position"]
    list_filter = ["is_active", "organization"]
    search_fields = ["name"]


class ProjectGoalInline(ReadOnlyInline):
    model = ProjectGoal
    fields = ["description", "metric", "target_value", "target_date", "achieved_on"]
    show_change_link = False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "account", "service", "stage", "budget", "currency", "starts_on", "ends_on"]
    list_filter = ["stage", "organization"]
    search_fields = ["name", "account__name"]
    list_select_related = ["account", "service"]
    inlines = [ProjectGoalInline]


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "account", "channel", "received_at", "status", "response_due_at", "triaged_at"]
    list_filter = ["status", "channel", "reject_reason", "organization"]
    search_fields = ["text", "account__name"]
    list_select_related = ["account"]
    date_hierarchy = "received_at"


class TaskStatusChangeInline(ReadOnlyInline):
    model = TaskStatusChange
    fields = ["created_at", "from_status", "to_status", "reason", "changed_by"]
    readonly_fields = ["created_at"]
    show_change_link = False


class TaskDueChangeInline(ReadOnlyInline):
    model = TaskDueChange
    fields = ["created_at", "from_due_at", "to_due_at", "reason", "changed_by"]
    readonly_fields = ["created_at"]
    show_change_link = False


class TaskChecklistInline(ReadOnlyInline):
    model = TaskChecklistItem
    fields = ["title", "position", "done_at"]
    show_change_link = False


class TaskCommentInline(ReadOnlyInline):
    model = TaskComment
    fields = ["created_at", "author", "text"]
    readonly_fields = ["created_at"]
    show_change_link = False


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "account", "assignee", "priority", "status", "due_at", "completed_at"]
    list_filter = ["status", "priority", "organization"]
    search_fields = ["title", "account__name"]
    list_select_related = ["account", "assignee"]
    date_hierarchy = "due_at"
    inlines = [TaskChecklistInline, TaskStatusChangeInline, TaskDueChangeInline, TaskCommentInline]
