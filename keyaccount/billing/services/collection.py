"""Closing documents (acts) and collection: what the client signs for work done, the organization's
billing settings, and the daily jobs that chase unsigned acts and overdue invoices.

The jobs (`run_act_chasing`, `run_dunning`) run without an actor for every organization. Each act and
each collection step is claimed before anyone is told — a conditional UPDATE for an act, a row under a
unique constraint for a step — so running a job twice, or on two workers at once, tells nobody twice.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from keyaccount.billing import calc
from keyaccount.billing.models import (
    Act,
    BillingSettings,
    Contract,
    DunningRun,
    Invoice,
)
from keyaccount.billing.selectors import settings_of, settings_read
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import apply_update, check_same_organization, claim_version, full_clean
from keyaccount.tenancy.permissions import require, require_on_account

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

ACT_FIELDS = ["contract", "number", "period_start", "period_end", "amount", "currency", "note"]
ACT_AUDIT_FIELDS = ["account", *ACT_FIELDS, "sent_on", "signed_on"]
SETTINGS_FIELDS = ["payment_terms_days", "act_chase_days", "dunning_steps"]
MAX_DUNNING_STEPS = 10
# The hour (in the account manager's time zone) a collection task is due on the day it is set.
TASK_DUE_HOUR = 18


# --- acts -------------------------------------------------------------------------------------------


def _check_money_account(actor: User, account_id: int) -> None:
    require_on_account(actor, account_id, "manage_money", message=_("You cannot change this account's money."))


def _check_act(act: Act) -> None:
    """The rules of an act beyond its fields: each error names its field."""
    errors: dict[str, str] = {}
    if act.contract is not None:
        if act.contract.organization_id != act.organization_id:
            errors["contract"] = _("Choose a value from your organization.")
        elif act.contract.account_id != act.account_id:
            errors["contract"] = _("Choose a contract of the same account.")
        elif act.currency != act.contract.currency:
            errors["currency"] = _("The currency must be the contract's (%(currency)s).") % {
                "currency": act.contract.currency
            }
    if act.amount is not None:
        if act.amount <= 0:
            errors["amount"] = _("The amount must be greater than zero.")
        elif act.currency and not calc.check_minor_units(Decimal(act.amount), act.currency):
            errors["amount"] = _("Too many decimals for %(currency)s.") % {"currency": act.currency}
    if act.period_start and act.period_end and act.period_end < act.period_start:
        errors["period_end"] = _("The period cannot end before it starts.")
    today = clock.organization_today(act.organization)
    if act.sent_on is not None:
        if act.sent_on > today:
            errors["sent_on"] = _("An act cannot be sent in the future.")
        elif act.period_start and act.sent_on < act.period_start:
            errors["sent_on"] = _("An act cannot be sent before its period starts.")
    if act.signed_on is not None:
        if act.signed_on > today:
            errors["signed_on"] = _("An act cannot be signed in the future.")
        elif act.sent_on is not None and act.signed_on < act.sent_on:
            errors["signed_on"] = _("An act cannot be signed before it was sent.")
    number = (act.number or "").strip()
    if number:
        clash = Act.objects.filter(organization_id=act.organization_id, number=number)
        if act.pk:
            clash = clash.exclude(pk=act.pk)
        if clash.exists():
            errors["number"] = _("An act with this number already exists.")
    if errors:
        raise ValidationError(errors)


def _check_unsigned(act: Act) -> None:
    if act.signed_on is not None:
        raise ValidationError(_("The client has signed this act; it can no longer be changed."))


@transaction.atomic
def act_create(
    *,
    actor: User,
    account: Account,
    contract: Contract | None = None,
    number: str = "",
    period_start: datetime.date,
    period_end: datetime.date,
    amount: Decimal,
    currency: str | None = None,
    sent_on: datetime.date | None = None,
    note: str = "",
) -> Act:
    """Record a closing document for work done in a period; its currency is the contract's."""
    _check_money_account(actor, account.pk)
    check_same_organization(account.organization_id, contract=contract)
    act = Act(
        organization_id=account.organization_id,
        account=account,
        contract=contract,
        number=(number or "").strip(),
        period_start=period_start,
        period_end=period_end,
        amount=amount,
        currency=currency or (contract.currency if contract is not None else account.currency),
        sent_on=sent_on,
        note=note,
    )
    _check_act(act)
    full_clean(act)
    act.save()
    audit_create(actor=actor, instance=act, fields=ACT_AUDIT_FIELDS, account_id=account.pk)
    return act


