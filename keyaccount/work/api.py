"""REST API of the delivery side: the service catalogue, projects and goals, client requests and their
triage, team tasks with their workflow, checklists and comments.

Serializers validate and render; every write goes to `keyaccount.work.services` with the signed-in
user as the actor, and every queryset comes from `keyaccount.work.selectors`.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.contacts.models import Contact
from keyaccount.contacts.selectors import contacts_visible_to
from keyaccount.core.api import (
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
    VersionedSerializerMixin,
    actor_of,
)
from keyaccount.core.money import Currency
from keyaccount.tenancy.models import User
from keyaccount.tenancy.permissions import can
from keyaccount.tenancy.selectors import team_candidates
from keyaccount.work import services
from keyaccount.work.filtersets import (
    ProjectFilterSet,
    ProjectGoalFilterSet,
    RequestFilterSet,
    ServiceFilterSet,
    TaskChecklistItemFilterSet,
    TaskCommentFilterSet,
    TaskFilterSet,
)
from keyaccount.work.models import (
    Project,
    ProjectGoal,
    RejectReason,
    Request,
    Service,
    Task,
    TaskChecklistItem,
    TaskComment,
    TaskPriority,
    TaskStatus,
)
from keyaccount.work.selectors import (
    checklist_items_visible_to,
    project_goals_visible_to,
    projects_visible_to,
    requests_visible_to,
    services_of,
    task_comments_visible_to,
    tasks_visible_to,
)

ACCOUNT_SCOPE = {"model": Account, "scope": accounts_visible_to}
PROJECT_SCOPE = {"model": Project, "scope": projects_visible_to}
TASK_SCOPE = {"model": Task, "scope": tasks_visible_to}
COLLEAGUE_SCOPE = {"model": User, "scope": team_candidates}
CONFLICT = OpenApiResponse(description="Someone else saved the record first (stale `version`); nothing changed.")
VERSION_HELP = _("The version you read; a stale one is refused with 409.")


class ActorDateTimeField(serializers.DateTimeField):
    """ISO 8601 date-time; a time without a zone is read in the signed-in user's time zone, and times
    are shown in it."""

    def default_timezone(self) -> datetime.tzinfo | None:
        actor = actor_of(self)
        name = getattr(actor, "timezone", None)
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
        return super().default_timezone()


class WorkSerializer(ServiceModelSerializer):
    """Every date-time of the delivery side is read and shown in the user's zone."""

    serializer_field_mapping = {
        **ServiceModelSerializer.serializer_field_mapping,
        models.DateTimeField: ActorDateTimeField,
    }


def _service_errors_renamed(error: DjangoValidationError, renames: dict[str, str]) -> DjangoValidationError:
    """The service names a model field; the endpoint's input may call it otherwise."""
    if hasattr(error, "error_dict"):
        for old, new in renames.items():
            if old in error.error_dict:
                error.error_dict[new] = error.error_dict.pop(old)
    return error


# --- service catalogue ------------------------------------------------------------------------------


class ServiceSerializer(WorkSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "description", "is_active", "position"]
        extra_kwargs = {"position": {"required": False}}
        validators: list[Any] = []  # uniqueness is the service's to check, after the permission


@extend_schema(tags=["work"])
class ServiceViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The organization's service catalogue (SEO, contextual ads, SMM…); administrators edit it."""

    serializer_class = ServiceSerializer
    filterset_class = ServiceFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "position"]
    ordering = ["position", "name"]
    capabilities = {"create": "manage_catalogue", "update": "manage_catalogue", "destroy": "manage_catalogue"}

    def get_queryset(self):
        return services_of(self.request.user)

    def perform_create(self, serializer: ServiceSerializer) -> None:
        self.written(serializer, services.service_create(actor=self.request.user, **serializer.validated_data))

    def perform_update(self, serializer: ServiceSerializer) -> None:
        service = services.service_update(
            actor=self.request.user, service=serializer.instance, data=dict(serializer.validated_data)
        )
        self.written(serializer, service)

    def perform_destroy(self, instance: Service) -> None:
        services.service_delete(actor=self.request.user, service=instance)


# --- projects ---------------------------------------------------------------------------------------


