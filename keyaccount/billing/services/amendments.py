"""Changes to a contract's amendments (additional agreements): from an effective date its value, end date
or scope change; the latest one may be withdrawn."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from keyaccount.billing import calc
from keyaccount.billing.models import LIVE_STATUSES, Amendment, AmendmentKind, Contract
from keyaccount.billing.services._contract_checks import check_account, check_amount, locked, move_end
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete
from keyaccount.core.services import full_clean

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

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
    check_account(actor, contract.account_id)
    contract = locked(contract)
    if contract.status not in LIVE_STATUSES:
        raise ValidationError({"contract": _("Only a signed or active contract can be amended.")})
    amendments = list(contract.amendments.all())
    current = calc.value_on(contract, effective_date, amendments)
    value_changes = new_value is not None and new_value != current
    end_changes = new_end_date is not None and new_end_date != contract.end_date
    if not (value_changes or end_changes or scope_change.strip()):
        raise ValidationError({"new_value": _("Change the value, the end date or the scope.")})
    check_amount("new_value", new_value, contract.currency, required=False)
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
        move_end(contract, amendment.new_end_date, actor=actor)
    return amendment


@transaction.atomic
def amendment_delete(*, actor: User, amendment: Amendment) -> None:
    """Withdraw the latest amendment entered by mistake; the contract's end date goes back to what it was."""
    contract = amendment.contract
    check_account(actor, contract.account_id)
    contract = locked(contract)
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
        move_end(contract, previous_end, actor=actor)
