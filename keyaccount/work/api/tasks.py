"""REST API of team tasks with their workflow and deadline moves, checklists and comments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from keyaccount.core.api import ScopedPrimaryKeyRelatedField, ServiceViewSetMixin, VersionedSerializerMixin
from keyaccount.tenancy.actors import AuthenticatedRequest
from keyaccount.work import services
from keyaccount.work.api.common import (
    ACCOUNT_SCOPE,
    COLLEAGUE_SCOPE,
    CONFLICT,
    PROJECT_SCOPE,
    TASK_SCOPE,
    VERSION_HELP,
    ActorDateTimeField,
    WorkSerializer,
)
from keyaccount.work.filtersets import TaskChecklistItemFilterSet, TaskCommentFilterSet, TaskFilterSet
from keyaccount.work.models import Request, Task, TaskChecklistItem, TaskComment, TaskStatus
from keyaccount.work.selectors import (
    checklist_items_visible_to,
    requests_visible_to,
    task_comments_visible_to,
    tasks_visible_to,
)


class TaskSerializer(VersionedSerializerMixin, WorkSerializer):
    """A piece of work for the team. After creation the status moves with `POST …/{id}/transition/` and
    the deadline with `POST …/{id}/move-due/`."""

    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    assignee = ScopedPrimaryKeyRelatedField(
        **COLLEAGUE_SCOPE, allow_null=True, required=False, help_text=_("User id of a colleague.")
    )
    project = ScopedPrimaryKeyRelatedField(
        **PROJECT_SCOPE, allow_null=True, required=False, help_text=_("A project of the same account.")
    )
    request = ScopedPrimaryKeyRelatedField(
        model=Request,
        scope=requests_visible_to,
        allow_null=True,
        required=False,
        help_text=_("The client request it comes from (same account)."),
    )
    due_at = ActorDateTimeField(
        allow_null=True, required=False, help_text=_("ISO 8601; a time without a zone is read in yours.")
    )
    is_open = serializers.BooleanField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("Open and past its deadline."))
    is_due_soon = serializers.BooleanField(read_only=True, help_text=_("Open and due within 24 hours."))
    checklist_total = serializers.IntegerField(read_only=True)
    checklist_done = serializers.IntegerField(read_only=True)
    allowed_transitions = serializers.SerializerMethodField(help_text=_("Statuses it may move to now."))
    checklist = serializers.ListField(
        child=serializers.CharField(max_length=200),
        write_only=True,
        required=False,
        help_text=_("On creation: titles of checklist steps."),
    )
    create_only_fields = {
        "account": _("A task stays with its account."),
        "request": _("A task stays with its request."),
        "due_at": _("Move the deadline with POST /api/v1/tasks/{id}/move-due/."),
    }

    class Meta:
        model = Task
        fields = [
            "id",
            "account",
            "project",
            "request",
            "title",
            "description",
            "expected_result",
            "assignee",
            "created_by",
            "priority",
            "due_at",
            "status",
            "completed_at",
            "is_open",
            "is_overdue",
            "is_due_soon",
            "checklist_total",
            "checklist_done",
            "allowed_transitions",
            "checklist",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_by", "status", "completed_at", "created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=TaskStatus.choices)))
    def get_allowed_transitions(self, task: Task) -> list[str]:
        return services.allowed_transitions(task)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        sent_status = self.initial_data.get("status") if hasattr(self, "initial_data") else None
        current = self.instance.status if self.instance is not None else TaskStatus.NEW
        if sent_status is not None and sent_status != current:
            errors["status"] = _("Change the status with POST /api/v1/tasks/{id}/transition/.")
        if self.instance is not None and "checklist" in attrs:
            errors["checklist"] = _("Add steps with POST /api/v1/task-checklist-items/.")
        try:
            attrs = super().validate(attrs)
        except serializers.ValidationError as e:
            errors.update(e.detail if isinstance(e.detail, dict) else {"non_field_errors": e.detail})
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=TaskStatus.choices, help_text=_("The status to move to."))
    reason = serializers.CharField(required=False, allow_blank=True, help_text=_("Why (e.g. what blocks it)."))
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class MoveDueInputSerializer(serializers.Serializer):
    due_at = ActorDateTimeField(allow_null=True, help_text=_("The new deadline; null removes it."))
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Required when a deadline was already set.")
    )
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


TRANSITION_REFUSED = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description='A move the workflow does not allow: `{"to": ["…"], "allowed": ["review", …]}`; nothing changed.',
)


@extend_schema(tags=["work"])
@extend_schema_view(update=extend_schema(responses={200: TaskSerializer, 409: CONFLICT}))
class TaskViewSet(
    ServiceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Tasks the signed-in user sees: a specialist their own, the account side their accounts'. A task is
    not deleted; it is cancelled."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    search_fields = ["title", "description"]
    ordering_fields = ["due_at", "status", "title", "created_at", "updated_at"]
    capabilities = {
        "create": "manage_tasks",
        "update": "manage_tasks",
        "transition": "work_tasks",
        "move_due": "manage_tasks",
    }
    selector = tasks_visible_to
    services = {"create": services.task_create, "update": services.task_update}

    def get_queryset(self):
        # Undated tasks last: an order `ordering` cannot name.
        return super().get_queryset().order_by(F("due_at").asc(nulls_last=True), "id")

    @extend_schema(
        request=TransitionInputSerializer,
        responses={200: TaskSerializer, 400: TRANSITION_REFUSED, 409: CONFLICT},
        summary="Move the task along its workflow",
        description="new → in_progress → review → done; any open status → blocked or cancelled; blocked → "
        "in_progress; review → in_progress. The assignee may move their own task.",
    )
    @action(detail=True, methods=["post"], url_path="transition", serializer_class=TransitionInputSerializer)
    def transition(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        task = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            services.task_transition(
                actor=request.user,
                task=task,
                to=data["to"],
                reason=data.get("reason", ""),
                expected_version=data.get("version"),
            )
        except DjangoValidationError as e:
            if hasattr(e, "error_dict") and "to" in e.error_dict:
                body = {"to": [str(m) for err in e.error_dict["to"] for m in err.messages]}
                body["allowed"] = services.allowed_transitions(task)
                return Response(body, status=status.HTTP_400_BAD_REQUEST)
            raise
        return self.fresh_response(task, TaskSerializer)

    @extend_schema(
        request=MoveDueInputSerializer,
        responses={200: TaskSerializer, 409: CONFLICT},
        summary="Set or move the deadline",
        description="Moving a deadline that was set needs a `reason`; the move is kept in the task's history "
        "and reminders fire again for the new date.",
    )
    @action(detail=True, methods=["post"], url_path="move-due", serializer_class=MoveDueInputSerializer)
    def move_due(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        task = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.task_move_due(
            actor=request.user,
            task=task,
            due_at=data["due_at"],
            reason=data.get("reason", ""),
            expected_version=data.get("version"),
        )
        return self.fresh_response(task, TaskSerializer)


class TaskChecklistItemSerializer(WorkSerializer):
    """A step of a task's checklist; `done` ticks it (the assignee may too)."""

    task = ScopedPrimaryKeyRelatedField(**TASK_SCOPE)
    done = serializers.BooleanField(required=False, help_text=_("Ticked."))
    create_only_fields = {"task": _("A step stays with its task.")}

    class Meta:
        model = TaskChecklistItem
        fields = ["id", "task", "title", "position", "done", "done_at"]
        read_only_fields = ["done_at"]
        extra_kwargs = {"position": {"required": False}}

    def to_representation(self, instance: TaskChecklistItem) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["done"] = instance.done_at is not None
        return data


