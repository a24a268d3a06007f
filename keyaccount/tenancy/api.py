"""REST API of people: sign-in tokens, the signed-in user, colleagues and invitations."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from keyaccount.core.api import (
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
)
from keyaccount.tenancy import services
from keyaccount.tenancy.actors import AuthenticatedRequest
from keyaccount.tenancy.models import Invitation, Role, User
from keyaccount.tenancy.permissions import membership_of
from keyaccount.tenancy.selectors import client_accounts_for, invitations_visible_to, users_visible_to

# --- sign-in token ----------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_("Send it as `Authorization: Token <token>`."))


class ObtainTokenView(APIView):
    """Exchange an email and password for an API token (the same token on every call)."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        tags=["auth"],
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong email or password (`non_field_errors`)."),
            429: OpenApiResponse(description="Too many failed attempts or requests; wait and try again."),
        },
    )
    def post(self, request: Request) -> Response:
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        email = payload.validated_data["email"].strip().lower()
        # Through django.contrib.auth with the Django request, so django-axes counts failures and locks out.
        user = authenticate(request=request._request, username=email, password=payload.validated_data["password"])
        if getattr(request._request, "axes_locked_out", False):
            # Answered here in JSON; axes' middleware would otherwise replace it with its HTML page.
            request._request.axes_locked_out = False  # type: ignore[attr-defined]  # django-axes reads this flag
            return Response(
                {"detail": _("Too many failed sign-in attempts. Try again later or reset your password.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to sign in with this email and password.")]}
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# --- the signed-in user -----------------------------------------------------------------------------


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class MeSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices, source="membership.role", read_only=True)
    organization = OrganizationRefSerializer(source="membership.organization", read_only=True)
    calendar_feed_url = serializers.SerializerMethodField(
        help_text=_("The private iCalendar address of your tasks and meetings; null until you create one.")
    )

    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "organization", "timezone", "language", "calendar_feed_url"]
        read_only_fields = ["id", "email"]

    def get_calendar_feed_url(self, user: User) -> str | None:
        if not user.calendar_token:
            return None
        path = reverse("calendar-feed", args=[user.calendar_token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        raise AssertionError("Writes go through the services; the view calls them.")

    def create(self, validated_data: dict[str, Any]) -> User:
        raise AssertionError("Writes go through the services; the view calls them.")


@extend_schema(tags=["auth"])
class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user, their role and organization; PATCH changes name, time zone and language."""

    request: AuthenticatedRequest
    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> User:
        membership_of(self.request.user)  # loads the membership once for `role` and `organization`
        return self.request.user

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        user = self.request.user
        data = serializer.validated_data
        services.user_update_preferences(
            actor=user,
            name=data.get("name", user.name),
            timezone_name=data.get("timezone", user.timezone),
            language=data.get("language", user.language),
        )


# --- colleagues -------------------------------------------------------------------------------------


class UserFilterSet(django_filters.FilterSet):
    role = django_filters.MultipleChoiceFilter(field_name="membership__role", choices=Role.choices, label=_("Role"))

    class Meta:
        model = User
        fields = ["role"]


class UserSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices, source="membership.role", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "role"]
        read_only_fields = fields


@extend_schema(tags=["people"])
class UserViewSet(ServiceViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Colleagues of the signed-in user's organization (for owners, teams and filters)."""

    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    search_fields = ["name", "email"]
    ordering_fields = ["name", "email"]
    ordering = ["name", "email"]
    selector = users_visible_to


# --- invitations ------------------------------------------------------------------------------------


class InvitationSerializer(ServiceModelSerializer):
    client_account = ScopedPrimaryKeyRelatedField(
        model=Invitation._meta.get_field("client_account").related_model,  # type: ignore[arg-type]  # a model, never "self"
        scope=client_accounts_for,
        allow_null=True,
        required=False,
        help_text=_("For a client representative: the account whose portal they will see."),
    )
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "name",
            "role",
            "client_account",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "is_open",
        ]
        read_only_fields = ["invited_by", "created_at", "expires_at", "accepted_at"]


@extend_schema(tags=["people"])
class InvitationViewSet(
    ServiceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations to join the organization (administrators only); the email goes out from the worker.
    DELETE withdraws an invitation that was not accepted yet."""

    serializer_class = InvitationSerializer
    search_fields = ["email", "name"]
    ordering_fields = ["created_at", "email"]
    ordering = ["-created_at", "-id"]
    capabilities = {"list": "invite", "retrieve": "invite", "create": "invite", "destroy": "invite"}
    selector = invitations_visible_to
    services = {"create": services.invitation_create, "delete": services.invitation_revoke}

    def create_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        # The email's link is built on the host this request came to.
        request = self.request
        return {"accept_url": lambda inv: request.build_absolute_uri(f"/invitations/{inv.token}/"), **data}
