"""API plumbing shared by every app: permission, pagination, errors, scoped foreign keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions, pagination, permissions, serializers, status
from rest_framework.response import Response

from keyaccount.core.permissions import membership_of
from keyaccount.core.services import ConflictError


class IsOrganizationMember(permissions.BasePermission):
    """Signed in and a member of an organization; object scope comes from the selectors."""

    message = "You are not a member of any organization."

    def has_permission(self, request: Any, view: Any) -> bool:
        return membership_of(request.user) is not None


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Django's ValidationError becomes a 400 naming each field; a stale edit a 409."""
    from rest_framework.views import exception_handler as drf_exception_handler  # not at import: DRF cycle

    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: Any = {
                ("non_field_errors" if field == "__all__" else field): [str(m) for e in errors for m in e.messages]
                for field, errors in exc.error_dict.items()
            }
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ConflictError):
        response = Response(
            {"detail": str(exc), "current_version": exc.current_version}, status=status.HTTP_409_CONFLICT
        )
        return response
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


def actor_of(serializer: serializers.Field) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices are what the actor may use; anything else is 'invalid' (400).

    `model` tells the schema the target; `scope(actor)` gives the queryset per request.
    """

    def __init__(self, *, model: type[Any], scope: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> None:
        self.scope = scope
        if not kwargs.get("read_only"):
            kwargs["queryset"] = model._default_manager.none()
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.scope(actor_of(self))


class VersionedSerializerMixin(serializers.Serializer):
    """Exposes `version`; a PUT/PATCH that sends a stale version is answered 409."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Send back the version you read; a stale one is refused with 409.",
    )
