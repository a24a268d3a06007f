"""What the writes to contracts, amendments and renewals share: the actor's right on the account's money,
an amount in its currency, the contract locked for the transaction, a change of status or end date with its
audit record."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from keyaccount.billing import calc
from keyaccount.billing.models import Contract
from keyaccount.core import clock
from keyaccount.core.audit import audit_record
from keyaccount.core.models import AuditAction
from keyaccount.tenancy.permissions import require_on_account

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

ONE_DAY = datetime.timedelta(days=1)


def check_account(actor: User, account_id: int) -> None:
    require_on_account(actor, account_id, "manage_money", message=_("You cannot change this account's money."))


def check_amount(field: str, amount: Decimal | None, currency: str, *, required: bool = True) -> None:
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


def locked(contract: Contract) -> Contract:
    """The contract as it is now, locked for this transaction, so two writers to it queue up."""
    fresh = Contract.objects.select_for_update().select_related("account").get(pk=contract.pk)
    return fresh


def set_status(contract: Contract, to: str, *, actor: User | None, extra: dict[str, Any] | None = None) -> bool:
    """Move the contract from its current status to `to` with a conditional UPDATE; False when it moved already."""
    before = contract.status
    updated = Contract.objects.filter(pk=contract.pk, status=before).update(
        status=to, version=F("version") + 1, updated_at=clock.now(), **(extra or {})
    )
    if updated != 1:
        return False
    changes: dict[str, list[Any]] = {"status": [before, to]}
    for name, value in (extra or {}).items():
        changes[name] = [plain(getattr(contract, name)), plain(value)]
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


def plain(value: Any) -> Any:
    """A value as the audit trail stores it."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def move_end(contract: Contract, new_end: datetime.date | None, *, actor: User | None) -> None:
    """Set the contract's end date (an amendment, a renewal or its withdrawal) and record the change."""
    before = contract.end_date
    Contract.objects.filter(pk=contract.pk).update(end_date=new_end, version=F("version") + 1, updated_at=clock.now())
    contract.end_date = new_end
    contract.version += 1
    audit_record(
        actor=actor,
        organization_id=contract.organization_id,
        action=AuditAction.UPDATE,
        instance=contract,
        changes={"end_date": [plain(before), plain(new_end)]},
        account_id=contract.account_id,
    )
