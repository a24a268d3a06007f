"""What was decided when a contract's term comes to its end: renewed (a new term, as an amendment from the
day after the end), expanded, contracted or churned."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from keyaccount.billing import calc
from keyaccount.billing.models import (
    LIVE_STATUSES,
    Amendment,
    AmendmentKind,
    Contract,
    ContractStatus,
    Renewal,
    RenewalOutcome,
)
from keyaccount.billing.services._contract_checks import ONE_DAY, check_account, check_amount, locked, move_end
from keyaccount.billing.services.amendments import AMENDMENT_FIELDS
from keyaccount.core.audit import audit_create
from keyaccount.core.services import full_clean

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

RENEWAL_FIELDS = ["contract", "term_end", "outcome", "new_value", "new_end_date", "decided_on", "automatic", "note"]


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
        check_account(actor, contract.account_id)  # type: ignore[arg-type]  # not automatic: a person decides
    # The term the caller saw: if someone renewed it meanwhile, this decision was about a term now gone.
    seen_end = term_end if term_end is not None else contract.end_date
    contract = locked(contract)
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
        check_amount("new_value", value, contract.currency)
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
        move_end(contract, new_end_date, actor=actor)
    elif contract.notice_given_on is None:
        contract.notice_given_on = decided_on
        Contract.objects.filter(pk=contract.pk).update(notice_given_on=decided_on, version=F("version") + 1)
        contract.version += 1
    return renewal
