"""The row type of the API permission matrix (core/tests/test_api_matrix.py); apps add their rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Endpoint:
    name: str
    target: Callable[[Any], Any]
    expect: dict[str, str]
    create: Callable[[Any], dict[str, Any]] | None = None
    update: Callable[[Any], dict[str, Any]] | None = None
    actions: dict[str, Callable[[Any], dict[str, Any]]] = field(default_factory=dict)
