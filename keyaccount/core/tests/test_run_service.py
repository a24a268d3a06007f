"""`run_service` passes every keyword on to the service, including one named like its own parameters."""

from __future__ import annotations

from typing import Any

from django import forms

from keyaccount.core.web import run_service


def test_it_passes_a_keyword_named_service_to_the_service() -> None:
    # The service catalogue's edit page calls `service_update(service=...)` through it.
    def service_update(**kwargs: Any) -> dict[str, Any]:
        return kwargs

    result, status = run_service(forms.Form(), service_update, service="seo", data={"name": "SEO"})

    assert (result, status) == ({"service": "seo", "data": {"name": "SEO"}}, 0)
