"""Changes to contracts, their amendments (additional agreements) and renewals, and the daily contract lifecycle.

A draft contract changes freely. Once signed, its commercial terms (value, currency, billing model, dates,
number) change only through an amendment or a renewal, so the contract's value over time reads from its
amendment rows and recurring revenue (MRR) and its movements can be computed for any past day.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from keyaccount.billing import calc
from keyaccount.billing.models import (
    LIVE_STATUSES,
    Act,
    Amendment,
    AmendmentKind,
    BillingModel,
    Contract,
    ContractStatus,
    Invoice,
    InvoiceStatus,
    Payment,
    Renewal,
    RenewalOutcome,
)
from keyaccount.billing.selectors import settings_of
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import apply_update, check_same_organization, claim_version, full_clean
from keyaccount.tenancy.permissions import require_on_account

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

logger = logging.getLogger(__name__)

CONTRACT_FIELDS = [
    "number",
    "title",
    "scope",
    "services",
    "billing_model",
    "start_date",
    "end_date",
    "value",
    "currency",
    "tax_rate",
    "payment_terms_days",
    "auto_renew",
    "notice_days",
]
# What both sides agreed on commercially: after signing, only an amendment or a renewal changes these.
COMMERCIAL_FIELDS = ["number", "billing_model", "start_date", "end_date", "value", "currency"]
AMENDMENT_FIELDS = [
    "contract",
    "kind",
    "number",
    "signed_on",
    "effective_date",
    "new_value",
    "new_end_date",
    "scope_change",
    "previous_value",
    "previous_end_date",
]
RENEWAL_FIELDS = ["contract", "term_end", "outcome", "new_value", "new_end_date", "decided_on", "automatic", "note"]

ONE_DAY = datetime.timedelta(days=1)


# --- shared checks ----------------------------------------------------------------------------------


def _check_account(actor: User, account_id: int) -> None:
    require_on_account(actor, account_id, "manage_money", message=_("You cannot change this account's money."))


def _check_amount(field: str, amount: Decimal | None, currency: str, *, required: bool = True) -> None:
    """Greater than zero and with no more decimals than the currency has."""
    if amount is None:
        if required:
            raise ValidationError({field: _("This field is required.")})
        return
    if amount <= 0:
        raise ValidationError({field: _("The amount must be greater than zero.")})
    if not calc.check_minor_units(amount, currency):
        raise ValidationError(
            {
                field: _("%(currency)s has no smaller units than %(unit)s.")
                % {"currency": currency, "unit": calc.quantum(currency)}
            }
        )


def _check_terms(organization_id: int, values: dict[str, Any], pk: int | None = None) -> None:
    """The contract's terms as a whole: value in its currency, dates in order, a number free in the organization."""
    errors: dict[str, Any] = {}
    try:
        _check_amount("value", values.get("value"), values.get("currency") or "RUB")
    except ValidationError as e:
        errors.update(e.error_dict)
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [_("The end date cannot be before the start date.")]
    number = (values.get("number") or "").strip()
    if not number:
        errors["number"] = [_("This field is required.")]
    else:
        clash = Contract.objects.filter(organization_id=organization_id, number__iexact=number)
        if pk is not None:
            clash = clash.exclude(pk=pk)
        if clash.exists():
            errors["number"] = [_("Another contract already has this number.")]
    if errors:
        raise ValidationError(errors)


def _locked(contract: Contract) -> Contract:
    """The contract as it is now, locked for this transaction, so two writers to it queue up."""
    fresh = Contract.objects.select_for_update().select_related("account").get(pk=contract.pk)
    return fresh


def _set_status(contract: Contract, to: str, *, actor: User | None, extra: dict[str, Any] | None = None) -> bool:
    """Move the contract from its current status to `to` with a conditional UPDATE; False when it moved already."""
    before = contract.status
    updated = Contract.objects.filter(pk=contract.pk, status=before).update(
        status=to, version=F("version") + 1, updated_at=clock.now(), **(extra or {})
    )
    if updated != 1:
        return False
    changes: dict[str, list[Any]] = {"status": [before, to]}
    for name, value in (extra or {}).items():
        changes[name] = [_plain(getattr(contract, name)), _plain(value)]
        setattr(contract, name, value)
    contract.status = to
    contract.version += 1
    audit_record(
        actor=actor,
        organization_id=contract.organization_id,
        action=AuditAction.UPDATE,
        instance=contract,
        changes=changes,
        account_id=contract.account_id,
    )
    return True


