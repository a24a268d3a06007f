"""The words of the delivery side, each defined once in `work/models.py`: open, overdue, due soon, hot first,
over the response target. Pages, filters, the API, my day and the jobs all ask these, so the boundaries are
pinned here, on a fixed clock."""

from __future__ import annotations

import datetime

import pytest

from keyaccount.work.models import (
    DUE_SOON,
    Request,
    RequestStatus,
    Task,
    TaskPriority,
    TaskStatus,
    deadline_passed,
)

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def make_task(acme):
    def make(title: str, due_at: datetime.datetime | None, status=TaskStatus.NEW, priority=TaskPriority.NORMAL):
        return Task.objects.create(
            organization=acme.organization, account=acme, title=title, due_at=due_at, status=status, priority=priority
        )

    return make


@pytest.fixture
def make_request(acme):
    def make(text: str, response_due_at: datetime.datetime | None, status=RequestStatus.NEW):
        return Request.objects.create(
            organization=acme.organization,
            account=acme,
            channel="email",
            text=text,
            received_at=NOW - 48 * HOUR,
            response_due_at=response_due_at,
            status=status,
        )

    return make


def titles(qs) -> set[str]:
    return {t.title for t in qs}


def texts(qs) -> set[str]:
    return {r.text for r in qs}


# --- open -------------------------------------------------------------------------------------------


def test_a_task_is_open_until_it_is_done_or_cancelled(make_task):
    for status in TaskStatus:
        make_task(status.value, NOW, status)

    assert titles(Task.objects.open()) == {"new", "in_progress", "review", "blocked"}
    assert {t.title for t in Task.objects.all() if t.is_open} == titles(Task.objects.open())


# --- overdue ----------------------------------------------------------------------------------------


def test_a_task_due_a_second_ago_is_overdue_and_one_due_exactly_now_is_not_yet(make_task):
    make_task("a second ago", NOW - SECOND)
    make_task("exactly now", NOW)
    make_task("a second ahead", NOW + SECOND)
    make_task("no deadline", None)

    assert titles(Task.objects.overdue(now=NOW)) == {"a second ago"}


def test_a_done_or_cancelled_task_is_never_overdue_but_a_blocked_one_is(make_task):
    make_task("done", NOW - HOUR, TaskStatus.DONE)
    make_task("cancelled", NOW - HOUR, TaskStatus.CANCELLED)
    make_task("blocked", NOW - HOUR, TaskStatus.BLOCKED)
    make_task("in review", NOW - HOUR, TaskStatus.REVIEW)

    assert titles(Task.objects.overdue(now=NOW)) == {"blocked", "in review"}


# --- due soon ---------------------------------------------------------------------------------------


def test_a_task_is_due_soon_from_exactly_now_to_exactly_24_hours_ahead(make_task):
    make_task("a second ago", NOW - SECOND)
    make_task("exactly now", NOW)
    make_task("in 5 hours", NOW + 5 * HOUR)
    make_task("exactly in 24 hours", NOW + 24 * HOUR)
    make_task("a second after 24 hours", NOW + 24 * HOUR + SECOND)
    make_task("no deadline", None)

    assert titles(Task.objects.due_soon(now=NOW)) == {"exactly now", "in 5 hours", "exactly in 24 hours"}


def test_a_done_or_cancelled_task_is_never_due_soon(make_task):
    make_task("done", NOW + HOUR, TaskStatus.DONE)
    make_task("cancelled", NOW + HOUR, TaskStatus.CANCELLED)
    make_task("in progress", NOW + HOUR, TaskStatus.IN_PROGRESS)

    assert titles(Task.objects.due_soon(now=NOW)) == {"in progress"}


def test_the_due_soon_window_can_be_narrowed(make_task):
    make_task("in 1 hour", NOW + HOUR)
    make_task("in 3 hours", NOW + 3 * HOUR)

    assert titles(Task.objects.due_soon(now=NOW, window=2 * HOUR)) == {"in 1 hour"}


def test_no_task_is_both_overdue_and_due_soon(make_task):
    for offset in (-DUE_SOON, -SECOND, datetime.timedelta(0), SECOND, DUE_SOON, DUE_SOON + SECOND):
        make_task(str(offset), NOW + offset)

    assert not titles(Task.objects.overdue(now=NOW)) & titles(Task.objects.due_soon(now=NOW))


# --- due between ------------------------------------------------------------------------------------


