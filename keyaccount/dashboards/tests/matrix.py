"""The dashboards app's rows of the API permission matrix (core/tests/test_api_matrix.py): the models it
fingerprints, the records it adds to the matrix world, and its endpoints."""

from __future__ import annotations

from typing import Any

from keyaccount.core.tests.matrix_support import Endpoint

MODELS: list[Any] = []
ENDPOINTS: list[Endpoint] = []


def records(org: Any, acme: Any, alice: Any) -> dict[str, Any]:
    return {}
