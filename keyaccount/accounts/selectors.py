"""Reads of accounts and what hangs off them, always through the actor's visibility."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from keyaccount.accounts.models import (
    Account,
    AccountStatusChange,
    AccountTeamMember,
    BusinessGoalRevision,
    DrivingForce,
    HandoverBrief,
    OnboardingItem,
    OnboardingTemplateItem,
    Tag,
)
from keyaccount.core.models import AuditEvent
from keyaccount.tenancy.actors import Actor
from keyaccount.tenancy.permissions import (
    ORG_WIDE,
    can,
    editable_accounts_q,
    managed_accounts_q,
    membership_of,
    visible_accounts_q,
)

if TYPE_CHECKING:
    from keyaccount.contacts.models import Contact


def accounts_visible_to(actor: Actor) -> QuerySet[Account]:
    """Accounts the actor sees, with what a list shows (owner, tags) in a constant number of queries."""
    return (
        Account.objects.filter(visible_accounts_q(actor))
        .select_related("owner", "parent")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )


def accounts_editable_by(actor: Actor, capability: str = "edit_account") -> QuerySet[Account]:
    return Account.objects.filter(editable_accounts_q(actor, capability))


def accounts_managed_by(actor: Actor) -> QuerySet[Account]:
    """Accounts whose team the actor may change."""
    return Account.objects.filter(managed_accounts_q(actor))


def account_get_for(actor: Actor, pk: int | str) -> Account:
    """One visible account or 404 (another organization's id answers exactly like a missing one)."""
    try:
        return accounts_visible_to(actor).get(pk=pk)
    except (Account.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def account_detail_for(actor: Actor, pk: int | str) -> Account:
    """An account with everything its page shows, prefetched."""
    qs = accounts_visible_to(actor).prefetch_related(
        Prefetch("team", queryset=AccountTeamMember.objects.select_related("user").order_by("role", "id")),
        "children",
    )
    try:
        return qs.get(pk=pk)
    except (Account.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def tags_of(actor: Actor) -> QuerySet[Tag]:
    membership = membership_of(actor)
    if membership is None:
        return Tag.objects.none()
    return Tag.objects.filter(organization_id=membership.organization_id)


def team_members_visible_to(actor: Actor) -> QuerySet[AccountTeamMember]:
    return AccountTeamMember.objects.filter(visible_accounts_q(actor, "account__")).select_related("user", "account")


def handovers_visible_to(actor: Actor) -> QuerySet[HandoverBrief]:
    if not can(actor, "see_handover"):
        return HandoverBrief.objects.none()
    return HandoverBrief.objects.filter(visible_accounts_q(actor, "account__")).select_related("account", "sold_by")


def onboarding_items_visible_to(actor: Actor) -> QuerySet[OnboardingItem]:
    if not can(actor, "see_context"):
        return OnboardingItem.objects.none()
    return OnboardingItem.objects.filter(visible_accounts_q(actor, "account__")).select_related("done_by")


def onboarding_template_of(actor: Actor) -> QuerySet[OnboardingTemplateItem]:
    membership = membership_of(actor)
    if membership is None:
        return OnboardingTemplateItem.objects.none()
    return OnboardingTemplateItem.objects.filter(organization_id=membership.organization_id)


def driving_forces_visible_to(actor: Actor) -> QuerySet[DrivingForce]:
    if not can(actor, "see_context"):
        return DrivingForce.objects.none()
    return DrivingForce.objects.filter(visible_accounts_q(actor, "account__"))


def goal_revisions_visible_to(actor: Actor) -> QuerySet[BusinessGoalRevision]:
    if not can(actor, "see_context"):
        return BusinessGoalRevision.objects.none()
    return BusinessGoalRevision.objects.filter(visible_accounts_q(actor, "account__")).select_related("author")


def status_changes_visible_to(actor: Actor) -> QuerySet[AccountStatusChange]:
    return AccountStatusChange.objects.filter(visible_accounts_q(actor, "account__")).select_related("changed_by")


def audit_events_visible_to(actor: Actor) -> QuerySet[AuditEvent]:
    """Audit events: the whole organization for a head or admin, own accounts' events for the account team."""
    membership = membership_of(actor)
    if membership is None or not can(actor, "see_audit"):
        return AuditEvent.objects.none()
    if membership.role in ORG_WIDE:
        q = AuditEvent.objects.filter(organization_id=membership.organization_id)
    else:
        q = AuditEvent.objects.filter(
            organization_id=membership.organization_id,
            account_id__in=Account.objects.filter(visible_accounts_q(actor)).values("pk"),
        )
    return q.select_related("actor")


OrgNode: TypeAlias = "tuple[Contact, list[OrgNode]]"


def org_chart(contacts: Sequence[Contact]) -> list[OrgNode]:
    """The contacts as a forest drawn from reports-to: [(contact, [(report, [...]), ...]), ...].

    A contact whose manager is not among `contacts` (or who is in a reporting cycle) becomes a root,
    so nobody is ever dropped from the chart.
    """
    by_id = {c.pk: c for c in contacts}
    children: dict[int, list[Contact]] = {c.pk: [] for c in contacts}
    roots: list[Contact] = []
    for c in contacts:
        parent = c.reports_to_id
        if parent in by_id and parent != c.pk:
            children[parent].append(c)
        else:
            roots.append(c)

    placed: set[int] = set()

    def build(contact: Contact) -> OrgNode:
        placed.add(contact.pk)
        kids = [build(k) for k in children[contact.pk] if k.pk not in placed]
        return (contact, kids)

    forest = [build(r) for r in roots]
    # Contacts in a reports-to cycle have no root; show each remaining one at the top level.
    for c in contacts:
        if c.pk not in placed:
            forest.append(build(c))
    return forest
