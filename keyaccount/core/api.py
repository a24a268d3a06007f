"""API plumbing shared by every app: pagination, errors, scoped foreign keys and filters, the serializer
base that never writes and the mixin that makes every viewset a selector and its services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, filters, pagination, serializers, status
from rest_framework.response import Response

from keyaccount.core.services import ConflictError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
    from rest_framework.filters import BaseFilterBackend
    from rest_framework.generics import GenericAPIView

    from keyaccount.tenancy.actors import AuthenticatedRequest

    # The mixin is only ever mixed into a GenericAPIView: let the checker see the attributes it uses.
    _ViewSetBase = GenericAPIView[Any]
else:
    _ViewSetBase = object


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


class Scope(TypedDict):
    """A scoped foreign key's target: the model (for the schema) and the selector giving the actor's choices."""

    model: type[models.Model]
    scope: Callable[[Any], QuerySet[Any]]


class MoneyOut(TypedDict):
    """A money amount as the API writes it: 18 digits, 2 decimals, a decimal string."""

    max_digits: int
    decimal_places: int
    coerce_to_string: bool


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


class DecimalStringField(serializers.DecimalField):
    """A decimal given as a string ("1200.50") or a whole number; a JSON number with a fraction is refused
    because it was already a float when it arrived. Money never passes through a float."""

    default_error_messages = {
        "float": _('Send the amount as a decimal string, e.g. "1200.50", not as a number with a fraction.')
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, float):
            self.fail("float")
        return super().to_internal_value(data)


class VersionedSerializerMixin(serializers.Serializer):
    """Exposes `version`; a PUT/PATCH that sends a stale version is answered 409."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Send back the version you read; a stale one is refused with 409.",
    )


class FilterBackend(DjangoFilterBackend):
    """django-filter, where an id the actor cannot see (e.g. another organization's) matches nothing.

    The FilterSets limit id choices to the actor's scope; a plain form would call such an id invalid
    (400), which tells an outsider the id exists somewhere. Here it simply finds no rows, exactly like
    an id that does not exist. Malformed values (`?owner=abc`, `?status=bogus`) still answer 400.
    """

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            if _only_unknown_ids(filterset):
                return queryset.none()
            raise filter_utils.translate_validation(filterset.errors)
        return filterset.qs


