"""The providers of my day, as the day page reads them.

The registry itself lives in `keyaccount.core.day`, low enough for every domain app to register its
provider from `AppConfig.ready()` without importing this app; here are the page's ordered views of it.
"""

from __future__ import annotations

from keyaccount.core.day import DayBounds, DayField, DayPart, DayProvider, Sections, providers, register

__all__ = ["DayBounds", "DayField", "DayPart", "DayProvider", "Sections", "fields", "parts", "providers", "register"]


def fields() -> list[DayField]:
    """Every section of the day, in the API's order."""
    return sorted((f for p in providers() for f in p.fields), key=lambda f: f.position)


def parts() -> list[DayPart]:
    """Every piece of the page, in the page's order."""
    return sorted((part for p in providers() for part in p.parts), key=lambda part: part.position)