def test_due_between_takes_a_task_due_at_the_start_but_not_one_due_at_the_end(make_task):
    end = NOW + 6 * HOUR
    make_task("a second before", NOW - SECOND)
    make_task("at the start", NOW)
    make_task("a second before the end", end - SECOND)
    make_task("at the end", end)
    make_task("done in between", NOW + HOUR, TaskStatus.DONE)

    assert titles(Task.objects.due_between(start=NOW, end=end)) == {"at the start", "a second before the end"}


# --- the flags pages and the API read -----------------------------------------------------------------


def test_the_overdue_and_due_soon_flags_say_what_the_filters_say(make_task):
    for status in (TaskStatus.NEW, TaskStatus.DONE):
        for offset in (-SECOND, datetime.timedelta(0), DUE_SOON, DUE_SOON + SECOND):
            make_task(f"{status.value} {offset}", NOW + offset, status)
    make_task("no deadline", None)

    flagged = Task.objects.with_due_flags(now=NOW)

    assert titles(t for t in flagged if t.is_overdue) == titles(Task.objects.overdue(now=NOW))
    assert titles(t for t in flagged if t.is_due_soon) == titles(Task.objects.due_soon(now=NOW))
    assert titles(t for t in flagged if t.is_overdue) == {"new -1 day, 23:59:59"}


# --- hot first --------------------------------------------------------------------------------------


def test_hot_first_puts_overdue_tasks_first_then_the_urgent_then_the_nearest_deadline(make_task):
    make_task("tomorrow", NOW + 24 * HOUR)
    make_task("late normal", NOW - 48 * HOUR)
    make_task("late urgent", NOW - HOUR, priority=TaskPriority.URGENT)
    make_task("today low", NOW + 3 * HOUR, priority=TaskPriority.LOW)
    make_task("today high", NOW + 5 * HOUR, priority=TaskPriority.HIGH)
    make_task("today high earlier", NOW + 4 * HOUR, priority=TaskPriority.HIGH)
    make_task("due exactly now", NOW)

    order = [t.title for t in Task.objects.open().hot_first(now=NOW)]

    assert order == [
        "late urgent",
        "late normal",
        "today high earlier",
        "today high",
        "due exactly now",
        "tomorrow",
        "today low",
    ]


def test_hot_first_does_not_put_a_done_task_with_a_passed_deadline_first(make_task):
    make_task("done long ago", NOW - 48 * HOUR, TaskStatus.DONE)
    make_task("urgent tomorrow", NOW + 24 * HOUR, priority=TaskPriority.URGENT)

    assert [t.title for t in Task.objects.hot_first(now=NOW)] == ["urgent tomorrow", "done long ago"]


# --- client requests --------------------------------------------------------------------------------


def test_a_request_waiting_a_second_past_its_target_is_over_target_and_one_due_exactly_now_is_not_yet(make_request):
    make_request("a second past", NOW - SECOND)
    make_request("exactly now", NOW)
    make_request("a second ahead", NOW + SECOND)
    make_request("no target", None)

    assert texts(Request.objects.over_target(now=NOW)) == {"a second past"}


def test_a_triaged_request_is_never_over_target(make_request):
    for status in RequestStatus:
        make_request(status.value, NOW - HOUR, status)

    assert texts(Request.objects.over_target(now=NOW)) == {"new"}
    assert texts(Request.objects.waiting()) == {"new"}


def test_the_breach_job_counts_a_request_due_exactly_now_that_pages_do_not_call_late_yet(make_request):
    make_request("a second past", NOW - SECOND)
    make_request("exactly now", NOW)
    make_request("a second ahead", NOW + SECOND)
    make_request("accepted", NOW - HOUR, RequestStatus.ACCEPTED)
    make_request("no target", None)

    assert texts(Request.objects.at_or_over_target(now=NOW)) == {"a second past", "exactly now"}


def test_the_over_target_flag_and_the_check_in_memory_say_what_the_filter_says(make_request):
    for status in (RequestStatus.NEW, RequestStatus.REJECTED):
        for offset in (-SECOND, datetime.timedelta(0), SECOND):
            make_request(f"{status.value} {offset}", NOW + offset, status)
    make_request("no target", None)

    late = texts(Request.objects.over_target(now=NOW))

    assert texts(r for r in Request.objects.with_target_flag(now=NOW) if r.over_target) == late
    assert texts(r for r in Request.objects.all() if r.is_over_target_at(NOW)) == late
    assert late == {"new -1 day, 23:59:59"}


# --- the boundary they share ------------------------------------------------------------------------


def test_a_deadline_passes_strictly_after_its_moment_and_no_deadline_never_passes():
    assert deadline_passed(NOW - SECOND, NOW) is True
    assert deadline_passed(NOW, NOW) is False
    assert deadline_passed(NOW + SECOND, NOW) is False
    assert deadline_passed(None, NOW) is False
