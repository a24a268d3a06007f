"""The hooks of the account page for the apps above `accounts`: each registers what it shows there.

The account page lives in `accounts`, below the apps whose records it gathers (contacts, money). So that
imports point down, those apps register a panel (the keys they add to the page's context) and, for the
account's history, how the actor may name their records; this module knows no app, and the account page
asks it. As with my day (`core/day.py`), adding a section is one registration in one app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class AccountPanel:
    """A section of the account page: `context(actor, account)` returns the keys its template reads
    (empty, and with no query, for a role that may not see it)."""

    name: str
    context: Callable[[Any, Any], Mapping[str, Any]]


_panels: dict[str, AccountPanel] = {}
_name_scopes: dict[str, Callable[[Any], QuerySet[Any]]] = {}


def register_panel(panel: AccountPanel) -> None:
    """Add (or replace, by name) a panel of the account page."""
    _panels[panel.name] = panel


def panels() -> list[AccountPanel]:
    return list(_panels.values())


def register_name_scope(model_label: str, scope: Callable[[Any], QuerySet[Any]]) -> None:
    """How the account's history names records of `model_label` ("contacts.Contact"): `scope(actor)` is the
    queryset of those the actor may see; a record outside it shows as its id."""
    _name_scopes[model_label] = scope


def name_scopes() -> dict[str, Callable[[Any], QuerySet[Any]]]:
    return dict(_name_scopes)
