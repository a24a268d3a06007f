"""The delivery side of an account: the service catalogue, projects, client requests and team tasks."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Case, ExpressionWrapper, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyaccount.core.models import TenantModel, VersionedModel
from keyaccount.core.money import Currency, money_field


class Service(TenantModel):
    """One service the organization sells (SEO, contextual ads, SMM, web development, extra works…)."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0, validators=[MaxValueValidator(32767)])

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="service_unique_name")]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class ProjectStage(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Project(TenantModel, VersionedModel):
    """An engagement with the client: one service, its scope, budget, goals and team."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="projects", verbose_name=_("account")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("service")
    )
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=200)
    stage = models.CharField(_("stage"), max_length=16, choices=ProjectStage.choices, default=ProjectStage.PLANNED)
    budget = money_field(_("budget or estimate"), null=True, blank=True, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    scope = models.TextField(_("scope of work"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="projects", verbose_name=_("project team")
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "account"], name="project_org_account")]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name


class ProjectGoal(TenantModel):
    """A measurable goal of a project, e.g. "top-10 for 30 queries by 2026-06-01"."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="goals", verbose_name=_("project"))
    description = models.CharField(_("goal"), max_length=300)
    metric = models.CharField(_("target metric"), max_length=200, blank=True)
    target_value = models.CharField(_("target value"), max_length=100, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)

    class Meta:
        ordering = ["target_date", "id"]
        verbose_name = _("project goal")
        verbose_name_plural = _("project goals")

    def __str__(self) -> str:
        return self.description


class RequestChannel(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    MESSENGER = "messenger", _("Messenger")
    MEETING = "meeting", _("Meeting")
    PORTAL = "portal", _("Portal")


class RequestStatus(models.TextChoices):
    NEW = "new", _("Waiting for triage")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    QUOTED = "quoted", _("Quoted as extra work")


class RejectReason(models.TextChoices):
    HARMFUL = "harmful", _("Harmful to the client")
    ABSURD = "absurd", _("Absurd")
    DUPLICATE = "duplicate", _("Duplicate")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


def deadline_passed(deadline: datetime.datetime | None, now: datetime.datetime) -> bool:
    """The one boundary of every deadline here: it has passed strictly after its moment (due exactly now
    is not late yet); no deadline never passes."""
    return deadline is not None and deadline < now


def over_target_q(now: datetime.datetime) -> Q:
    """Over its response target: still waiting for triage after the answer was due (strictly before `now`)."""
    return Q(status=RequestStatus.NEW, response_due_at__lt=now)


class RequestQuerySet(models.QuerySet["Request"]):
    """The words about client requests, defined once: pages, the API and jobs ask these."""

    def waiting(self) -> RequestQuerySet:
        """Waiting for triage."""
        return self.filter(status=RequestStatus.NEW)

    def over_target(self, *, now: datetime.datetime) -> RequestQuerySet:
        """Waiting for triage after the answer was due: what pages, filters and the API call late."""
        return self.filter(over_target_q(now))

    def at_or_over_target(self, *, now: datetime.datetime) -> RequestQuerySet:
        """Waiting for triage and the answer due by `now`, the due moment included: the breach job tells the
        account manager from that moment on (pages call such a request late only after it)."""
        return self.filter(status=RequestStatus.NEW, response_due_at__lte=now)

    def with_target_flag(self, *, now: datetime.datetime) -> RequestQuerySet:
        """Annotate `over_target` (see `over_target`), for lists, badges and the API."""
        return self.annotate(over_target=ExpressionWrapper(over_target_q(now), output_field=BooleanField()))


class Request(TenantModel, VersionedModel):
    """A client's wish as it arrived; the account manager triages it: accept, reject or quote."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="requests", verbose_name=_("account")
    )
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests", verbose_name=_("project")
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("who asked"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=RequestChannel.choices)
    received_at = models.DateTimeField(_("received at"))
    text = models.TextField(_("request"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("logged by")
    )
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.NEW)
    response_due_at = models.DateTimeField(
        _("answer due by"), null=True, blank=True, help_text=_("From the account's response target, in business hours.")
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    reject_reason = models.CharField(_("reason"), max_length=16, choices=RejectReason.choices, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    quote_amount = money_field(_("quoted amount"), null=True, blank=True, validators=[MinValueValidator(0)])
    quote_currency = models.CharField(_("quote currency"), max_length=3, choices=Currency.choices, blank=True)
    quote_accepted = models.BooleanField(_("client accepted the quote"), null=True, blank=True)
    breach_notified_at = models.DateTimeField(_("breach notified at"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "account", "-received_at"], name="request_org_account_time"),
            models.Index(fields=["organization", "status", "response_due_at"], name="request_org_status_due"),
        ]
        verbose_name = _("client request")
        verbose_name_plural = _("client requests")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def response_met(self) -> bool | None:
        """Whether triage came within the target; None while waiting or without a target."""
        if self.response_due_at is None or self.triaged_at is None:
            return None
        return self.triaged_at <= self.response_due_at

    def is_over_target_at(self, now: datetime.datetime) -> bool:
        """`RequestQuerySet.over_target` for one request already in memory."""
        return self.status == RequestStatus.NEW and deadline_passed(self.response_due_at, now)


class TaskStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    REVIEW = "review", _("In review")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATUSES = [TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.REVIEW, TaskStatus.BLOCKED]
CLOSED_TASK_STATUSES = [TaskStatus.DONE, TaskStatus.CANCELLED]
# Moving a task to these needs a word on why: the team and the client will ask.
STATUSES_NEEDING_REASON = frozenset({TaskStatus.BLOCKED, TaskStatus.CANCELLED})

# new → in_progress → review → done; any open → blocked / cancelled; blocked → in_progress.
TASK_TRANSITIONS: dict[str, set[str]] = {
    TaskStatus.NEW: {TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.REVIEW, TaskStatus.BLOCKED, TaskStatus.CANCELLED},
    TaskStatus.REVIEW: {TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.CANCELLED},
    TaskStatus.BLOCKED: {TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED},
    TaskStatus.DONE: set(),
    TaskStatus.CANCELLED: set(),
}


class TaskPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {TaskPriority.URGENT: 0, TaskPriority.HIGH: 1, TaskPriority.NORMAL: 2, TaskPriority.LOW: 3}

# An open task is "due soon" when its deadline is at most this far ahead (and not passed yet).
DUE_SOON = datetime.timedelta(hours=24)


def priority_rank() -> Case:
    """Urgent first: PRIORITY_RANK as a database expression, for ordering."""
    return Case(*[When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()], output_field=IntegerField())


def overdue_q(now: datetime.datetime) -> Q:
    """Overdue: open, and its deadline strictly before `now` (due exactly now is not late yet)."""
    return Q(status__in=OPEN_TASK_STATUSES, due_at__lt=now)


def due_soon_q(now: datetime.datetime, window: datetime.timedelta = DUE_SOON) -> Q:
    """Due soon: open, and its deadline from `now` to `now + window`, both ends included."""
    return Q(status__in=OPEN_TASK_STATUSES, due_at__gte=now, due_at__lte=now + window)


class TaskQuerySet(models.QuerySet["Task"]):
    """The words about tasks, defined once: pages, filters, the API, my day and the reminder job ask these.
    `now` is always passed in, so a caller (and a test) decides what this moment is."""

    def open(self) -> TaskQuerySet:
        """Still to be done: not done and not cancelled."""
        return self.filter(status__in=OPEN_TASK_STATUSES)

    def overdue(self, *, now: datetime.datetime) -> TaskQuerySet:
        return self.filter(overdue_q(now))

    def due_soon(self, *, now: datetime.datetime, window: datetime.timedelta = DUE_SOON) -> TaskQuerySet:
        return self.filter(due_soon_q(now, window))

    def due_between(self, *, start: datetime.datetime, end: datetime.datetime) -> TaskQuerySet:
        """Open, with a deadline from `start` (included) to `end` (excluded), e.g. the rest of today."""
        return self.open().filter(due_at__gte=start, due_at__lt=end)

    def hot_first(self, *, now: datetime.datetime) -> TaskQuerySet:
        """Overdue first, then by priority (urgent first), then the nearest deadline."""
        return self.annotate(
            _late=Case(When(overdue_q(now), then=Value(0)), default=Value(1), output_field=IntegerField()),
            _rank=priority_rank(),
        ).order_by("_late", "_rank", "due_at", "id")

    def with_due_flags(self, *, now: datetime.datetime) -> TaskQuerySet:
        """Annotate `is_overdue` and `is_due_soon`: templates and the API read these, never decide."""
        return self.annotate(
            is_overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField()),
            is_due_soon=ExpressionWrapper(due_soon_q(now), output_field=BooleanField()),
        )


class Task(TenantModel, VersionedModel):
    """A clear piece of work for the team: who, by when, what result, for which account."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="tasks", verbose_name=_("account")
    )
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("project")
    )
    request = models.ForeignKey(
        Request, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("request")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tasks",
        verbose_name=_("assignee"),
    )
    # No one for a task a playbook set when an alert fired.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    priority = models.CharField(_("priority"), max_length=8, choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NEW)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    due_soon_notified_at = models.DateTimeField(_("due-soon reminder sent at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue reminder sent at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["organization", "assignee", "status"], name="task_org_assignee_status"),
            models.Index(fields=["organization", "account", "status"], name="task_org_account_status"),
            models.Index(fields=["organization", "status", "due_at"], name="task_org_status_due"),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES


class TaskStatusChange(TenantModel):
    """One move of a task through its statuses."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("task"))
    from_status = models.CharField(_("from"), max_length=16, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=TaskStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("task status change")
        verbose_name_plural = _("task status changes")


class TaskDueChange(TenantModel):
    """A moved deadline, with the reason (the client's business changed, the team is late…)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="due_changes", verbose_name=_("task"))
    from_due_at = models.DateTimeField(_("was due"), null=True, blank=True)
    to_due_at = models.DateTimeField(_("now due"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")


class TaskChecklistItem(TenantModel):
    """One step of a task's checklist."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("task"))
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0, validators=[MaxValueValidator(32767)])
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist")

    def __str__(self) -> str:
        return self.title


class TaskComment(TenantModel):
    """A comment on a task by the team or the account manager."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments", verbose_name=_("task"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("comment"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
