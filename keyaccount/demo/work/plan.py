"""The shape of the demo's planned working loop: projects, tasks, client requests and interactions per
account. Times are (days from today, hour, minute) in the organization's zone."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from keyaccount.accounts.models import AccountStatus
from keyaccount.comms.models import InteractionState
from keyaccount.demo import data as d
from keyaccount.work.models import TaskPriority, TaskStatus

# (days from today, hour, minute) in the organization's time zone.


When = tuple[int, int, int]

LIVE = (AccountStatus.ACTIVE, AccountStatus.AT_RISK, AccountStatus.ONBOARDING)
HISTORY_DAYS = 90
# The moves that bring a new task to each status.
PATHS: dict[str, list[str]] = {
    TaskStatus.NEW: [],
    TaskStatus.IN_PROGRESS: [TaskStatus.IN_PROGRESS],
    TaskStatus.REVIEW: [TaskStatus.IN_PROGRESS, TaskStatus.REVIEW],
    TaskStatus.DONE: [TaskStatus.IN_PROGRESS, TaskStatus.REVIEW, TaskStatus.DONE],
    TaskStatus.BLOCKED: [TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED],
    TaskStatus.CANCELLED: [TaskStatus.CANCELLED],
}
# The account manager accepts the work and calls tasks off; the assignee does the rest.
MANAGER_MOVES = {TaskStatus.DONE, TaskStatus.CANCELLED}


@dataclass
class ProjectWork:
    discipline: str  # one of d.DISCIPLINES, or "extra"
    name: str
    stage: str
    budget: Decimal | None
    scope: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    team: list[str]
    goals: list[dict[str, Any]]


@dataclass
class TaskWork:
    title: str
    expected_result: str
    assignee: str | None
    created: int  # days from today
    due: When | None
    status: str = TaskStatus.NEW
    priority: str = TaskPriority.NORMAL
    project: int | None = None  # index into the account's projects
    first_due: When | None = None  # the deadline before it moved
    move_reason: str = ""
    reason: str = ""  # why it is blocked or cancelled
    finished: When | None = None  # when it was done or called off
    checklist: list[str] = field(default_factory=list)
    steps_done: int = 0
    comments: list[tuple[str, str]] = field(default_factory=list)  # (author, text)
    forced: bool = False
    lang: str = "en"


@dataclass
class RequestWork:
    channel: str
    text: str
    contact: str | None  # the role of the contact who asked
    received: When
    outcome: str  # "new", or a Decision
    by: str
    fresh_minutes: int = 0  # arrived today, this many minutes before the demo was loaded
    project: int | None = None
    reason: str = ""
    explanation: str = ""
    quote_amount: Decimal | None = None
    answer: bool | None = None
    tasks: list[TaskWork] = field(default_factory=list)
    triage_hours: int = 2


@dataclass
class InteractionWork:
    kind: str
    direction: str
    when: When
    subject: str
    by: str
    state: str = InteractionState.DONE
    summary: str = ""
    sentiment: int | None = None
    duration: int | None = None
    next_step: str = ""
    contacts: list[str] = field(default_factory=list)  # contact roles
    users: list[str] = field(default_factory=list)
    follow_up: tuple[str, When, str] | None = None  # (kind, when, subject) of the planned next touch
    task: TaskWork | None = None
    cancelled: bool = False


@dataclass
class AccountWork:
    projects: list[ProjectWork] = field(default_factory=list)
    requests: list[RequestWork] = field(default_factory=list)
    tasks: list[TaskWork] = field(default_factory=list)
    interactions: list[InteractionWork] = field(default_factory=list)

    def all_tasks(self) -> list[TaskWork]:
        tasks = [t for r in self.requests for t in r.tasks] + self.tasks
        return tasks + [i.task for i in self.interactions if i.task is not None]


def discipline_of(specialist: int) -> str:
    return d.DISCIPLINES[(specialist - 1) % len(d.DISCIPLINES)]
