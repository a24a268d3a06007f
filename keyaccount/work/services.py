"""Changes to the delivery side of an account: the service catalogue, projects, requests and tasks.

Every function here checks the actor's permission, validates (errors name the field), writes, and
records the audit event, all in one transaction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.money import Currency
from keyaccount.core.services import apply_update, check_same_organization, claim_version, full_clean
from keyaccount.tenancy.calendar import add_business_hours
from keyaccount.tenancy.models import Membership, Organization, Role
from keyaccount.tenancy.permissions import editable_accounts_q, membership_of, require, require_on_account
from keyaccount.work.models import (
    STATUSES_NEEDING_REASON,
    TASK_TRANSITIONS,
    Project,
    ProjectGoal,
    RejectReason,
    Request,
    RequestStatus,
    Service,
    Task,
    TaskChecklistItem,
    TaskComment,
    TaskDueChange,
    TaskPriority,
    TaskStatus,
    TaskStatusChange,
)

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

# The catalogue a new organization starts with (DOMAIN.md: SEO, contextual ads, SMM, web development, extra works).
DEFAULT_SERVICES = ["SEO", "Contextual advertising", "SMM", "Web development", "Extra works"]

SERVICE_FIELDS = ["name", "description", "is_active", "position"]
PROJECT_FIELDS = ["service", "name", "stage", "budget", "currency", "scope", "starts_on", "ends_on", "team"]
PROJECT_GOAL_FIELDS = ["description", "metric", "target_value", "target_date", "achieved_on"]
REQUEST_FIELDS = ["channel", "text", "contact", "project", "received_at"]
TASK_FIELDS = ["title", "description", "expected_result", "assignee", "priority", "project"]
TASK_CREATE_FIELDS = [
    "title",
    "assignee",
    "due_at",
    "project",
    "priority",
    "description",
    "expected_result",
    "checklist",
]

# A request may be logged a little "in the future" when the clocks of two machines disagree.
_CLOCK_SKEW = datetime.timedelta(minutes=5)


class Decision:
    ACCEPT = "accept"
    REJECT = "reject"
    QUOTE = "quote"
    ALL = (ACCEPT, REJECT, QUOTE)


# --- shared checks ----------------------------------------------------------------------------------


def _check_account(actor: User, account: Account, capability: str) -> Membership:
    """The actor may change this account's records under `capability`; otherwise PermissionDenied."""
    return require_on_account(actor, account.pk, capability, message=_("You cannot change this account's work."))


def _check_task_workable(actor: User, task: Task) -> None:
    """Those who manage the account's tasks, and the assignee (a specialist works their own tasks)."""
    membership = require(actor, "work_tasks")
    if membership.organization_id != task.organization_id:
        raise PermissionDenied(_("You cannot work on this task."))
    if task.assignee_id == actor.pk:
        return
    if (
        membership.role in {Role.SPECIALIST}
        or not Account.objects.filter(editable_accounts_q(actor, "manage_tasks"), pk=task.account_id).exists()
    ):
        raise PermissionDenied(_("You cannot work on this task."))


def _check_colleague(organization_id: int, field: str, user: User | None) -> None:
    """`user` works for the organization (an active member of our side, not a client)."""
    if user is None:
        return
    membership = membership_of(user)
    if membership is None or membership.organization_id != organization_id:
        raise ValidationError({field: _("Choose a colleague from your organization.")})
    if membership.role == Role.CLIENT:
        raise ValidationError({field: _("A client representative cannot work on our side.")})


def _check_project_of(account: Account, project: Project | None, field: str = "project") -> None:
    if project is not None and project.account_id != account.pk:
        raise ValidationError({field: _("Choose a project of the same account.")})


def _check_contact_of(account: Account, contact: Contact | None) -> None:
    """The contact works at the account, or has a role on it."""
    if contact is None:
        return
    if contact.account_id == account.pk:
        return
    if (
        contact.organization_id == account.organization_id
        and ContactAccountRole.objects.filter(contact=contact, account=account).exists()
    ):
        return
    raise ValidationError({"contact": _("Choose a contact of this account.")})


