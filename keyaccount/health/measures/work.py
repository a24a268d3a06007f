"""The measure that reads the work: overdue tasks and client requests answered late."""

from __future__ import annotations

import datetime
from collections import defaultdict
from fractions import Fraction
from typing import Any, TypedDict

from django.db.models import Exists, OuterRef

from keyaccount.health.base import MeasureKey, MeasureValue
from keyaccount.health.measures._base import Context, Day, mean, score, unknown


class RequestDue(TypedDict):
    """A client request whose response target fell in the window: a row of `_requests_due`."""

    account_id: int
    response_due_at: datetime.datetime | None
    triaged_at: datetime.datetime | None


def _answered_late(request: RequestDue) -> bool:
    """Not triaged, or triaged after its target (the window's filter leaves only requests with a target)."""
    triaged, due = request["triaged_at"], request["response_due_at"]
    return triaged is None or (due is not None and triaged > due)


def _task_loads(organization: Any, ids: list[int], day: Day) -> tuple[dict[int, list[dict[str, Any]]], set[int]]:
    """Tasks open at the end of the day with their deadline as it stood then, and the accounts that had
    any task by then. Three queries."""
    from keyaccount.work.models import CLOSED_TASK_STATUSES, Task, TaskDueChange, TaskStatusChange

    created = Task.objects.filter(organization=organization, account_id__in=ids, created_at__lt=day.end)
    with_tasks = set(created.order_by().values_list("account_id", flat=True).distinct())
    closed = TaskStatusChange.objects.filter(
        task_id=OuterRef("pk"), to_status__in=CLOSED_TASK_STATUSES, created_at__lt=day.end
    )
    rows = list(
        created.exclude(completed_at__lt=day.end)
        .exclude(Exists(closed))
        .order_by()
        .values("pk", "account_id", "title", "due_at")
    )
    # A deadline moved later reads as it stood on the day: the latest move made by then, else the
    # deadline before the first move made after it.
    due: dict[int, datetime.datetime | None] = {row["pk"]: row["due_at"] for row in rows}
    settled: set[int] = set()
    moves = TaskDueChange.objects.filter(task_id__in=list(due)).order_by("task_id", "created_at", "pk")
    for move in moves.values("task_id", "from_due_at", "to_due_at", "created_at"):
        if move["created_at"] < day.end:
            due[move["task_id"]] = move["to_due_at"]
        elif move["task_id"] not in settled:
            due[move["task_id"]] = move["from_due_at"]
        if move["created_at"] >= day.end:
            settled.add(move["task_id"])
    open_tasks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        open_tasks[row["account_id"]].append({**row, "due_at": due[row["pk"]]})
    return open_tasks, with_tasks


def overdue_work(
    ctx: Context,
    open_tasks: dict[int, list[dict[str, Any]]],
    with_tasks: set[int],
    requests: dict[int, list[RequestDue]],
    account_id: int,
    params: dict[str, Any],
) -> MeasureValue:
    """Delivery on time: open tasks past their deadline, and client requests answered after their target.

    Tasks part: 100 − `points_per_task` (20) for each task of the account open at the end of the day
    whose deadline (as it stood then) had passed, at least 0. Requests part: of the requests whose
    response target fell in the last `window_days` days, the share answered (triaged) by the target,
    × 100. The value is the mean of the parts that are known: the tasks part when the account had any
    task by the day, the requests part when a target fell in the window. Unknown when neither.
    """
    from keyaccount.work.models import deadline_passed

    key = MeasureKey.OVERDUE_WORK
    window, points = params["window_days"], params["points_per_task"]
    parts: list[Fraction] = []
    facts: dict[str, Any] = {"window_days": window}
    if account_id in with_tasks:
        # Open as the day ended, so only the deadline (as it stood then) is left to judge.
        overdue = [t for t in open_tasks.get(account_id, []) if deadline_passed(t["due_at"], ctx.day.end)]
        parts.append(Fraction(max(0, 100 - points * len(overdue))))
        facts["overdue_tasks"] = len(overdue)
        if overdue:
            oldest = min(overdue, key=lambda t: (t["due_at"], t["pk"]))
            facts["task"] = oldest["title"]
            facts["task_days_overdue"] = ctx.day.days_since(oldest["due_at"])
    due = requests.get(account_id, [])
    if due:
        late = [r for r in due if _answered_late(r)]
        parts.append(Fraction(100 * (len(due) - len(late)), len(due)))
        facts["requests_due"] = len(due)
        facts["late_requests"] = len(late)
    if not parts:
        return unknown(key, "no_work", window_days=window)
    return MeasureValue(key, score(mean(parts) or 0), facts)


def _requests_due(organization: Any, ids: list[int], day: Day, window: int) -> dict[int, list[RequestDue]]:
    from keyaccount.work.models import Request

    result: dict[int, list[RequestDue]] = defaultdict(list)
    for row in (
        Request.objects.filter(
            organization=organization,
            account_id__in=ids,
            received_at__lt=day.end,
            response_due_at__gte=day.start_of(window),
            response_due_at__lt=day.end,
        )
        .order_by()
        .values("account_id", "response_due_at", "triaged_at")
    ):
        result[row["account_id"]].append(row)
    return result
