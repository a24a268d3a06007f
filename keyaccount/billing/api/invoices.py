"""REST API of the money side (area module); viewsets are registered by `register`."""

from __future__ import annotations

from typing import Any


def register(router: Any) -> None:
    """Put this area's viewsets on the API router."""