def _check_unknown(fields: dict[str, Any], allowed: list[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})


# --- service catalogue ------------------------------------------------------------------------------


def _check_catalogue(actor: User, service: Service | None = None) -> Membership:
    membership = require(actor, "manage_catalogue")
    if service is not None and service.organization_id != membership.organization_id:
        raise PermissionDenied(_("You cannot change this service."))
    return membership


def _check_unique_service_name(organization_id: int, name: str, pk: int | None = None) -> None:
    clash = Service.objects.filter(organization_id=organization_id, name__iexact=name.strip())
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ValidationError({"name": _("A service with this name already exists.")})


@transaction.atomic
def service_create(*, actor: User, name: str, **fields: Any) -> Service:
    """Add a service the organization sells to its catalogue (administrators)."""
    membership = _check_catalogue(actor)
    _check_unknown(fields, SERVICE_FIELDS)
    name = name.strip()
    _check_unique_service_name(membership.organization_id, name)
    if "position" not in fields:
        last = Service.objects.filter(organization_id=membership.organization_id).order_by("-position").first()
        fields["position"] = (last.position + 1) if last else 0
    service = Service(organization_id=membership.organization_id, name=name, **fields)
    full_clean(service)
    service.save()
    audit_create(actor=actor, instance=service, fields=SERVICE_FIELDS, account_id=None)
    return service


@transaction.atomic
def service_update(*, actor: User, service: Service, data: dict[str, Any]) -> Service:
    """Rename, describe, reorder a service, or stop offering it (`is_active`)."""
    _check_catalogue(actor, service)
    if "name" in data:
        data = {**data, "name": data["name"].strip()}
        _check_unique_service_name(service.organization_id, data["name"], service.pk)
    apply_update(actor=actor, instance=service, data=data, editable=SERVICE_FIELDS, account_id=None)
    return service


@transaction.atomic
def service_delete(*, actor: User, service: Service) -> None:
    """Remove a service entered by mistake; one that projects use is kept and marked as not offered."""
    _check_catalogue(actor, service)
    if Project.objects.filter(service=service).exists():
        raise ValidationError({"service": _("Projects use this service; mark it as not offered instead.")})
    audit_delete(actor=actor, instance=service, fields=["name"], account_id=None)
    service.delete()


@transaction.atomic
def service_catalogue_ensure_defaults(organization: Organization) -> list[Service]:
    """Give an organization without a catalogue the default services; an existing catalogue is left alone."""
    existing = list(Service.objects.filter(organization_id=organization.pk))
    if existing:
        return existing
    created = []
    for position, name in enumerate(DEFAULT_SERVICES):
        service = Service.objects.create(organization_id=organization.pk, name=name, position=position)
        audit_create(actor=None, instance=service, fields=["name"], account_id=None)
        created.append(service)
    return created


# --- projects ---------------------------------------------------------------------------------------


def _check_project_fields(account: Account, data: dict[str, Any], current: Project | None = None) -> None:
    if data.get("service") is not None:
        check_same_organization(account.organization_id, service=data["service"])
    for user in data.get("team") or []:
        _check_colleague(account.organization_id, "team", user)
    starts = data.get("starts_on", current.starts_on if current else None)
    ends = data.get("ends_on", current.ends_on if current else None)
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _("The project cannot end before it starts.")})


@transaction.atomic
def project_create(
    *, actor: User, account: Account, name: str, team: list[User] | None = None, **fields: Any
) -> Project:
    """Open an engagement with the client: its service, scope, budget, dates and team."""
    _check_account(actor, account, "manage_projects")
    _check_unknown(fields, PROJECT_FIELDS)
    _check_project_fields(account, {**fields, "team": team})
    fields.setdefault("currency", account.currency)
    project = Project(organization_id=account.organization_id, account=account, name=name, **fields)
    full_clean(project)
    project.save()
    if team:
        project.team.set(team)
    audit_create(actor=actor, instance=project, fields=["account", *PROJECT_FIELDS], account_id=account.pk)
    return project


