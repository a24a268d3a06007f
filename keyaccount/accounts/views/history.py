"""An account's history as people read it: who changed what, from what to what."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, DateField, DateTimeField, Field, Model, QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, Tag
from keyaccount.accounts.selectors import accounts_visible_to, audit_events_visible_to, tags_of
from keyaccount.core.account_page import name_scopes
from keyaccount.tenancy.selectors import users_visible_to

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


HISTORY_LIMIT = 50


def _model_of(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_of(model: type[Model] | None, name: str) -> Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)  # type: ignore[return-value]  # names here are concrete fields
    except FieldDoesNotExist:
        return None


def _names_of(actor: User, refs: dict[type[Model], set[Any]]) -> dict[tuple[type[Model], Any], str]:
    """Names of the objects the changes point to, one query per kind, each through the actor's scope."""
    scoped: dict[type[Model], Callable[[], QuerySet[Any]]] = {
        get_user_model(): lambda: users_visible_to(actor),
        Account: lambda: accounts_visible_to(actor).select_related(None).prefetch_related(None),
        Tag: lambda: tags_of(actor),
    }
    # Records of the apps above this one (contacts) are named through their own scope: core/account_page.py.
    for label, scope in name_scopes().items():
        scoped[apps.get_model(label)] = functools.partial(scope, actor)
    names: dict[tuple[type[Model], Any], str] = {}
    for model, ids in refs.items():
        if model in scoped and ids:
            for obj in scoped[model]().filter(pk__in=ids):
                names[(model, obj.pk)] = str(obj)
    return names


def _shown(field: Field | None, value: Any, names: dict[tuple[type[Model], Any], str]) -> Any:
    """A stored before/after value as a person reads it: names for ids, labels for codes, dates as dates."""
    if value in (None, "", []):
        return None
    if field is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else value
    if field.is_relation:
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.get((field.related_model, v), f"#{v}") for v in values)  # type: ignore[arg-type]  # a relation's related_model is a model
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, DateTimeField) and isinstance(value, str):
        return parse_datetime(value) or value
    if isinstance(field, DateField) and isinstance(value, str):
        return parse_date(value) or value
    return value


def account_history(actor: User, account: Account) -> list[dict[str, Any]]:
    """The account's latest audit events, newest first, with each changed field's before and after."""
    events = list(audit_events_visible_to(actor).filter(account_id=account.pk)[:HISTORY_LIMIT])
    refs: dict[type[Model], set[Any]] = defaultdict(set)
    parsed = []
    for event in events:
        model = _model_of(event.object_type)
        changes = []
        for name, pair in (event.changes or {}).items():
            field = _field_of(model, name)
            before, after = (pair[0], pair[1]) if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            if field is not None and field.is_relation:
                for value in (before, after):
                    refs[field.related_model].update(  # type: ignore[index]  # a relation's related_model is a model
                        v for v in (value if isinstance(value, list) else [value]) if v is not None
                    )
            changes.append((name, field, before, after))
        parsed.append((event, model, changes))
    names = _names_of(actor, refs)
    return [
        {
            "event": event,
            "what": model._meta.verbose_name if model else event.object_type,
            "changes": [
                {
                    "field": capfirst(field.verbose_name) if field else capfirst(name.replace("_", " ")),
                    "before": _shown(field, before, names),
                    "after": _shown(field, after, names),
                }
                for name, field, before, after in changes
            ],
        }
        for event, model, changes in parsed
    ]