class ProjectSerializer(VersionedSerializerMixin, WorkSerializer):
    """An engagement: service, stage, budget (hidden as null from roles that see no money), scope, dates, team."""

    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    service = ScopedPrimaryKeyRelatedField(model=Service, scope=services_of, allow_null=True, required=False)
    team = ScopedPrimaryKeyRelatedField(
        **COLLEAGUE_SCOPE, many=True, required=False, help_text=_("User ids of our people on the project.")
    )
    goals = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=_("Ids of the project's goals."))
    create_only_fields = {"account": _("A project stays with its account.")}

    class Meta:
        model = Project
        fields = [
            "id",
            "account",
            "service",
            "name",
            "stage",
            "budget",
            "currency",
            "scope",
            "starts_on",
            "ends_on",
            "team",
            "goals",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "budget": {"help_text": _("A decimal string in the project's currency; null for roles that see no money.")},
            "currency": {"required": False, "help_text": _("Defaults to the account's currency.")},
        }

    def to_representation(self, instance: Project) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not can(actor_of(self), "see_money"):
            data["budget"] = None
        return data


@extend_schema(tags=["work"])
@extend_schema_view(update=extend_schema(responses={200: ProjectSerializer, 409: CONFLICT}))
class ProjectViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Projects (engagements) of the accounts the signed-in user sees."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    search_fields = ["name", "scope"]
    ordering_fields = ["name", "stage", "starts_on", "ends_on", "created_at", "updated_at"]
    ordering = ["name", "id"]
    capabilities = {"create": "manage_projects", "update": "manage_projects", "destroy": "manage_projects"}

    def get_queryset(self):
        return projects_visible_to(self.request.user)

    def perform_create(self, serializer: ProjectSerializer) -> None:
        data, _version = self.split_version(serializer)
        self.written(serializer, services.project_create(actor=self.request.user, **data))

    def perform_update(self, serializer: ProjectSerializer) -> None:
        data, version = self.split_version(serializer)
        project = services.project_update(
            actor=self.request.user, project=serializer.instance, data=data, expected_version=version
        )
        self.written(serializer, project)

    def perform_destroy(self, instance: Project) -> None:
        services.project_delete(actor=self.request.user, project=instance)


class ProjectGoalSerializer(WorkSerializer):
    project = ScopedPrimaryKeyRelatedField(**PROJECT_SCOPE)
    create_only_fields = {"project": _("A goal stays with its project.")}

    class Meta:
        model = ProjectGoal
        fields = ["id", "project", "description", "metric", "target_value", "target_date", "achieved_on"]


@extend_schema(tags=["work"])
class ProjectGoalViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Measurable goals of projects, e.g. "top-10 for 30 queries by 2026-06-01"."""

    serializer_class = ProjectGoalSerializer
    filterset_class = ProjectGoalFilterSet
    ordering_fields = ["target_date", "id"]
    ordering = ["target_date", "id"]
    capabilities = {"create": "manage_projects", "update": "manage_projects", "destroy": "manage_projects"}

    def get_queryset(self):
        return project_goals_visible_to(self.request.user)

    def perform_create(self, serializer: ProjectGoalSerializer) -> None:
        goal = services.project_goal_create(actor=self.request.user, **serializer.validated_data)
        self.written(serializer, goal)

    def perform_update(self, serializer: ProjectGoalSerializer) -> None:
        goal = services.project_goal_update(
            actor=self.request.user, goal=serializer.instance, data=dict(serializer.validated_data)
        )
        self.written(serializer, goal)

    def perform_destroy(self, instance: ProjectGoal) -> None:
        services.project_goal_delete(actor=self.request.user, goal=instance)


# --- requests ---------------------------------------------------------------------------------------


class RequestSerializer(VersionedSerializerMixin, WorkSerializer):
    """A client's wish as it arrived. It is triaged with `POST /api/v1/requests/{id}/triage/`."""

    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    contact = ScopedPrimaryKeyRelatedField(
        model=Contact,
        scope=contacts_visible_to,
        allow_null=True,
        required=False,
        help_text=_("Who asked: a contact of the account."),
    )
    project = ScopedPrimaryKeyRelatedField(**PROJECT_SCOPE, allow_null=True, required=False)
    received_at = ActorDateTimeField(
        required=False, help_text=_("When it arrived (default: now). A time without a zone is read in yours.")
    )
    response_met = serializers.BooleanField(
        read_only=True, allow_null=True, help_text=_("Triaged within the target; null while waiting.")
    )
    over_target = serializers.BooleanField(
        read_only=True, help_text=_("Still waiting for triage after the answer was due.")
    )
    tasks = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=_("Tasks made from it."))
    create_only_fields = {"account": _("A request stays with its account.")}

    class Meta:
        model = Request
        fields = [
            "id",
            "account",
            "channel",
            "text",
            "contact",
            "project",
            "received_at",
            "logged_by",
            "status",
            "response_due_at",
            "response_met",
            "over_target",
            "triaged_at",
            "triaged_by",
            "reject_reason",
            "explanation",
            "quote_amount",
            "quote_currency",
            "quote_accepted",
            "tasks",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "logged_by",
            "status",
            "response_due_at",
            "triaged_at",
            "triaged_by",
            "reject_reason",
            "explanation",
            "quote_amount",
            "quote_currency",
            "quote_accepted",
            "created_at",
            "updated_at",
        ]


