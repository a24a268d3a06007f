"""The client's context: the driving forces of their market, and their business goal as understood over time."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, BusinessGoalRevision, DrivingForce
from keyaccount.accounts.services._checks import check_editable
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete
from keyaccount.core.services import apply_update, full_clean

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

DRIVING_FORCE_FIELDS = ["kind", "subject", "change", "impact", "noted_on"]


@transaction.atomic
def driving_force_create(*, actor: User, account: Account, **data: Any) -> DrivingForce:
    """Record a change in the client's market and whether it helps or hurts them."""
    check_editable(actor, account)
    unknown = set(data) - set(DRIVING_FORCE_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
    data.setdefault("noted_on", clock.today_for(actor))
    force = DrivingForce(organization_id=account.organization_id, account=account, **data)
    full_clean(force)
    force.save()
    audit_create(actor=actor, instance=force, fields=DRIVING_FORCE_FIELDS, account_id=account.pk)
    return force


@transaction.atomic
def driving_force_update(*, actor: User, force: DrivingForce, data: dict[str, Any]) -> DrivingForce:
    check_editable(actor, force.account)
    apply_update(actor=actor, instance=force, data=data, editable=DRIVING_FORCE_FIELDS, account_id=force.account_id)
    return force


@transaction.atomic
def driving_force_delete(*, actor: User, force: DrivingForce) -> None:
    check_editable(actor, force.account)
    audit_delete(actor=actor, instance=force, fields=DRIVING_FORCE_FIELDS, account_id=force.account_id)
    force.delete()


@transaction.atomic
def goal_revise(
    *, actor: User, account: Account, goal: str, revised_on: datetime.date | None = None
) -> BusinessGoalRevision:
    """Record the client's business goal as understood today; earlier revisions stay as history."""
    check_editable(actor, account)
    revision = BusinessGoalRevision(
        organization_id=account.organization_id,
        account=account,
        goal=goal,
        revised_on=revised_on or clock.today_for(actor),
        author=actor,
    )
    full_clean(revision)
    revision.save()
    audit_create(actor=actor, instance=revision, fields=["goal", "revised_on"], account_id=account.pk)
    return revision


@transaction.atomic
def goal_revision_update(*, actor: User, revision: BusinessGoalRevision, data: dict[str, Any]) -> BusinessGoalRevision:
    check_editable(actor, revision.account)
    apply_update(
        actor=actor, instance=revision, data=data, editable=["goal", "revised_on"], account_id=revision.account_id
    )
    return revision


@transaction.atomic
def goal_revision_delete(*, actor: User, revision: BusinessGoalRevision) -> None:
    check_editable(actor, revision.account)
    audit_delete(actor=actor, instance=revision, fields=["goal", "revised_on"], account_id=revision.account_id)
    revision.delete()
