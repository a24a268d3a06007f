"""REST API of notifications and email preferences."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keyaccount.core.api import ServiceViewSetMixin
from keyaccount.notifications import services
from keyaccount.notifications.models import Notification, NotificationKind
from keyaccount.notifications.selectors import notification_preferences_of, notifications_visible_to
from keyaccount.tenancy.actors import AuthenticatedRequest

# --- notifications ----------------------------------------------------------------------------------


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("Unread only (true) or read only (false)")
    )
    kind = django_filters.MultipleChoiceFilter(choices=NotificationKind.choices, label=_("Kind"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class NotificationSerializer(serializers.ModelSerializer):
    subject_type = serializers.CharField(
        read_only=True, help_text=_("What it is about, as app.model (e.g. `work.task`); empty for a digest.")
    )
    subject_id = serializers.CharField(read_only=True, help_text=_("The id of what it is about."))
    subject_title = serializers.CharField(read_only=True, help_text=_("The title of what it is about."))
    url = serializers.CharField(read_only=True, help_text=_("Where to look at it in Keyaccount (a path)."))

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "subject_type",
            "subject_id",
            "subject_title",
            "url",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text=_("How many notifications became read."))


@extend_schema(tags=["notifications"])
class NotificationViewSet(
    ServiceViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The signed-in person's notifications, newest first (`?unread=true` for the unread ones)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    search_fields = ["title", "body", "subject_title"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    selector = notifications_visible_to

    @extend_schema(request=None, responses={200: NotificationSerializer}, summary="Mark a notification read")
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        notification = services.notification_mark_read(actor=request.user, notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: ReadAllSerializer}, summary="Mark all my notifications read")
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None, pagination_class=None)
    def read_all(self, request: AuthenticatedRequest) -> Response:
        return Response({"marked": services.notification_mark_all_read(actor=request.user)})


# --- email preferences ------------------------------------------------------------------------------


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    label = serializers.CharField(read_only=True, help_text=_("The kind, in the person's language."))  # type: ignore[assignment]  # the API field; not Field.label
    email = serializers.BooleanField(help_text=_("Also send this kind by email (on unless turned off)."))


def _preferences(user: Any) -> list[dict[str, Any]]:
    labels = dict(NotificationKind.choices)
    return [
        {"kind": kind, "label": str(labels[kind]), "email": on}
        for kind, on in notification_preferences_of(user).items()
    ]


@extend_schema(tags=["notifications"])
class NotificationPreferencesView(APIView):
    """Which kinds of notification the signed-in person also gets by email (every kind; email is on by default)."""

    @extend_schema(responses={200: PreferenceSerializer(many=True)}, summary="My email preferences")
    def get(self, request: Request) -> Response:
        return Response(_preferences(request.user))

    @extend_schema(
        request=PreferenceSerializer(many=True),
        responses={200: PreferenceSerializer(many=True)},
        summary="Change my email preferences",
        description='Send the kinds to change, e.g. `[{"kind": "task_due_soon", "email": false}]`; '
        "kinds left out keep their setting.",
    )
    def patch(self, request: AuthenticatedRequest) -> Response:
        payload = PreferenceSerializer(data=request.data, many=True)
        payload.is_valid(raise_exception=True)
        services.notification_preferences_set(
            actor=request.user, email={row["kind"]: row["email"] for row in payload.validated_data}
        )
        return Response(_preferences(request.user))