@extend_schema(tags=["work"])
class TaskChecklistItemViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Checklist steps of the tasks the signed-in user sees; `?task=` lists one task's."""

    serializer_class = TaskChecklistItemSerializer
    filterset_class = TaskChecklistItemFilterSet
    ordering_fields = ["position", "id"]
    ordering = ["task_id", "position", "id"]
    capabilities = {"create": "manage_tasks", "update": "work_tasks", "destroy": "manage_tasks"}
    selector = checklist_items_visible_to
    services = {"delete": services.task_checklist_delete}
    object_kwarg = "item"

    # A step can be created already ticked: two services, the add and then the tick.
    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        item = services.task_checklist_add(actor=self.request.user, task=data["task"], title=data["title"])
        if data.get("done"):
            item = services.task_checklist_toggle(actor=self.request.user, item=item, done=True)
        self.written(serializer, item)

    # Ticking (`done`) is its own service; the other fields go to the update only when they changed.
    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        item: TaskChecklistItem = serializer.instance  # type: ignore[assignment]  # an update's serializer has its instance
        done = data.pop("done", None)
        changes = {k: v for k, v in data.items() if getattr(item, k) != v}
        if changes:
            item = services.task_checklist_update(actor=self.request.user, item=item, data=changes)
        if done is not None:
            item = services.task_checklist_toggle(actor=self.request.user, item=item, done=done)
        self.written(serializer, item)


class TaskCommentSerializer(WorkSerializer):
    task = ScopedPrimaryKeyRelatedField(**TASK_SCOPE)

    class Meta:
        model = TaskComment
        fields = ["id", "task", "author", "text", "created_at"]
        read_only_fields = ["author", "created_at"]


@extend_schema(tags=["work"])
class TaskCommentViewSet(
    ServiceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Comments on the tasks the signed-in user sees, oldest first; `?task=` lists one task's."""

    serializer_class = TaskCommentSerializer
    filterset_class = TaskCommentFilterSet
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at", "id"]
    capabilities = {"create": "work_tasks"}
    selector = task_comments_visible_to
    services = {"create": services.task_comment_add}