@transaction.atomic
def project_update(
    *, actor: User, project: Project, data: dict[str, Any], expected_version: int | None = None
) -> Project:
    """Change a project; a stale `expected_version` is refused (ConflictError)."""
    _check_account(actor, project.account, "manage_projects")
    _check_project_fields(project.account, data, project)
    apply_update(
        actor=actor,
        instance=project,
        data=data,
        editable=PROJECT_FIELDS,
        account_id=project.account_id,
        expected_version=expected_version,
    )
    return project


@transaction.atomic
def project_delete(*, actor: User, project: Project) -> None:
    """Remove a project entered by mistake; its tasks and requests stay with the account."""
    _check_account(actor, project.account, "manage_projects")
    audit_delete(actor=actor, instance=project, fields=["account", "name", "service"], account_id=project.account_id)
    project.delete()


@transaction.atomic
def project_goal_create(*, actor: User, project: Project, description: str, **fields: Any) -> ProjectGoal:
    """A measurable goal of the project, e.g. "top-10 for 30 queries by 2026-06-01"."""
    _check_account(actor, project.account, "manage_projects")
    _check_unknown(fields, PROJECT_GOAL_FIELDS)
    goal = ProjectGoal(organization_id=project.organization_id, project=project, description=description, **fields)
    full_clean(goal)
    goal.save()
    audit_create(actor=actor, instance=goal, fields=["project", *PROJECT_GOAL_FIELDS], account_id=project.account_id)
    return goal


@transaction.atomic
def project_goal_update(*, actor: User, goal: ProjectGoal, data: dict[str, Any]) -> ProjectGoal:
    _check_account(actor, goal.project.account, "manage_projects")
    apply_update(
        actor=actor, instance=goal, data=data, editable=PROJECT_GOAL_FIELDS, account_id=goal.project.account_id
    )
    return goal


@transaction.atomic
def project_goal_delete(*, actor: User, goal: ProjectGoal) -> None:
    _check_account(actor, goal.project.account, "manage_projects")
    audit_delete(actor=actor, instance=goal, fields=["project", "description"], account_id=goal.project.account_id)
    goal.delete()


# --- requests ---------------------------------------------------------------------------------------


def response_target_hours(account: Account) -> int:
    """How many business hours the account's requests may wait for an answer."""
    if account.response_target_hours:
        return account.response_target_hours
    return Organization.objects.values_list("default_response_target_hours", flat=True).get(pk=account.organization_id)


def response_due_for(account: Account, received_at: datetime.datetime) -> datetime.datetime | None:
    hours = response_target_hours(account)
    if not hours:
        return None
    organization = Organization.objects.get(pk=account.organization_id)
    return add_business_hours(received_at, hours, organization)


def _check_received_at(received_at: datetime.datetime) -> None:
    if timezone.is_naive(received_at):
        raise ValidationError({"received_at": _("Give the time with its time zone.")})
    if received_at > clock.now() + _CLOCK_SKEW:
        raise ValidationError({"received_at": _("A request cannot arrive in the future.")})


@transaction.atomic
def request_log(
    *,
    actor: User,
    account: Account,
    channel: str,
    text: str,
    contact: Contact | None = None,
    project: Project | None = None,
    received_at: datetime.datetime | None = None,
) -> Request:
    """Log a client's wish as it arrived; the answer is due within the account's response target."""
    _check_account(actor, account, "manage_requests")
    _check_contact_of(account, contact)
    _check_project_of(account, project)
    received_at = received_at or clock.now()
    _check_received_at(received_at)
    request = Request(
        organization_id=account.organization_id,
        account=account,
        channel=channel,
        text=text,
        contact=contact,
        project=project,
        received_at=received_at,
        logged_by=actor,
        status=RequestStatus.NEW,
    )
    full_clean(request, exclude=["response_due_at"])
    request.response_due_at = response_due_for(account, received_at)
    request.save()
    audit_create(
        actor=actor, instance=request, fields=["account", *REQUEST_FIELDS, "response_due_at"], account_id=account.pk
    )
    return request


