"""Changes to contracts, and an account's money when the account is deleted. Amendments (additional agreements)
and renewals have their own modules (`amendments`, `renewals`), reached through this one as well; the daily
contract lifecycle is `lifecycle`.

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
from django.utils.translation import gettext_lazy as _

from keyaccount.billing.models import (
    LIVE_STATUSES,
    Act,
    BillingModel,
    Contract,
    ContractStatus,
    Invoice,
    InvoiceStatus,
    Payment,
)
from keyaccount.billing.selectors import settings_of
from keyaccount.billing.services._contract_checks import ONE_DAY, check_account, check_amount, plain
from keyaccount.billing.services.amendments import AMENDMENT_FIELDS, amendment_create, amendment_delete
from keyaccount.billing.services.renewals import RENEWAL_FIELDS, renewal_record
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import apply_update, check_same_organization, claim_version, full_clean

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

# Amendments and renewals have their modules; the pages and the API reach them through this one as well.
__all__ = [
    "AMENDMENT_FIELDS",
    "COMMERCIAL_FIELDS",
    "CONTRACT_FIELDS",
    "ONE_DAY",
    "RENEWAL_FIELDS",
    "account_deletion_refusal",
    "account_drafts_clear",
    "amendment_create",
    "amendment_delete",
    "contract_create",
    "contract_delete",
    "contract_give_notice",
    "contract_sign",
    "contract_terminate",
    "contract_update",
    "renewal_record",
]

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


def _check_terms(organization_id: int, values: dict[str, Any], pk: int | None = None) -> None:
    """The contract's terms as a whole: value in its currency, dates in order, a number free in the organization."""
    errors: dict[str, Any] = {}
    try:
        check_amount("value", values.get("value"), values.get("currency") or "RUB")
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
    check_account(actor, account.pk)
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
    check_account(actor, contract.account_id)
    if "services" in data:
        data = {**data, "services": list(data["services"] or [])}
        check_same_organization(contract.organization_id, services=data["services"])
    if contract.status != ContractStatus.DRAFT:
        errors = {
            name: _("The contract is signed: change this with an amendment or a renewal.")
            for name in COMMERCIAL_FIELDS
            if name in data and plain(data[name]) != plain(getattr(contract, name))
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
    check_account(actor, contract.account_id)
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
    check_account(actor, contract.account_id)
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
    check_account(actor, contract.account_id)
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
    check_account(actor, contract.account_id)
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
