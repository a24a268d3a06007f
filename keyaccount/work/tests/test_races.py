"""Workflow actions happen once: two people acting on one request or task from the same state.

The second of two triages, quote answers or task moves started from the same state is refused with a
conflict (409 in the API) and creates nothing, whether or not it sent the record's version: the state it
started from is part of the conditional update.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from keyaccount.core.services import ConflictError
from keyaccount.core.tests.concurrency import at_the_same_moment, postgres_only
from keyaccount.work import services
from keyaccount.work.models import Request, RequestStatus, Task, TaskStatus, TaskStatusChange


@pytest.fixture
def request_(alice, acme):
    return services.request_log(actor=alice, account=acme, channel="email", text="Add a banner")


@pytest.fixture
def task(alice, acme, sam):
    return services.task_create(actor=alice, account=acme, title="Fix the meta tags", assignee=sam)


def moves_of(task):
    """The task's moves along the workflow, after the one that created it."""
    changes = TaskStatusChange.objects.filter(task=task).exclude(from_status="").order_by("pk")
    return list(changes.values_list("from_status", "to_status"))


def as_loaded(instance):
    """The record as a page or API call loaded it, before anyone acted."""
    return type(instance).objects.get(pk=instance.pk)


def test_a_second_triage_from_the_same_page_is_refused_and_makes_no_tasks(alice, request_):
    first, second = as_loaded(request_), as_loaded(request_)
    services.request_triage(actor=alice, request=first, decision="accept", tasks=[{"title": "Banner"}])

    with pytest.raises(ConflictError):
        services.request_triage(actor=alice, request=second, decision="accept", tasks=[{"title": "Banner, again"}])

    assert list(Task.objects.filter(request=request_).values_list("title", flat=True)) == ["Banner"]
    assert Request.objects.get(pk=request_.pk).status == RequestStatus.ACCEPTED


def test_a_rejection_racing_an_acceptance_leaves_the_acceptance_alone(alice, request_):
    first, second = as_loaded(request_), as_loaded(request_)
    services.request_triage(actor=alice, request=first, decision="accept", tasks=[{"title": "Banner"}])

    with pytest.raises(ConflictError):
        services.request_triage(actor=alice, request=second, decision="reject", reason="absurd", explanation="No")

    request_.refresh_from_db()
    assert (request_.status, request_.reject_reason, request_.explanation) == (RequestStatus.ACCEPTED, "", "")


def test_the_clients_answer_to_a_quote_is_recorded_once(alice, request_):
    services.request_triage(actor=alice, request=request_, decision="quote", quote_amount=5000)
    first, second = as_loaded(request_), as_loaded(request_)
    services.request_quote_answer(actor=alice, request=first, accepted=True, tasks=[{"title": "Banner"}])

    with pytest.raises(ConflictError):
        services.request_quote_answer(actor=alice, request=second, accepted=False)

    request_.refresh_from_db()
    assert request_.quote_accepted is True
    assert Task.objects.filter(request=request_).count() == 1


def test_two_moves_of_one_task_from_the_same_status_keep_the_first(alice, task):
    first, second = as_loaded(task), as_loaded(task)
    services.task_transition(actor=alice, task=first, to=TaskStatus.IN_PROGRESS)

    with pytest.raises(ConflictError):
        services.task_transition(actor=alice, task=second, to=TaskStatus.CANCELLED, reason="Not needed")

    assert Task.objects.get(pk=task.pk).status == TaskStatus.IN_PROGRESS
    assert moves_of(task) == [("new", "in_progress")]


@pytest.mark.parametrize("to", [TaskStatus.BLOCKED, TaskStatus.CANCELLED])
def test_blocking_or_cancelling_a_task_needs_a_reason_in_the_service_too(alice, task, to):
    with pytest.raises(ValidationError) as e:
        services.task_transition(actor=alice, task=task, to=to, reason="  ")

    assert set(e.value.message_dict) == {"reason"}
    assert Task.objects.get(pk=task.pk).status == TaskStatus.NEW
    assert moves_of(task) == []


# --- at the same moment, on PostgreSQL ----------------------------------------------------------------


def attempt(call):
    """What one racer saw: done, or refused by the conflict or the workflow."""

    def run():
        try:
            call()
            return "done"
        except ConflictError:
            return "conflict"
        except ValidationError:
            return "refused"

    return run


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_ten_triages_of_one_request_at_once_make_one_decision_and_one_task(alice, request_):
    def triage(n):
        return attempt(
            lambda: services.request_triage(
                actor=alice, request=as_loaded(request_), decision="accept", tasks=[{"title": f"Banner {n}"}]
            )
        )

    outcomes = at_the_same_moment(*(triage(n) for n in range(10)))

    assert outcomes.count("done") == 1
    assert set(outcomes) <= {"done", "conflict", "refused"}
    assert Task.objects.filter(request=request_).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_ten_moves_of_one_task_at_once_record_one_change(alice, task):
    def move(n):
        to = TaskStatus.IN_PROGRESS if n % 2 else TaskStatus.CANCELLED
        return attempt(lambda: services.task_transition(actor=alice, task=as_loaded(task), to=to, reason=f"Racer {n}"))

    outcomes = at_the_same_moment(*(move(n) for n in range(10)))

    assert outcomes.count("done") == 1
    assert len(moves_of(task)) == 1