class TaskSpecSerializer(serializers.Serializer):
    """A task to create from a request."""

    title = serializers.CharField(max_length=200)
    assignee = ScopedPrimaryKeyRelatedField(**COLLEAGUE_SCOPE, allow_null=True, required=False)
    due_at = ActorDateTimeField(allow_null=True, required=False)
    priority = serializers.ChoiceField(choices=TaskPriority.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    expected_result = serializers.CharField(required=False, allow_blank=True)
    project = ScopedPrimaryKeyRelatedField(
        **PROJECT_SCOPE, allow_null=True, required=False, help_text=_("Defaults to the request's project.")
    )
    checklist = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, help_text=_("Titles of checklist steps.")
    )


class TriageInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[(d, d) for d in services.Decision.ALL])
    reason = serializers.ChoiceField(
        choices=RejectReason.choices, required=False, allow_blank=True, help_text=_("Required to reject.")
    )
    explanation = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Required to reject: what to tell the client.")
    )
    quote_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, help_text=_("Required to quote.")
    )
    quote_currency = serializers.ChoiceField(
        choices=Currency.choices, required=False, allow_blank=True, help_text=_("Defaults to the account's.")
    )
    tasks = TaskSpecSerializer(many=True, required=False, help_text=_("To accept: at least one task."))
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class QuoteAnswerInputSerializer(serializers.Serializer):
    accepted = serializers.BooleanField(help_text=_("The client's answer to the quote."))
    tasks = TaskSpecSerializer(many=True, required=False, help_text=_("On a yes: tasks to create right away."))
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