@transaction.atomic
def act_update(*, actor: User, act: Act, data: dict[str, Any], expected_version: int | None = None) -> Act:
    """Correct an act until the client signs it. A stale `expected_version` is refused (ConflictError)."""
    _check_money_account(actor, act.account_id)
    _check_unsigned(act)
    if "contract" in data:
        check_same_organization(act.organization_id, contract=data["contract"])
    if "number" in data:
        data = {**data, "number": (data["number"] or "").strip()}
    unknown = set(data) - set(ACT_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    proposed = copy.copy(act)
    for name, value in data.items():
        setattr(proposed, name, value)
    _check_act(proposed)
    apply_update(
        actor=actor,
        instance=act,
        data=data,
        editable=ACT_FIELDS,
        account_id=act.account_id,
        expected_version=expected_version,
    )
    return act


def _set_dates(actor: User, act: Act, changes: dict[str, Any], expected_version: int | None) -> Act:
    before = {name: getattr(act, name) for name in changes}
    for name, value in changes.items():
        setattr(act, name, value)
    _check_act(act)
    full_clean(act)
    claim_version(act, expected_version)
    act.save()
    audit_record(
        actor=actor,
        organization_id=act.organization_id,
        action=AuditAction.UPDATE,
        instance=act,
        changes={
            name: [before[name].isoformat() if before[name] else None, value.isoformat() if value else None]
            for name, value in changes.items()
            if name != "chased_at" and before[name] != value
        },
        account_id=act.account_id,
    )
    return act


@transaction.atomic
def act_mark_sent(
    *, actor: User, act: Act, sent_on: datetime.date | None = None, expected_version: int | None = None
) -> Act:
    """The act went to the client on `sent_on` (default today); sending again restarts the chasing clock."""
    _check_money_account(actor, act.account_id)
    _check_unsigned(act)
    return _set_dates(actor, act, {"sent_on": sent_on or clock.today_for(actor), "chased_at": None}, expected_version)


@transaction.atomic
def act_mark_signed(
    *, actor: User, act: Act, signed_on: datetime.date | None = None, expected_version: int | None = None
) -> Act:
    """The client signed the act on `signed_on` (default today), not before it was sent; an act never
    marked as sent counts as handed over and signed the same day."""
    _check_money_account(actor, act.account_id)
    _check_unsigned(act)
    signed_on = signed_on or clock.today_for(actor)
    changes: dict[str, Any] = {"signed_on": signed_on}
    if act.sent_on is None:
        changes["sent_on"] = signed_on
    return _set_dates(actor, act, changes, expected_version)


@transaction.atomic
def act_delete(*, actor: User, act: Act) -> None:
    """Remove an act entered by mistake; a signed act is a legal document and stays."""
    _check_money_account(actor, act.account_id)
    _check_unsigned(act)
    audit_delete(actor=actor, instance=act, fields=ACT_AUDIT_FIELDS, account_id=act.account_id)
    act.delete()


def act_chase_due(act: Act, today: datetime.date, chase_days: int) -> bool:
    """Sent `chase_days` or more days ago and still unsigned: the account manager should chase it."""
    return act.signed_on is None and act.sent_on is not None and (today - act.sent_on).days >= chase_days


def act_claim_chase(*, act_id: int, now: datetime.datetime) -> bool:
    """Mark an unsigned act as flagged; True only for the one caller that claims it."""
    return Act.objects.filter(pk=act_id, chased_at__isnull=True, signed_on__isnull=True).update(chased_at=now) == 1


def run_act_chasing(today: datetime.date, organization_ids: Collection[int] | None = None) -> int:
    """Acts sent at least the organization's `act_chase_days` ago and still unsigned: the account's
    manager hears about each once. Returns how many were flagged."""
    now = clock.now()
    waiting = Act.objects.filter(signed_on__isnull=True, sent_on__isnull=False, chased_at__isnull=True)
    if organization_ids is not None:
        waiting = waiting.filter(organization_id__in=organization_ids)
    flagged = 0
    chase_days: dict[int, int] = {}
    for org_id in waiting.order_by().values_list("organization_id", flat=True).distinct():
        chase_days[org_id] = _settings_by_id(org_id).act_chase_days
    candidates = waiting.filter(
        sent_on__lte=today - datetime.timedelta(days=min(chase_days.values(), default=0))
    ).select_related("account__owner")
    for act in candidates.order_by("sent_on", "pk"):
        if not act_chase_due(act, today, chase_days[act.organization_id]):
            continue
        with transaction.atomic():
            if not act_claim_chase(act_id=act.pk, now=now):
                continue
            flagged += 1
            owner = act.account.owner
            if owner is None or not owner.is_active:
                continue
            from keyaccount.notifications.models import NotificationKind
            from keyaccount.notifications.services import notify

            assert act.sent_on is not None
            with translation.override(owner.language or django_settings.LANGUAGE_CODE):
                days = (today - act.sent_on).days
                notify(
                    recipient=owner,
                    kind=NotificationKind.ACT_UNSIGNED,
                    title=_("Not signed yet: act %(act)s of %(account)s") % {"act": act, "account": act.account.name},
                    body=ngettext(
                        "Sent %(date)s, %(days)d day ago. Ask the client to sign it.",
                        "Sent %(date)s, %(days)d days ago. Ask the client to sign it.",
                        days,
                    )
                    % {"date": formats.date_format(act.sent_on, "SHORT_DATE_FORMAT"), "days": days},
                    subject=act,
                    url=reverse("billing:act_edit", args=[act.pk]),
                )
    return flagged


def _settings_by_id(organization_id: int) -> BillingSettings:
    return settings_read(organization_id)


# --- billing settings -------------------------------------------------------------------------------


def clean_dunning_steps(steps: Any) -> list[dict[str, Any]]:
    """Collection steps as stored: a list of {days: 1–365, escalate: bool}, days unique, in order.

    Errors name the field `dunning_steps`."""
    if not isinstance(steps, list):
        raise ValidationError({"dunning_steps": _("Give a list of steps, each with days and escalate.")})
    if len(steps) > MAX_DUNNING_STEPS:
        raise ValidationError({"dunning_steps": _("At most %(count)d steps.") % {"count": MAX_DUNNING_STEPS}})
    cleaned: list[dict[str, Any]] = []
    for step in steps:
        if not isinstance(step, dict) or set(step) - {"days", "escalate"} or "days" not in step:
            raise ValidationError({"dunning_steps": _("Each step has days and escalate, nothing else.")})
        days, escalate = step["days"], step.get("escalate", False)
        if isinstance(days, bool) or not isinstance(days, int):
            if isinstance(days, str) and days.strip().isdigit():
                days = int(days)
            else:
                raise ValidationError({"dunning_steps": _("Days overdue must be a whole number.")})
        if not 1 <= days <= 365:
            raise ValidationError({"dunning_steps": _("Days overdue must be between 1 and 365.")})
        if not isinstance(escalate, bool):
            raise ValidationError({"dunning_steps": _("Escalate is true or false.")})
        cleaned.append({"days": days, "escalate": escalate})
    seen = [s["days"] for s in cleaned]
    if len(set(seen)) != len(seen):
        raise ValidationError({"dunning_steps": _("Each step needs its own number of days.")})
    return sorted(cleaned, key=lambda s: s["days"])


@transaction.atomic
def billing_settings_update(
    *, actor: User, data: dict[str, Any], expected_version: int | None = None
) -> BillingSettings:
    """Change the organization's payment terms, when unsigned acts are flagged, and the collection steps
    (heads and administrators). A stale `expected_version` is refused (ConflictError)."""
    membership = require(actor, "manage_billing_settings")
    current = settings_of(membership.organization)
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    if "dunning_steps" in data:
        data = {**data, "dunning_steps": clean_dunning_steps(data["dunning_steps"])}
    if "act_chase_days" in data and data["act_chase_days"] is not None and data["act_chase_days"] < 1:
        raise ValidationError({"act_chase_days": _("At least one day.")})
    before = {name: getattr(current, name) for name in data}
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean(exclude=["organization"])
    claim_version(current, expected_version)
    current.save()
    changes = {name: [before[name], value] for name, value in data.items() if before[name] != value}
    if changes:
        audit_record(
            actor=actor,
            organization_id=current.organization_id,
            action=AuditAction.UPDATE,
            instance=current,
            changes=changes,
        )
    return current


# --- dunning ----------------------------------------------------------------------------------------


def _due_today_at(owner: User | None, today: datetime.date) -> datetime.datetime:

    zone = clock.user_zone(owner)
    return datetime.datetime.combine(today, datetime.time(TASK_DUE_HOUR), tzinfo=zone)


def _money(amount: Decimal, currency: str) -> str:
    return f"{formats.number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}"


def _claim_step(invoice: Invoice, days: int, escalated: bool) -> DunningRun | None:
    """Insert the step's row; None when another run already did (the unique constraint decides)."""
    try:
        with transaction.atomic():
            return DunningRun.objects.create(
                organization_id=invoice.organization_id, invoice=invoice, days=days, escalated=escalated
            )
    except IntegrityError:
        return None


def _remind(invoice: Invoice, run: DunningRun, today: datetime.date, escalate: bool) -> int:
    """The account manager's reminder task and notification; the heads' notice when escalated.
    Returns the number of heads told."""
    from keyaccount.notifications.models import NotificationKind
    from keyaccount.notifications.services import notify
    from keyaccount.tenancy.models import Membership, Role
    from keyaccount.work.models import Task, TaskPriority, TaskStatus, TaskStatusChange

    account = invoice.account
    owner = account.owner if account.owner is not None and account.owner.is_active else None
    overdue_days = invoice.days_overdue(on=today)
    url = reverse("billing:invoice_detail", args=[invoice.pk])
    language = (owner.language if owner else "") or django_settings.LANGUAGE_CODE
    with translation.override(language):
        facts = {
            "account": account.name,
            "invoice": invoice.number,
            "days": overdue_days,
            "open": _money(invoice.open_amount, invoice.currency),
            "due": formats.date_format(invoice.due_date, "SHORT_DATE_FORMAT"),
        }
        title = (
            ngettext(
                "Remind %(account)s about invoice %(invoice)s, %(days)d day overdue",
                "Remind %(account)s about invoice %(invoice)s, %(days)d days overdue",
                overdue_days,
            )
            % facts
        )
        task = Task.objects.create(
            organization_id=invoice.organization_id,
            account=account,
            title=title[:200],
            description=_("%(open)s is still open on invoice %(invoice)s, due %(due)s.") % facts,
            expected_result=_("The client confirms the payment date, or the payment is recorded."),
            assignee=owner,
            priority=TaskPriority.HIGH if escalate else TaskPriority.NORMAL,
            due_at=_due_today_at(owner, today),
            status=TaskStatus.NEW,
        )
        TaskStatusChange.objects.create(
            organization_id=task.organization_id, task=task, from_status="", to_status=TaskStatus.NEW
        )
        audit_create(
            actor=None, instance=task, fields=["title", "account", "assignee", "due_at"], account_id=account.pk
        )
        run.task = task
        run.save(update_fields=["task"])
        if owner is not None:
            notify(
                recipient=owner,
                kind=NotificationKind.INVOICE_OVERDUE,
                title=title,
                body=_("%(open)s is still open on invoice %(invoice)s, due %(due)s.") % facts,
                subject=invoice,
                url=url,
            )
    if not escalate:
        return 0
    heads = Membership.objects.filter(
        organization_id=invoice.organization_id, role=Role.HEAD, user__is_active=True
    ).select_related("user")
    told = 0
    for membership in heads:
        head = membership.user
        with translation.override(head.language or django_settings.LANGUAGE_CODE):
            facts["manager"] = str(owner) if owner else _("nobody")
            notify(
                recipient=head,
                kind=NotificationKind.INVOICE_ESCALATED,
                title=ngettext(
                    "Escalated: invoice %(invoice)s of %(account)s is %(days)d day overdue",
                    "Escalated: invoice %(invoice)s of %(account)s is %(days)d days overdue",
                    overdue_days,
                )
                % facts,
                body=_("%(open)s is still open, due %(due)s. Account manager: %(manager)s.") % facts,
                subject=invoice,
                url=url,
            )
            told += 1
    return told


def run_dunning(today: datetime.date, organization_ids: Collection[int] | None = None) -> dict[str, int]:
    """The collection steps of every organization for `today`.

    For each open (issued or partially paid) invoice, the steps reached (days ≤ days overdue) and not
    done yet are claimed by inserting their rows. The highest of them sets the account manager a
    reminder task due today and notifies them; the lower ones, missed while the job did not run, are
    recorded as done without a reminder of their own, so a late run reminds once, not once per step
    or per day missed. When any claimed step escalates, every head is told. A step lower than one
    already done (added to the settings later) is recorded silently. An invoice paid meanwhile gets
    nothing. Returns counts of reminders, escalations and heads told.
    """
    invoices = (
        Invoice.objects.overdue(on=today).select_related("account__owner").order_by("organization_id", "due_date", "pk")
    )
    if organization_ids is not None:
        invoices = invoices.filter(organization_id__in=organization_ids)
    done: dict[int, set[int]] = {}
    for invoice_id, days in DunningRun.objects.filter(invoice__in=invoices.values("pk")).values_list(
        "invoice_id", "days"
    ):
        done.setdefault(invoice_id, set()).add(days)
    steps_of: dict[int, list[dict[str, Any]]] = {}
    counts = {"reminders": 0, "escalations": 0, "heads_told": 0}
    for invoice in invoices:
        if invoice.organization_id not in steps_of:
            steps_of[invoice.organization_id] = _settings_by_id(invoice.organization_id).dunning_steps or []
        overdue_days = invoice.days_overdue(on=today)
        already = done.get(invoice.pk, set())
        missing = [
            s for s in steps_of[invoice.organization_id] if s["days"] <= overdue_days and s["days"] not in already
        ]
        if not missing:
            continue
        with transaction.atomic():
            # Paid or voided since the list was read: nothing to chase.
            if not Invoice.objects.open().filter(pk=invoice.pk).exists():
                continue
            top = max(missing, key=lambda s: s["days"])
            escalate = any(s.get("escalate") for s in missing)
            claimed = {s["days"]: _claim_step(invoice, s["days"], bool(s.get("escalate"))) for s in missing}
            top_run = claimed[top["days"]]
            if top_run is None or (already and top["days"] < max(already)):
                continue
            counts["reminders"] += 1
            if escalate:
                counts["escalations"] += 1
            counts["heads_told"] += _remind(invoice, top_run, today, escalate)
    return counts