def _plain(value: Any) -> Any:
    """A value as the audit trail stores it."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- contracts --------------------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    actor: User,
    account: Account,
    number: str,
    start_date: datetime.date,
    value: Decimal,
    end_date: datetime.date | None = None,
    billing_model: str = BillingModel.RETAINER,
    currency: str | None = None,
    payment_terms_days: int | None = None,
    auto_renew: bool = False,
    notice_days: int = 30,
    tax_rate: Decimal = Decimal("0.00"),
    title: str = "",
    scope: str = "",
    services: list[Any] | None = None,
) -> Contract:
    """Record a contract with the client as a draft; it binds once signed (`contract_sign`)."""
    _check_account(actor, account.pk)
    services = list(services) if services is not None else None
    check_same_organization(account.organization_id, services=services)
    currency = currency or account.currency
    if payment_terms_days is None:
        payment_terms_days = settings_of(account.organization).payment_terms_days
    values = {"number": number, "start_date": start_date, "end_date": end_date, "value": value, "currency": currency}
    _check_terms(account.organization_id, values)
    contract = Contract(
        organization_id=account.organization_id,
        account=account,
        number=number.strip(),
        title=title,
        scope=scope,
        billing_model=billing_model,
        start_date=start_date,
        end_date=end_date,
        value=value,
        currency=currency,
        tax_rate=tax_rate,
        payment_terms_days=payment_terms_days,
        auto_renew=auto_renew,
        notice_days=notice_days,
        status=ContractStatus.DRAFT,
        created_by=actor if actor.is_authenticated else None,
    )
    full_clean(contract)
    contract.save()
    if services:
        contract.services.set(services)
    audit_create(actor=actor, instance=contract, fields=["account", *CONTRACT_FIELDS], account_id=account.pk)
    return contract


@transaction.atomic
def contract_update(
    *, actor: User, contract: Contract, data: dict[str, Any], expected_version: int | None = None
) -> Contract:
    """Change a contract. A draft changes freely; a signed one keeps its commercial terms (amend or renew it)."""
    _check_account(actor, contract.account_id)
    if "services" in data:
        data = {**data, "services": list(data["services"] or [])}
        check_same_organization(contract.organization_id, services=data["services"])
    if contract.status != ContractStatus.DRAFT:
        errors = {
            name: _("The contract is signed: change this with an amendment or a renewal.")
            for name in COMMERCIAL_FIELDS
            if name in data and _plain(data[name]) != _plain(getattr(contract, name))
        }
        if errors:
            raise ValidationError(errors)
        data = {k: v for k, v in data.items() if k not in COMMERCIAL_FIELDS}
    if "number" in data and isinstance(data["number"], str):
        data = {**data, "number": data["number"].strip()}
    merged = {name: data.get(name, getattr(contract, name)) for name in COMMERCIAL_FIELDS}
    _check_terms(contract.organization_id, merged, pk=contract.pk)
    apply_update(
        actor=actor,
        instance=contract,
        data=data,
        editable=CONTRACT_FIELDS,
        account_id=contract.account_id,
        expected_version=expected_version,
    )
    return contract


@transaction.atomic
def contract_sign(
    *,
    actor: User,
    contract: Contract,
    signed_on: datetime.date,
    signed_by: str = "",
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> Contract:
    """Both sides signed: the contract binds, and is active from its start date."""
    _check_account(actor, contract.account_id)
    today = today or clock.today_for(actor)
    if contract.status != ContractStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft contract can be signed.")})
    if signed_on > today:
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    claim_version(contract, expected_version, status=ContractStatus.DRAFT)
    contract.status = ContractStatus.ACTIVE if contract.start_date <= today else ContractStatus.SIGNED
    contract.signed_on = signed_on
    contract.signed_by = signed_by.strip()
    full_clean(contract)
    contract.save(update_fields=["status", "signed_on", "signed_by", "updated_at"])
    audit_record(
        actor=actor,
        organization_id=contract.organization_id,
        action=AuditAction.UPDATE,
        instance=contract,
        changes={
            "status": [ContractStatus.DRAFT, contract.status],
            "signed_on": [None, signed_on.isoformat()],
            "signed_by": ["", contract.signed_by],
        },
        account_id=contract.account_id,
    )
    return contract


@transaction.atomic
def contract_terminate(
    *,
    actor: User,
    contract: Contract,
    terminated_on: datetime.date,
    reason: str,
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> Contract:
    """End a signed contract early; it is in force until `terminated_on` inclusive and never renews."""
    _check_account(actor, contract.account_id)
    today = today or clock.today_for(actor)
    if contract.status not in LIVE_STATUSES:
        raise ValidationError({"status": _("Only a signed or active contract can be terminated.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the contract ends early.")})
    if contract.signed_on and terminated_on < contract.signed_on:
        raise ValidationError({"terminated_on": _("The contract cannot end before it was signed.")})
    if contract.end_date and terminated_on > contract.end_date:
        raise ValidationError({"terminated_on": _("The contract ends on its end date anyway; choose an earlier day.")})
    before = contract.status
    claim_version(contract, expected_version, status=before)
    contract.terminated_on = terminated_on
    contract.termination_reason = reason.strip()
    if terminated_on < today:
        contract.status = ContractStatus.TERMINATED
    contract.save(update_fields=["terminated_on", "termination_reason", "status", "updated_at"])
    audit_record(
        actor=actor,
        organization_id=contract.organization_id,
        action=AuditAction.UPDATE,
        instance=contract,
        changes={
            "status": [before, contract.status],
            "terminated_on": [None, terminated_on.isoformat()],
            "termination_reason": ["", contract.termination_reason],
        },
        account_id=contract.account_id,
    )
    return contract


@transaction.atomic
def contract_give_notice(
    *, actor: User, contract: Contract, given_on: datetime.date, expected_version: int | None = None
) -> Contract:
    """Notice not to renew was given (by either side): the contract will not renew itself at its end."""
    _check_account(actor, contract.account_id)
    if contract.status not in LIVE_STATUSES:
        raise ValidationError({"status": _("Only a signed or active contract takes notice.")})
    if contract.notice_given_on is not None:
        raise ValidationError({"given_on": _("Notice was already given on this contract.")})
    if given_on < contract.start_date - datetime.timedelta(days=366):
        raise ValidationError({"given_on": _("Check the date: it is long before the contract starts.")})
    claim_version(contract, expected_version, status=contract.status, notice_given_on=None)
    contract.notice_given_on = given_on
    contract.save(update_fields=["notice_given_on", "updated_at"])
    audit_record(
        actor=actor,
        organization_id=contract.organization_id,
        action=AuditAction.UPDATE,
        instance=contract,
        changes={"notice_given_on": [None, given_on.isoformat()]},
        account_id=contract.account_id,
    )
    return contract


@transaction.atomic
def contract_delete(*, actor: User, contract: Contract) -> None:
    """Remove a draft entered by mistake; a signed contract is kept (terminate it instead)."""
    _check_account(actor, contract.account_id)
    if contract.status != ContractStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft can be deleted; terminate a signed contract instead.")})
    if contract.invoices.exists() or contract.acts.exists():
        raise ValidationError({"status": _("Invoices or acts refer to this contract; it is kept.")})
    audit_delete(
        actor=actor,
        instance=contract,
        fields=["account", "number", "value", "currency"],
        account_id=contract.account_id,
    )
    contract.delete()


# --- amendments -------------------------------------------------------------------------------------


@transaction.atomic
def amendment_create(
    *,
    actor: User,
    contract: Contract,
    effective_date: datetime.date,
    new_value: Decimal | None = None,
    new_end_date: datetime.date | None = None,
    scope_change: str = "",
    number: str = "",
    signed_on: datetime.date | None = None,
) -> Amendment:
    """An additional agreement: from `effective_date` the contract's value, end date or scope change."""
    _check_account(actor, contract.account_id)
    contract = _locked(contract)
    if contract.status not in LIVE_STATUSES:
        raise ValidationError({"contract": _("Only a signed or active contract can be amended.")})
    amendments = list(contract.amendments.all())
    current = calc.value_on(contract, effective_date, amendments)
    value_changes = new_value is not None and new_value != current
    end_changes = new_end_date is not None and new_end_date != contract.end_date
    if not (value_changes or end_changes or scope_change.strip()):
        raise ValidationError({"new_value": _("Change the value, the end date or the scope.")})
    _check_amount("new_value", new_value, contract.currency, required=False)
    last = calc.last_day(contract)
    if effective_date < contract.start_date or (last is not None and effective_date > last):
        raise ValidationError({"effective_date": _("The date must fall within the contract's term.")})
    if amendments and effective_date < max(a.effective_date for a in amendments):
        raise ValidationError({"effective_date": _("A later amendment exists; the date cannot be before it.")})
    if new_end_date is not None and new_end_date < effective_date:
        raise ValidationError({"new_end_date": _("The new end date cannot be before the effective date.")})
    if new_end_date is not None and contract.terminated_on is not None:
        raise ValidationError({"new_end_date": _("The contract is terminated; its end date no longer changes.")})
    if signed_on is not None and signed_on > clock.today_for(actor):
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    amendment = Amendment(
        organization_id=contract.organization_id,
        contract=contract,
        kind=AmendmentKind.AMENDMENT,
        number=number.strip(),
        signed_on=signed_on,
        effective_date=effective_date,
        new_value=new_value if value_changes else None,
        new_end_date=new_end_date if end_changes else None,
        scope_change=scope_change.strip(),
        previous_value=current,
        previous_end_date=contract.end_date,
        created_by=actor if actor.is_authenticated else None,
    )
    full_clean(amendment)
    amendment.save()
    audit_create(actor=actor, instance=amendment, fields=AMENDMENT_FIELDS, account_id=contract.account_id)
    if amendment.new_end_date is not None:
        _move_end(contract, amendment.new_end_date, actor=actor)
    return amendment


