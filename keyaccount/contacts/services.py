"""Changes to the client's people: permission, validation, the write and its audit event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.core.audit import audit_create, audit_delete
from keyaccount.core.services import apply_update, full_clean
from keyaccount.tenancy.permissions import require_on_account

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

CONTACT_FIELDS = [
    "name",
    "title",
    "email",
    "phones",
    "messengers",
    "decision_role",
    "attitude",
    "influence",
    "reports_to",
    "preferred_channel",
    "cadence_days",
    "is_urgent_contact",
    "boss",
    "reporting_goals",
    "motivation",
    "personal_notes",
    "left_on",
]
ROLE_FIELDS = ["decision_role", "attitude", "influence"]


def _check_account_writable(actor: User, account: Account) -> None:
    require_on_account(actor, account.pk, "edit_contacts", message=_("You cannot change this account's contacts."))


def _check_reports_to(contact: Contact, reports_to: Contact | None) -> None:
    """Reports-to is a contact of the same account, and never forms a loop."""
    if reports_to is None:
        return
    if reports_to.account_id != contact.account_id:
        raise ValidationError({"reports_to": _("Choose a contact of the same account.")})
    node: Contact | None = reports_to
    seen = set()
    while node is not None and node.pk not in seen:
        if contact.pk is not None and node.pk == contact.pk:
            raise ValidationError({"reports_to": _("A contact cannot report to themselves, even through others.")})
        seen.add(node.pk)
        node = node.reports_to


@transaction.atomic
def contact_create(*, actor: User, account: Account, name: str, **fields: Any) -> Contact:
    """Add a person of the client to the account's stakeholder map."""
    _check_account_writable(actor, account)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
    contact = Contact(organization_id=account.organization_id, account=account, name=name, **fields)
    _check_reports_to(contact, fields.get("reports_to"))
    full_clean(contact)
    contact.save()
    audit_create(actor=actor, instance=contact, fields=["account", *CONTACT_FIELDS], account_id=account.pk)
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, contact: Contact, data: dict[str, Any], expected_version: int | None = None
) -> Contact:
    """Change a contact; a stale `expected_version` is refused (ConflictError)."""
    _check_account_writable(actor, contact.account)
    if "reports_to" in data:
        _check_reports_to(contact, data["reports_to"])
    apply_update(
        actor=actor,
        instance=contact,
        data=data,
        editable=CONTACT_FIELDS,
        account_id=contact.account_id,
        expected_version=expected_version,
    )
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    """Remove a contact entered by mistake; a person who left is kept with `left_on` instead."""
    _check_account_writable(actor, contact.account)
    audit_delete(actor=actor, instance=contact, fields=["account", "name", "title"], account_id=contact.account_id)
    contact.delete()


@transaction.atomic
def contact_role_add(*, actor: User, contact: Contact, account: Account, **fields: Any) -> ContactAccountRole:
    """Put a contact on another account with a role there (e.g. a holding's CFO on a subsidiary)."""
    _check_account_writable(actor, account)
    if contact.organization_id != account.organization_id:
        raise ValidationError({"contact": _("Choose a value from your organization.")})
    if contact.account_id == account.pk:
        raise ValidationError({"account": _("This is already the contact's own account.")})
    unknown = set(fields) - set(ROLE_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
    if ContactAccountRole.objects.filter(contact=contact, account=account).exists():
        raise ValidationError({"account": _("The contact already has a role on this account.")})
    role = ContactAccountRole(organization_id=account.organization_id, contact=contact, account=account, **fields)
    full_clean(role)
    role.save()
    audit_create(actor=actor, instance=role, fields=["contact", *ROLE_FIELDS], account_id=account.pk)
    return role


@transaction.atomic
def contact_role_update(*, actor: User, role: ContactAccountRole, data: dict[str, Any]) -> ContactAccountRole:
    _check_account_writable(actor, role.account)
    apply_update(actor=actor, instance=role, data=data, editable=ROLE_FIELDS, account_id=role.account_id)
    return role


@transaction.atomic
def contact_role_remove(*, actor: User, role: ContactAccountRole) -> None:
    _check_account_writable(actor, role.account)
    audit_delete(actor=actor, instance=role, fields=["contact", *ROLE_FIELDS], account_id=role.account_id)
    role.delete()
