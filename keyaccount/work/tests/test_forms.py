"""Forms only shape input for the services: they offer exactly the fields the services take."""

from __future__ import annotations

import pytest

from keyaccount.work import services
from keyaccount.work.forms import TaskForm


@pytest.fixture
def task(alice, acme):
    return services.task_create(actor=alice, account=acme, title="Fix the meta tags")


def test_the_task_form_offers_exactly_what_the_services_take(alice, acme, task):
    new = TaskForm(actor=alice, account=acme)
    edit = TaskForm(actor=alice, account=acme, instance=task)

    assert set(new.fields) == set(services.TASK_CREATE_FIELDS) - {"checklist"}  # the checklist has its own form
    assert set(edit.fields) - {"version"} == set(services.TASK_EDITABLE_FIELDS)  # the deadline moves on its own