def _move_end(contract: Contract, new_end: datetime.date | None, *, actor: User | None) -> None:
    before = contract.end_date
    Contract.objects.filter(pk=contract.pk).update(end_date=new_end, version=F("version") + 1, updated_at=clock.now())
    contract.end_date = new_end
    contract.version += 1
    audit_record(
        actor=actor,
        organization_id=contract.organization_id,
        action=AuditAction.UPDATE,
        instance=contract,
        changes={"end_date": [_plain(before), _plain(new_end)]},
        account_id=contract.account_id,
    )


@transaction.atomic
def amendment_delete(*, actor: User, amendment: Amendment) -> None:
    """Withdraw the latest amendment entered by mistake; the contract's end date goes back to what it was."""
    contract = amendment.contract
    _check_account(actor, contract.account_id)
    contract = _locked(contract)
    if amendment.kind != AmendmentKind.AMENDMENT:
        raise ValidationError({"kind": _("A renewal's new term is not deleted here.")})
    latest = contract.amendments.order_by("-effective_date", "-id").first()
    if latest is None or latest.pk != amendment.pk:
        raise ValidationError({"effective_date": _("Only the most recent amendment can be withdrawn.")})
    audit_delete(actor=actor, instance=amendment, fields=AMENDMENT_FIELDS, account_id=contract.account_id)
    restore = amendment.new_end_date is not None
    previous_end = amendment.previous_end_date
    amendment.delete()
    if restore:
        _move_end(contract, previous_end, actor=actor)