@transaction.atomic
def request_update(
    *, actor: User, request: Request, data: dict[str, Any], expected_version: int | None = None
) -> Request:
    """Correct a logged request; a new received time moves the answer's due time with it."""
    account = request.account
    _check_account(actor, account, "manage_requests")
    if "contact" in data:
        _check_contact_of(account, data["contact"])
    if "project" in data:
        _check_project_of(account, data["project"])
    editable = list(REQUEST_FIELDS)
    if "received_at" in data:
        if data["received_at"] is None:
            raise ValidationError({"received_at": _("This field cannot be empty.")})
        _check_received_at(data["received_at"])
        if data["received_at"] != request.received_at:
            data = {**data, "response_due_at": response_due_for(account, data["received_at"])}
            editable.append("response_due_at")
    apply_update(
        actor=actor,
        instance=request,
        data=data,
        editable=editable,
        account_id=request.account_id,
        expected_version=expected_version,
    )
    return request


@transaction.atomic
def request_delete(*, actor: User, request: Request) -> None:
    """Remove a request logged by mistake; once triaged it stays (it counts in the account's filtering work)."""
    _check_account(actor, request.account, "manage_requests")
    if request.status != RequestStatus.NEW:
        raise ValidationError({"status": _("A triaged request is kept; only a request waiting for triage can go.")})
    audit_delete(actor=actor, instance=request, fields=["account", "channel", "text"], account_id=request.account_id)
    request.delete()


def _tasks_from_specs(actor: User, request: Request, specs: list[dict[str, Any]]) -> list[Task]:
    """Create the tasks a request turns into; an error names the task by its number."""
    tasks = []
    for number, spec in enumerate(specs, start=1):
        if not isinstance(spec, dict):
            raise ValidationError({"tasks": _("Task %(number)s: give its fields.") % {"number": number}})
        _check_unknown(spec, TASK_CREATE_FIELDS)
        spec = dict(spec)
        spec.setdefault("project", request.project)
        try:
            tasks.append(task_create(actor=actor, account=request.account, request=request, **spec))
        except ValidationError as e:
            messages = []
            for field, errors in e.message_dict.items():
                for message in errors:
                    messages.append(
                        _("Task %(number)s, %(field)s: %(message)s")
                        % {"number": number, "field": field, "message": message}
                    )
            raise ValidationError({"tasks": messages}) from None
    return tasks


@transaction.atomic
def request_triage(
    *,
    actor: User,
    request: Request,
    decision: str,
    reason: str = "",
    explanation: str = "",
    quote_amount: Decimal | None = None,
    quote_currency: str = "",
    tasks: list[dict[str, Any]] | None = None,
    expected_version: int | None = None,
) -> Request:
    """The account manager's filter: accept (into one or more tasks), reject with a reason, or quote as extra work.

    A request is triaged once; a quote is then answered with `request_quote_answer`.
    """
    _check_account(actor, request.account, "manage_requests")
    if request.status != RequestStatus.NEW:
        raise ValidationError({"decision": _("This request has already been triaged.")})
    if decision not in Decision.ALL:
        raise ValidationError({"decision": _("Choose accept, reject or quote.")})
    changes: dict[str, list[Any]] = {}
    if decision == Decision.ACCEPT:
        if not tasks:
            raise ValidationError({"tasks": _("An accepted request turns into at least one task.")})
        status = RequestStatus.ACCEPTED
    elif decision == Decision.REJECT:
        if reason not in RejectReason.values:
            raise ValidationError({"reason": _("Choose why the request is rejected.")})
        if not explanation.strip():
            raise ValidationError({"explanation": _("Explain the rejection to the client.")})
        status = RequestStatus.REJECTED
        request.reject_reason, request.explanation = reason, explanation.strip()
        changes.update(reject_reason=["", reason], explanation=["", request.explanation])
    else:
        if quote_amount is None or Decimal(quote_amount) <= 0:
            raise ValidationError({"quote_amount": _("Quote a positive amount.")})
        currency = quote_currency or request.account.currency
        if currency not in Currency.values:
            raise ValidationError({"quote_currency": _("Choose a currency from the list.")})
        status = RequestStatus.QUOTED
        request.quote_amount, request.quote_currency = Decimal(quote_amount), currency
        request.explanation = explanation.strip()
        changes.update(quote_amount=[None, str(request.quote_amount)], quote_currency=["", currency])
        if request.explanation:
            changes["explanation"] = ["", request.explanation]
    if decision != Decision.ACCEPT and tasks:
        raise ValidationError({"tasks": _("Only an accepted request turns into tasks.")})
    claim_version(request, expected_version, status=RequestStatus.NEW)
    request.status = status
    request.triaged_at = clock.now()
    request.triaged_by = actor
    full_clean(request)
    request.save()
    changes["status"] = [RequestStatus.NEW.value, status.value]
    audit_record(
        actor=actor,
        organization_id=request.organization_id,
        action=AuditAction.UPDATE,
        instance=request,
        changes=changes,
        account_id=request.account_id,
    )
    if decision == Decision.ACCEPT:
        _tasks_from_specs(actor, request, list(tasks or []))
    return request


