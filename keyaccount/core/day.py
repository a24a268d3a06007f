"""The hook of "my day": each app with something for a person's day registers a provider here.

The day page (`keyaccount.day`) asks every registered provider for its sections, as Zulip gathers a
page's initial state from one fetcher per feature. This module knows no app: domain apps import it
(from their `AppConfig.ready()`), and it never imports them or the day app, so imports point down.
A provider says which sections it fills (`fields`: the day's attributes and `/api/v1/me/day/` fields),
how the page draws them (`parts`: templates) and how to read them (`sections`). Adding a kind of item
to the day is one provider in one app.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


@dataclass(frozen=True)
class DayBounds:
    """Today in the person's time zone: its date, its start and end (aware), and the moment of asking."""

    today: datetime.date
    start: datetime.datetime
    end: datetime.datetime
    now: datetime.datetime


@dataclass(frozen=True)
class DayField:
    """One section of the day: `key` is the day's attribute and the API field; `empty` makes its value
    for a person who has nothing there (or whose role has no such section); `api_field` makes the
    serializer field that shows it; `position` orders the API fields (lowest first)."""

    key: str
    position: int
    empty: Callable[[], Any]
    api_field: Callable[[], Any]


@dataclass(frozen=True)
class DayPart:
    """A piece of the page: the template that draws it (with `day` in its context) and its place.
    `wide` parts come first, across the page; the others fill the two-column grid below."""

    template: str
    position: int
    wide: bool = False


# What a provider returns: section key -> value, for the keys of its fields (missing keys stay empty).
Sections = Mapping[str, Any]


@dataclass(frozen=True)
class DayProvider:
    """An app's contribution to the day: `sections(actor, bounds)` reads its sections for a member
    (never a client: their day is empty) in a constant number of queries."""

    name: str
    sections: Callable[[User, DayBounds], Sections]
    fields: tuple[DayField, ...] = ()
    parts: tuple[DayPart, ...] = ()


_providers: dict[str, DayProvider] = {}


def register(provider: DayProvider) -> DayProvider:
    """Add (or replace, by name) a provider; a section key may belong to one provider only."""
    taken = {f.key: p.name for p in _providers.values() if p.name != provider.name for f in p.fields}
    for f in provider.fields:
        if f.key in taken:
            raise ValueError(f"Day section {f.key!r} of {provider.name!r} is already provided by {taken[f.key]!r}.")
    _providers[provider.name] = provider
    return provider


def providers() -> list[DayProvider]:
    """The registered providers, in the order they registered (the apps' order in INSTALLED_APPS)."""
    return list(_providers.values())
