"""The onboarding checklist: an account's first-month steps, and the organization's template for new accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, OnboardingItem, OnboardingTemplateItem
from keyaccount.accounts.services._checks import check_editable
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import apply_update, full_clean
from keyaccount.tenancy.permissions import require

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

# The first-month checklist of DOMAIN.md step 1, used until an organization edits its own.
DEFAULT_ONBOARDING_ITEMS = [
    "Call the client and tell what happens in month one",
    "Agree the communication format (phone, messenger, email, task tracker)",
    "Agree the cadence of contact and reporting",
    "Agree whom to call when something is urgent",
    "Introduce the team",
    "Run product training for the client's team",
]


def onboarding_template_titles(organization_id: int) -> list[str]:
    titles = list(
        OnboardingTemplateItem.objects.filter(organization_id=organization_id)
        .order_by("position", "id")
        .values_list("title", flat=True)
    )
    return titles or [str(t) for t in DEFAULT_ONBOARDING_ITEMS]


@transaction.atomic
def onboarding_item_add(*, actor: User, account: Account, title: str) -> OnboardingItem:
    check_editable(actor, account)
    last = OnboardingItem.objects.filter(account=account).order_by("-position").values_list("position", flat=True)
    item = OnboardingItem(
        organization_id=account.organization_id, account=account, title=title, position=(last.first() or 0) + 1
    )
    full_clean(item)
    item.save()
    audit_create(actor=actor, instance=item, fields=["title"], account_id=account.pk)
    return item


@transaction.atomic
def onboarding_item_update(*, actor: User, item: OnboardingItem, data: dict[str, Any]) -> OnboardingItem:
    """Rename a step or tick it (`done`: true/false); ticking records who and when."""
    check_editable(actor, item.account)
    data = dict(data)
    if "done" in data:
        done = bool(data.pop("done"))
        if done and item.done_at is None:
            data["done_at"] = clock.now()
            data["done_by"] = actor
        elif not done and item.done_at is not None:
            data["done_at"] = None
            data["done_by"] = None
    apply_update(
        actor=actor,
        instance=item,
        data=data,
        editable=["title", "position", "done_at", "done_by"],
        account_id=item.account_id,
    )
    return item


@transaction.atomic
def onboarding_item_delete(*, actor: User, item: OnboardingItem) -> None:
    check_editable(actor, item.account)
    audit_delete(actor=actor, instance=item, fields=["title"], account_id=item.account_id)
    item.delete()


@transaction.atomic
def onboarding_template_set(*, actor: User, titles: list[str]) -> list[OnboardingTemplateItem]:
    """Replace the organization's default first-month checklist (new accounts get it; old ones keep theirs)."""
    membership = require(actor, "edit_settings")
    titles = [t.strip() for t in titles if t.strip()]
    if not titles:
        raise ValidationError({"titles": _("Give at least one step.")})
    too_long = [t for t in titles if len(t) > 200]
    if too_long:
        raise ValidationError({"titles": _("Each step is at most 200 characters.")})
    OnboardingTemplateItem.objects.filter(organization_id=membership.organization_id).delete()
    items = OnboardingTemplateItem.objects.bulk_create(
        OnboardingTemplateItem(organization_id=membership.organization_id, title=t, position=i)
        for i, t in enumerate(titles)
    )
    audit_record(
        actor=actor,
        organization_id=membership.organization_id,
        action=AuditAction.UPDATE,
        instance=membership.organization,
        changes={"onboarding_template": [None, titles]},
    )
    return items