def _only_unknown_ids(filterset: django_filters.FilterSet) -> bool:
    for name, errors in filterset.form.errors.as_data().items():
        flt = filterset.filters.get(name)
        if not isinstance(flt, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
            return False
        if any(e.code not in {"invalid_choice", "invalid_pk_value"} for e in errors):
            return False
        values = filterset.form.data.getlist(filterset.form.add_prefix(name))
        if not values or not all(str(v).strip().isdigit() for v in values):
            return False
    return True


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """Filter by a related object's id; an id outside the actor's scope matches nothing."""

    field_class = forms.IntegerField


class ServiceModelSerializer(serializers.ModelSerializer):
    """Validates input and renders output; never writes. The viewset hands validated data to a service.

    `create_only_fields` maps a field to the message shown when an update tries to change it; sending
    the current value back (as a PUT of a fetched object does) is accepted and ignored.
    """

    create_only_fields: dict[str, StrOrPromise] = {}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None:
            return attrs
        errors = {}
        for name, message in self.create_only_fields.items():
            if name not in attrs:
                continue
            if _same_value(self.instance, self.fields[name].source, attrs[name]):  # type: ignore[arg-type]  # bound fields have a dotted-path source
                attrs.pop(name)
            else:
                errors[name] = message
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Any:
        raise AssertionError("Writes go through the services; the viewset calls them.")

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        raise AssertionError("Writes go through the services; the viewset calls them.")


def _same_value(instance: models.Model, source: str, value: Any) -> bool:
    field = instance._meta.get_field(source)
    if field.is_relation:
        return getattr(instance, field.attname) == (value.pk if value is not None else None)  # type: ignore[union-attr]  # a serializer's source is a concrete field
    return getattr(instance, source) == value


class ServiceViewSetMixin(_ViewSetBase):
    """Mixed into every API viewset: its records come from a selector, its writes go to services.

    A resource declares what it is rather than how to save it (NetBox's `NetBoxModelViewSet` habit):

        selector = tasks_visible_to                      # actor → the queryset the actor may see
        services = {"create": task_create, "update": task_update, "delete": task_delete}
        capabilities = {"create": "manage_tasks", ...}   # HasCapability: a role that may never → 403

    `get_queryset` returns `selector(request.user)`; create, update/partial update and destroy call the
    declared service with `actor=request.user`: `create(**data)`, `update(<record>=obj, data=data)` (and
    `expected_version=` the `version` sent, when the serializer has one), `delete(<record>=obj)`, where
    `<record>` is `object_kwarg` (default: the model's name). A create or update answers with the record
    as the selector reads it now. Where the serializer's data is not the service's keywords as they are,
    `create_kwargs`/`update_kwargs` say how; `call_service` is the one place every write passes through.
    Who may call the API at all is REST_FRAMEWORK's DEFAULT_PERMISSION_CLASSES in settings.

    A mixin rather than a GenericViewSet subclass because DRF imports this module (for the default
    pagination class) while it is still loading its views.
    """

    request: AuthenticatedRequest
    filter_backends: Sequence[type[BaseFilterBackend]] = [FilterBackend, filters.SearchFilter, filters.OrderingFilter]
    capabilities: dict[str, str] = {}
    selector: ClassVar[Callable[[Any], QuerySet[Any]] | None] = None
    services: dict[str, Callable[..., Any]] = {}
    object_kwarg: str | None = None

    def get_queryset(self) -> QuerySet[Any]:
        selector = type(self).selector  # through the class: a plain function, not bound to the view
        if selector is None:
            return super().get_queryset()
        return selector(self.request.user)

    def call_service(self, verb: str, **kwargs: Any) -> Any:
        """Call the resource's `services[verb]` as the signed-in user."""
        return self.services[verb](actor=self.request.user, **kwargs)

    def create_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        """The create service's keywords from the validated data (without `version`)."""
        return data

    def update_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        """The update service's keywords besides the record and the version."""
        return {"data": data}

    def record_kwargs(self, instance: models.Model) -> dict[str, Any]:
        return {self.object_kwarg or instance._meta.model_name: instance}  # type: ignore[dict-item]  # a concrete model has a model_name

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data, _version = self.split_version(serializer)
        self.written(serializer, self.call_service("create", **self.create_kwargs(data)))

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data, version = self.split_version(serializer)
        kwargs = {**self.record_kwargs(serializer.instance), **self.update_kwargs(data)}  # type: ignore[arg-type]  # an update's serializer has its instance
        if "version" in serializer.fields:  # type: ignore[attr-defined]  # every viewset here uses a Serializer, which has fields
            kwargs["expected_version"] = version
        self.written(serializer, self.call_service("update", **kwargs))

    def perform_destroy(self, instance: models.Model) -> None:
        self.call_service("delete", **self.record_kwargs(instance))

    def written(self, serializer: serializers.BaseSerializer, instance: models.Model) -> None:
        """Answer with the record as the selector reads it now (fresh version, related names)."""
        serializer.instance = self.get_queryset().filter(pk=instance.pk).first() or instance

    def fresh_response(self, instance: models.Model, serializer_class: type[serializers.BaseSerializer]) -> Any:
        """An action's answer: the record as the selector reads it now, rendered by `serializer_class`."""
        fresh = self.get_queryset().get(pk=instance.pk)
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data)

    @staticmethod
    def split_version(serializer: serializers.BaseSerializer) -> tuple[dict[str, Any], int | None]:
        data = dict(serializer.validated_data)
        return data, data.pop("version", None)


# --- references shared by read-only payloads (my day, summaries) -------------------------------------
# (No docstrings: drf-spectacular would put them into the committed schema.)


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)


class AmountSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()
