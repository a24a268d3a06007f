"""The handover brief from sales: what was sold and promised, one per account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, HandoverBrief
from keyaccount.accounts.services._checks import check_editable
from keyaccount.core.audit import audit_create
from keyaccount.core.services import apply_update, check_same_organization, full_clean

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

HANDOVER_FIELDS = [
    "sold_by",
    "what_was_sold",
    "promises",
    "deal_value",
    "expectations",
    "signed_by",
    "signed_on",
    "handed_over_at",
]


@transaction.atomic
def handover_save(
    *, actor: User, account: Account, data: dict[str, Any], expected_version: int | None = None
) -> HandoverBrief:
    """Write the handover brief from sales (one per account), creating it on first save."""
    check_editable(actor, account, "edit_handover")
    if data.get("sold_by") is not None:
        check_same_organization(account.organization_id, sold_by=data["sold_by"])
    try:
        brief = HandoverBrief.objects.select_for_update().get(account=account)
    except HandoverBrief.DoesNotExist:
        unknown = set(data) - set(HANDOVER_FIELDS)
        if unknown:
            raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)}) from None
        brief = HandoverBrief(organization_id=account.organization_id, account=account, **data)
        full_clean(brief)
        brief.save()
        audit_create(actor=actor, instance=brief, fields=HANDOVER_FIELDS, account_id=account.pk)
        return brief
    apply_update(
        actor=actor,
        instance=brief,
        data=data,
        editable=HANDOVER_FIELDS,
        account_id=account.pk,
        expected_version=expected_version,
    )
    return brief