@transaction.atomic
def request_quote_answer(
    *,
    actor: User,
    request: Request,
    accepted: bool,
    tasks: list[dict[str, Any]] | None = None,
    expected_version: int | None = None,
) -> Request:
    """Record the client's yes or no to a quote; a yes may turn into tasks right away."""
    _check_account(actor, request.account, "manage_requests")
    if request.status != RequestStatus.QUOTED:
        raise ValidationError({"accepted": _("Only a quoted request waits for the client's answer.")})
    if request.quote_accepted is not None:
        raise ValidationError({"accepted": _("The client's answer is already recorded.")})
    if tasks and not accepted:
        raise ValidationError({"tasks": _("Only an accepted quote turns into tasks.")})
    claim_version(request, expected_version, status=RequestStatus.QUOTED, quote_accepted=None)
    request.quote_accepted = bool(accepted)
    request.save()
    audit_record(
        actor=actor,
        organization_id=request.organization_id,
        action=AuditAction.UPDATE,
        instance=request,
        changes={"quote_accepted": [None, bool(accepted)]},
        account_id=request.account_id,
    )
    if tasks:
        _tasks_from_specs(actor, request, list(tasks))
    return request


# --- tasks ------------------------------------------------------------------------------------------


def _check_task_refs(
    account: Account, assignee: User | None, project: Project | None, request: Request | None = None
) -> None:
    _check_colleague(account.organization_id, "assignee", assignee)
    _check_project_of(account, project)
    if request is not None and request.account_id != account.pk:
        raise ValidationError({"request": _("Choose a request of the same account.")})


@transaction.atomic
def task_create(
    *,
    actor: User,
    account: Account,
    title: str,
    assignee: User | None = None,
    due_at: datetime.datetime | None = None,
    project: Project | None = None,
    request: Request | None = None,
    priority: str = TaskPriority.NORMAL,
    description: str = "",
    expected_result: str = "",
    checklist: list[str] | None = None,
) -> Task:
    """Set a clear piece of work for the team: who does it, by when, and what result is expected."""
    _check_account(actor, account, "manage_tasks")
    _check_task_refs(account, assignee, project, request)
    if due_at is not None and timezone.is_naive(due_at):
        raise ValidationError({"due_at": _("Give the time with its time zone.")})
    task = Task(
        organization_id=account.organization_id,
        account=account,
        title=(title or "").strip(),
        assignee=assignee,
        due_at=due_at,
        project=project,
        request=request,
        priority=priority,
        description=description,
        expected_result=expected_result,
        created_by=actor,
        status=TaskStatus.NEW,
    )
    full_clean(task)
    steps = [str(t).strip() for t in (checklist or []) if str(t).strip()]
    if any(len(t) > 200 for t in steps):
        raise ValidationError({"checklist": _("Each step is at most 200 characters.")})
    task.save()
    TaskStatusChange.objects.create(
        organization_id=task.organization_id, task=task, from_status="", to_status=TaskStatus.NEW, changed_by=actor
    )
    TaskChecklistItem.objects.bulk_create(
        TaskChecklistItem(organization_id=task.organization_id, task=task, title=t, position=i)
        for i, t in enumerate(steps)
    )
    audit_create(
        actor=actor,
        instance=task,
        fields=["title", "account", "assignee", "due_at", "project", "request", "priority", "status"],
        account_id=account.pk,
    )
    _notify_assignee(actor=actor, task=task)
    return task


