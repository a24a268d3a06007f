"""Client requests: logged with their response target, triaged (accept into tasks, reject with a reason,
quote as extra work), and the client's answer to a quote."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.contacts.models import Contact
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.money import Currency
from keyaccount.core.services import apply_update, claim_version, full_clean
from keyaccount.tenancy.calendar import add_business_hours
from keyaccount.tenancy.models import Organization
from keyaccount.work.models import (
    Project,
    RejectReason,
    Request,
    RequestStatus,
    Task,
)
from keyaccount.work.services._checks import (
    check_account,
    check_contact_of,
    check_project_of,
    check_unknown,
)
from keyaccount.work.services.tasks import TASK_CREATE_FIELDS, task_create

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


REQUEST_FIELDS = ["channel", "text", "contact", "project", "received_at"]

# A request may be logged a little "in the future" when the clocks of two machines disagree.
_CLOCK_SKEW = datetime.timedelta(minutes=5)


class Decision:
    ACCEPT = "accept"
    REJECT = "reject"
    QUOTE = "quote"
    ALL = (ACCEPT, REJECT, QUOTE)


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
    check_account(actor, account, "manage_requests")
    check_contact_of(account, contact)
    check_project_of(account, project)
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
    check_account(actor, account, "manage_requests")
    if "contact" in data:
        check_contact_of(account, data["contact"])
    if "project" in data:
        check_project_of(account, data["project"])
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
    check_account(actor, request.account, "manage_requests")
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
        check_unknown(spec, TASK_CREATE_FIELDS)
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
    check_account(actor, request.account, "manage_requests")
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
    check_account(actor, request.account, "manage_requests")
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
