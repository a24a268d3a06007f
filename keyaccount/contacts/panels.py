"""The client's people on the account page: the contacts list and the org chart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from keyaccount.accounts.selectors import org_chart
from keyaccount.contacts.models import ContactAccountRole
from keyaccount.contacts.selectors import contacts_of_account, contacts_visible_to
from keyaccount.core.account_page import AccountPanel, register_name_scope, register_panel
from keyaccount.tenancy.permissions import can

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User


def contacts_panel(actor: User, account: Account) -> dict[str, Any]:
    """`contacts` (a linked contact from another account shows their role on this one as `here`) and
    `org_chart`; nothing for roles that see no contacts."""
    if not can(actor, "see_contacts"):
        return {}
    contacts = list(
        contacts_of_account(actor, account.pk).prefetch_related(
            Prefetch("other_roles", queryset=_roles_on(account), to_attr="roles_here")
        )
    )
    for contact in contacts:
        here = contact.roles_here[0] if contact.account_id != account.pk and contact.roles_here else contact
        contact.here = here  # type: ignore[attr-defined]  # read by the contacts panel's template
    return {"contacts": contacts, "org_chart": org_chart(contacts)}


def _roles_on(account: Account) -> QuerySet[ContactAccountRole]:
    """Linked contacts' roles on this account (the contacts themselves were already scoped by a selector)."""
    return ContactAccountRole.objects.filter(organization_id=account.organization_id, account_id=account.pk)


def register() -> None:
    register_panel(AccountPanel("contacts", contacts_panel))
    register_name_scope("contacts.Contact", lambda actor: contacts_visible_to(actor).select_related(None))