# --- renewals ---------------------------------------------------------------------------------------


@transaction.atomic
def renewal_record(
    *,
    actor: User | None,
    contract: Contract,
    outcome: str,
    decided_on: datetime.date,
    new_value: Decimal | None = None,
    new_end_date: datetime.date | None = None,
    note: str = "",
    automatic: bool = False,
    term_end: datetime.date | None = None,
) -> Renewal:
    """What was decided for the contract's current term: renewed, expanded, contracted or churned.

    A renewal is a new term: an amendment from the day after the end, with the new value and end date.
    Churn needs no amendment; the contract will not renew itself and expires at its end. `term_end`, when
    given, is the term the caller decided on: if the contract moved on meanwhile, nothing is recorded.
    """
    if not automatic:
        _check_account(actor, contract.account_id)  # type: ignore[arg-type]  # not automatic: a person decides
    # The term the caller saw: if someone renewed it meanwhile, this decision was about a term now gone.
    seen_end = term_end if term_end is not None else contract.end_date
    contract = _locked(contract)
    if outcome not in RenewalOutcome.values:
        raise ValidationError({"outcome": _("Choose a valid outcome.")})
    churned = outcome == RenewalOutcome.CHURNED
    allowed = [*LIVE_STATUSES, ContractStatus.EXPIRED] if churned else LIVE_STATUSES
    if contract.status not in allowed:
        raise ValidationError({"contract": _("Only a signed or active contract can be renewed.")})
    if contract.end_date is None:
        raise ValidationError({"contract": _("An open-ended contract has no term to renew.")})
    if contract.terminated_on is not None:
        raise ValidationError({"contract": _("The contract was terminated; it does not renew.")})
    if seen_end != contract.end_date:
        raise ValidationError({"contract": _("The outcome of this term is already recorded.")})
    if automatic and contract.notice_given_on is not None:
        raise ValidationError({"contract": _("Notice was given; the contract does not renew itself.")})
    term_end = contract.end_date
    if Renewal.objects.filter(contract=contract, term_end=term_end).exists():
        raise ValidationError({"contract": _("The outcome of this term is already recorded.")})
    current = calc.value_on(contract, term_end)
    amendment = None
    if churned:
        if new_value is not None:
            raise ValidationError({"new_value": _("A churned contract has no new value.")})
        if new_end_date is not None:
            raise ValidationError({"new_end_date": _("A churned contract has no new term.")})
    else:
        if new_end_date is None:
            raise ValidationError({"new_end_date": _("This field is required.")})
        if new_end_date <= term_end:
            raise ValidationError({"new_end_date": _("The new term must end after the current one.")})
        value = current if new_value is None else new_value
        _check_amount("new_value", value, contract.currency)
        if outcome == RenewalOutcome.EXPANDED and value <= current:
            raise ValidationError(
                {"new_value": _("Expanded: the new value must be higher than %(current)s.") % {"current": current}}
            )
        if outcome == RenewalOutcome.CONTRACTED and value >= current:
            raise ValidationError(
                {"new_value": _("Contracted: the new value must be lower than %(current)s.") % {"current": current}}
            )
        if outcome == RenewalOutcome.RENEWED and value != current:
            raise ValidationError(
                {
                    "new_value": _(
                        "Renewed on the same terms: the value stays %(current)s; choose expanded or contracted."
                    )
                    % {"current": current}
                }
            )
        new_value = value
        amendment = Amendment(
            organization_id=contract.organization_id,
            contract=contract,
            kind=AmendmentKind.RENEWAL,
            effective_date=term_end + ONE_DAY,
            new_value=value,
            new_end_date=new_end_date,
            previous_value=current,
            previous_end_date=term_end,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        full_clean(amendment)
        amendment.save()
        audit_create(actor=actor, instance=amendment, fields=AMENDMENT_FIELDS, account_id=contract.account_id)
    renewal = Renewal(
        organization_id=contract.organization_id,
        contract=contract,
        term_end=term_end,
        outcome=outcome,
        new_value=new_value,
        new_end_date=new_end_date,
        decided_on=decided_on,
        decided_by=actor if actor is not None and actor.is_authenticated else None,
        automatic=automatic,
        note=note.strip(),
        amendment=amendment,
    )
    full_clean(renewal, exclude=["amendment"])
    renewal.save()
    audit_create(actor=actor, instance=renewal, fields=RENEWAL_FIELDS, account_id=contract.account_id)
    if amendment is not None:
        _move_end(contract, new_end_date, actor=actor)
    elif contract.notice_given_on is None:
        contract.notice_given_on = decided_on
        Contract.objects.filter(pk=contract.pk).update(notice_given_on=decided_on, version=F("version") + 1)
        contract.version += 1
    return renewal


# --- an account being deleted -------------------------------------------------------------------------


def account_deletion_refusal(account: Account) -> str | None:
    """Why an account with money kept for accounting must stay: signed contracts, issued invoices, acts or
    payments (the account is marked churned instead); None when it has only drafts, or nothing."""
    if (
        Contract.objects.filter(account=account).exclude(status=ContractStatus.DRAFT).exists()
        or Invoice.objects.filter(account=account).exclude(status=InvoiceStatus.DRAFT).exists()
        or Act.objects.filter(account=account).exists()
        or Payment.objects.filter(account=account).exists()
    ):
        return str(
            _(
                "This account has signed contracts, issued invoices, acts or payments, which are kept for "
                "accounting. Mark the account churned instead."
            )
        )
    return None


def account_drafts_clear(account: Account) -> None:
    """The draft invoices and contracts of an account being deleted go with it."""
    Invoice.objects.filter(account=account).delete()
    Contract.objects.filter(account=account).delete()
