"""REST API of the surveys app: `register` puts its viewsets on the router; `API_PATHS` are its plain views."""

from __future__ import annotations

from typing import Any

API_PATHS: list[Any] = []


def register(router: Any) -> None:
    """Nothing yet."""