def _notify_assignee(*, actor: User, task: Task) -> None:
    """Tell a colleague that a task was put on them (not when people assign themselves)."""
    if task.assignee is None or task.assignee_id == actor.pk:
        return
    from keyaccount.notifications.models import NotificationKind
    from keyaccount.notifications.services import notify

    with translation.override(task.assignee.language or settings.LANGUAGE_CODE):
        notify(
            recipient=task.assignee,
            kind=NotificationKind.TASK_ASSIGNED,
            title=_("New task for you: %(title)s") % {"title": task.title},
            body=_("%(who)s put it on you, for %(account)s.") % {"who": actor, "account": task.account.name},
            subject=task,
            url=reverse("work:task_detail", args=[task.pk]),
        )


@transaction.atomic
def task_update(*, actor: User, task: Task, data: dict[str, Any], expected_version: int | None = None) -> Task:
    """Correct a task as the client's business changes; deadlines move with `task_move_due`, statuses with
    `task_transition`. A stale `expected_version` is refused (ConflictError)."""
    _check_account(actor, task.account, "manage_tasks")
    _check_task_refs(task.account, data.get("assignee"), data.get("project"))
    if "title" in data:
        data = {**data, "title": (data["title"] or "").strip()}
    previous_assignee = task.assignee_id
    apply_update(
        actor=actor,
        instance=task,
        data=data,
        editable=TASK_FIELDS,
        account_id=task.account_id,
        expected_version=expected_version,
    )
    if task.assignee_id != previous_assignee:
        _notify_assignee(actor=actor, task=task)
    return task


def allowed_transitions(task: Task) -> list[str]:
    """The statuses a task may move to from where it is, in workflow order."""
    allowed = TASK_TRANSITIONS.get(task.status, set())
    return [s for s in TaskStatus.values if s in allowed]


@transaction.atomic
def task_transition(
    *, actor: User, task: Task, to: str, reason: str = "", expected_version: int | None = None
) -> TaskStatusChange:
    """Move a task along its workflow (new → in progress → review → done; blocked or cancelled from any
    open status; blocked back to in progress). A move the workflow does not allow changes nothing."""
    _check_task_workable(actor, task)
    allowed = allowed_transitions(task)
    if to not in allowed:
        names = ", ".join(allowed) or "—"
        raise ValidationError(
            {
                "to": _("Cannot move from %(from)s to %(to)s. Allowed: %(allowed)s.")
                % {"from": task.status, "to": to, "allowed": names}
            }
        )
    if to in STATUSES_NEEDING_REASON and not reason.strip():
        raise ValidationError({"reason": _("Say why: the team and the client will ask.")})
    from_status = task.status
    claim_version(task, expected_version, status=from_status)
    task.status = to
    task.completed_at = clock.now() if to == TaskStatus.DONE else None
    task.save(update_fields=["status", "completed_at", "version", "updated_at"])
    change = TaskStatusChange.objects.create(
        organization_id=task.organization_id,
        task=task,
        from_status=from_status,
        to_status=to,
        reason=reason.strip(),
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        organization_id=task.organization_id,
        action=AuditAction.UPDATE,
        instance=task,
        changes={"status": [from_status, to], **({"reason": ["", reason.strip()]} if reason.strip() else {})},
        account_id=task.account_id,
    )
    return change


