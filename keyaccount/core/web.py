"""Shared pieces of the server-rendered pages: who may open them, service errors on forms, htmx partials."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from keyaccount.core.services import ConflictError

View = TypeVar("View", bound=Callable[..., HttpResponse])

CONFLICT_MESSAGE = _(
    "Someone else saved this record after you opened it. Nothing was saved: reload the page and apply your "
    "change again."
)


def add_service_errors(form: forms.BaseForm, error: ValidationError, renames: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: on the named field when the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = (renames or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def run_service(
    form: forms.BaseForm, service: Callable[..., Any], /, *, renames: dict[str, str] | None = None, **kwargs: Any
) -> tuple[Any, int]:
    """Call a write service for a submitted form.

    Returns (result, 0) on success. A ValidationError lands on the form's fields (status 200 to re-show it);
    a stale edit lands on top of the form with status 409. Either way the service wrote nothing.
    PermissionDenied is left to Django (403).
    """
    try:
        return service(**kwargs), 0
    except ValidationError as e:
        add_service_errors(form, e, renames)
        return None, 200
    except ConflictError:
        form.add_error(None, CONFLICT_MESSAGE)
        return None, 409


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request for a fragment (not a boosted navigation, not a history restore that needs the page)."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.boosted and not htmx.history_restore_request


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """The page and its partial share a URL: caches must keep them apart."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """`form.fields[name]` as the model choice field it is: `fields` is typed as plain Fields."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """`form.fields[name]` as the choice field it is: `fields` is typed as plain Fields."""
    return cast("forms.ChoiceField", form.fields[name])


def checkbox_choices(form: forms.BaseForm, *names: str) -> None:
    """Show multiple-choice fields of a filter bar as a row of checkboxes instead of a list box."""
    for name in names:
        field = choice(form, name)
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)  # type: ignore[arg-type]  # a field's choices are what a widget takes


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` a form posted, when it stays on this site (a path, or this host over the same scheme);
    else `fallback`: a redirect never takes the person to another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback
