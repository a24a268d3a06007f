"""Reads of contacts, through the actor's visibility."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.tenancy.actors import Actor
from keyaccount.tenancy.permissions import can, editable_accounts_q, visible_accounts_q, visible_contacts_q


def contacts_visible_to(actor: Actor) -> QuerySet[Contact]:
    return Contact.objects.filter(visible_contacts_q(actor)).select_related("account", "reports_to")


def contacts_editable_by(actor: Actor) -> QuerySet[Contact]:
    return Contact.objects.filter(editable_accounts_q(actor, "edit_contacts", "account__"))


def contact_get_for(actor: Actor, pk: int | str) -> Contact:
    try:
        return contacts_visible_to(actor).get(pk=pk)
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def contacts_of_account(actor: Actor, account_id: int) -> QuerySet[Contact]:
    """The account's people: those who work there and those linked to it from another account."""
    return (
        contacts_visible_to(actor).filter(Q(account_id=account_id) | Q(other_roles__account_id=account_id)).distinct()
    )


def contact_roles_visible_to(actor: Actor) -> QuerySet[ContactAccountRole]:
    if not can(actor, "see_contacts"):
        return ContactAccountRole.objects.none()
    return ContactAccountRole.objects.filter(visible_accounts_q(actor, "account__")).select_related(
        "contact", "account"
    )