@transaction.atomic
def task_move_due(
    *,
    actor: User,
    task: Task,
    due_at: datetime.datetime | None,
    reason: str = "",
    expected_version: int | None = None,
) -> TaskDueChange | None:
    """Set or move a task's deadline. Moving an existing one needs a reason and is kept in the history;
    reminders fire again for the new date. Setting the same deadline again changes nothing."""
    _check_account(actor, task.account, "manage_tasks")
    if not task.is_open:
        raise ValidationError({"due_at": _("A finished task keeps its deadline.")})
    if due_at is not None and timezone.is_naive(due_at):
        raise ValidationError({"due_at": _("Give the time with its time zone.")})
    if due_at == task.due_at:
        return None
    reason = reason.strip()
    if task.due_at is not None and not reason:
        raise ValidationError({"reason": _("Say why the deadline moves.")})
    previous = task.due_at
    claim_version(task, expected_version)
    task.due_at = due_at
    task.due_soon_notified_at = None
    task.overdue_notified_at = None
    task.save(update_fields=["due_at", "due_soon_notified_at", "overdue_notified_at", "version", "updated_at"])
    change = TaskDueChange.objects.create(
        organization_id=task.organization_id,
        task=task,
        from_due_at=previous,
        to_due_at=due_at,
        reason=reason,
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        organization_id=task.organization_id,
        action=AuditAction.UPDATE,
        instance=task,
        changes={
            "due_at": [previous.isoformat() if previous else None, due_at.isoformat() if due_at else None],
            **({"reason": ["", reason]} if reason else {}),
        },
        account_id=task.account_id,
    )
    return change


def task_claim_reminder(*, task_id: int, kind: str, due_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Mark a task's due-soon or overdue reminder as sent; True only for the one caller that claims it.

    The conditional update makes a reminder fire exactly once even with several workers; it also fails
    when the deadline moved since the task was read (the new deadline gets its own reminders).
    """
    field = {"due_soon": "due_soon_notified_at", "overdue": "overdue_notified_at"}[kind]
    claimed = Task.objects.open().filter(pk=task_id, due_at=due_at, **{f"{field}__isnull": True}).update(**{field: now})
    return claimed == 1


# --- checklist and comments -------------------------------------------------------------------------


@transaction.atomic
def task_checklist_add(*, actor: User, task: Task, title: str) -> TaskChecklistItem:
    """Add a step to the task's checklist."""
    _check_account(actor, task.account, "manage_tasks")
    last = TaskChecklistItem.objects.filter(task=task).order_by("-position").values_list("position", flat=True)
    position = last.first()
    item = TaskChecklistItem(
        organization_id=task.organization_id,
        task=task,
        title=(title or "").strip(),
        position=0 if position is None else position + 1,
    )
    full_clean(item)
    item.save()
    audit_create(actor=actor, instance=item, fields=["task", "title"], account_id=task.account_id)
    return item


@transaction.atomic
def task_checklist_toggle(*, actor: User, item: TaskChecklistItem, done: bool | None = None) -> TaskChecklistItem:
    """Tick or untick a step (`done` None flips it); the assignee may do it too."""
    _check_task_workable(actor, item.task)
    done = item.done_at is None if done is None else bool(done)
    if done == (item.done_at is not None):
        return item
    apply_update(
        actor=actor,
        instance=item,
        data={"done_at": clock.now() if done else None},
        editable=["done_at"],
        account_id=item.task.account_id,
    )
    return item


@transaction.atomic
def task_checklist_update(*, actor: User, item: TaskChecklistItem, data: dict[str, Any]) -> TaskChecklistItem:
    """Rename or reorder a step (ticking it is `task_checklist_toggle`)."""
    _check_account(actor, item.task.account, "manage_tasks")
    if "title" in data:
        data = {**data, "title": (data["title"] or "").strip()}
    apply_update(actor=actor, instance=item, data=data, editable=["title", "position"], account_id=item.task.account_id)
    return item


@transaction.atomic
def task_checklist_delete(*, actor: User, item: TaskChecklistItem) -> None:
    _check_account(actor, item.task.account, "manage_tasks")
    audit_delete(actor=actor, instance=item, fields=["task", "title"], account_id=item.task.account_id)
    item.delete()


@transaction.atomic
def task_comment_add(*, actor: User, task: Task, text: str) -> TaskComment:
    """Comment on a task: the account manager and the assignee talk where the work is."""
    _check_task_workable(actor, task)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    comment = TaskComment(organization_id=task.organization_id, task=task, author=actor, text=text)
    full_clean(comment)
    comment.save()
    audit_create(actor=actor, instance=comment, fields=["task", "text"], account_id=task.account_id)
    return comment