@extend_schema(tags=["work"])
@extend_schema_view(update=extend_schema(responses={200: RequestSerializer, 409: CONFLICT}))
class RequestViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Client requests of the accounts the signed-in user works on, newest first. Only a request waiting
    for triage can be deleted (one logged by mistake)."""

    serializer_class = RequestSerializer
    filterset_class = RequestFilterSet
    search_fields = ["text"]
    ordering_fields = ["received_at", "response_due_at", "status", "created_at"]
    ordering = ["-received_at", "-id"]
    capabilities = {
        "create": "manage_requests",
        "update": "manage_requests",
        "destroy": "manage_requests",
        "triage": "manage_requests",
        "quote_answer": "manage_requests",
    }

    def get_queryset(self):
        return requests_visible_to(self.request.user)

    def perform_create(self, serializer: RequestSerializer) -> None:
        data, _version = self.split_version(serializer)
        self.written(serializer, services.request_log(actor=self.request.user, **data))

    def perform_update(self, serializer: RequestSerializer) -> None:
        data, version = self.split_version(serializer)
        request = services.request_update(
            actor=self.request.user, request=serializer.instance, data=data, expected_version=version
        )
        self.written(serializer, request)

    def perform_destroy(self, instance: Request) -> None:
        services.request_delete(actor=self.request.user, request=instance)

    @extend_schema(
        request=TriageInputSerializer,
        responses={200: RequestSerializer, 409: CONFLICT},
        summary="Triage a request: accept into tasks, reject with a reason, or quote as extra work",
        description="A request is triaged once. `accept` needs `tasks` (at least one); `reject` needs `reason` "
        "and `explanation`; `quote` needs a positive `quote_amount` (currency defaults to the account's).",
    )
    @action(detail=True, methods=["post"], url_path="triage", serializer_class=TriageInputSerializer)
    def triage(self, request: HttpRequest, pk: str | None = None) -> Response:
        target = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        services.request_triage(
            actor=request.user,
            request=target,
            decision=data["decision"],
            reason=data.get("reason", ""),
            explanation=data.get("explanation", ""),
            quote_amount=data.get("quote_amount"),
            quote_currency=data.get("quote_currency", ""),
            tasks=[dict(t) for t in data.get("tasks", [])],
            expected_version=data.get("version"),
        )
        return self.fresh_response(target, RequestSerializer)

    @extend_schema(
        request=QuoteAnswerInputSerializer,
        responses={200: RequestSerializer, 409: CONFLICT},
        summary="Record the client's yes or no to a quote",
    )
    @action(detail=True, methods=["post"], url_path="quote-answer", serializer_class=QuoteAnswerInputSerializer)
    def quote_answer(self, request: HttpRequest, pk: str | None = None) -> Response:
        target = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.request_quote_answer(
            actor=request.user,
            request=target,
            accepted=data["accepted"],
            tasks=[dict(t) for t in data.get("tasks", [])],
            expected_version=data.get("version"),
        )
        return self.fresh_response(target, RequestSerializer)


# --- tasks ------------------------------------------------------------------------------------------


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
        errors = {}
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

    def get_queryset(self):
        return tasks_visible_to(self.request.user).order_by(F("due_at").asc(nulls_last=True), "id")

    def perform_create(self, serializer: TaskSerializer) -> None:
        data, _version = self.split_version(serializer)
        self.written(serializer, services.task_create(actor=self.request.user, **data))

    def perform_update(self, serializer: TaskSerializer) -> None:
        data, version = self.split_version(serializer)
        task = services.task_update(
            actor=self.request.user, task=serializer.instance, data=data, expected_version=version
        )
        self.written(serializer, task)

    @extend_schema(
        request=TransitionInputSerializer,
        responses={200: TaskSerializer, 400: TRANSITION_REFUSED, 409: CONFLICT},
        summary="Move the task along its workflow",
        description="new → in_progress → review → done; any open status → blocked or cancelled; blocked → "
        "in_progress; review → in_progress. The assignee may move their own task.",
    )
    @action(detail=True, methods=["post"], url_path="transition", serializer_class=TransitionInputSerializer)
    def transition(self, request: HttpRequest, pk: str | None = None) -> Response:
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
    def move_due(self, request: HttpRequest, pk: str | None = None) -> Response:
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

    def get_queryset(self):
        return checklist_items_visible_to(self.request.user)

    def perform_create(self, serializer: TaskChecklistItemSerializer) -> None:
        data = dict(serializer.validated_data)
        item = services.task_checklist_add(actor=self.request.user, task=data["task"], title=data["title"])
        if data.get("done"):
            item = services.task_checklist_toggle(actor=self.request.user, item=item, done=True)
        self.written(serializer, item)

    def perform_update(self, serializer: TaskChecklistItemSerializer) -> None:
        data = dict(serializer.validated_data)
        item = serializer.instance
        done = data.pop("done", None)
        changes = {k: v for k, v in data.items() if getattr(item, k) != v}
        if changes:
            item = services.task_checklist_update(actor=self.request.user, item=item, data=changes)
        if done is not None:
            item = services.task_checklist_toggle(actor=self.request.user, item=item, done=done)
        self.written(serializer, item)

    def perform_destroy(self, instance: TaskChecklistItem) -> None:
        services.task_checklist_delete(actor=self.request.user, item=instance)


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

    def get_queryset(self):
        return task_comments_visible_to(self.request.user)

    def perform_create(self, serializer: TaskCommentSerializer) -> None:
        data = serializer.validated_data
        comment = services.task_comment_add(actor=self.request.user, task=data["task"], text=data["text"])
        self.written(serializer, comment)
