"""Writing the audit trail: services call these inside their transaction."""

from __future__ import annotations

import datetime
import decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from keyaccount.core.models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value for the before/after record."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The current values of `fields`, as the audit trail stores them (FKs by id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted((instance.pk and getattr(instance, name).values_list("pk", flat=True)) or [])
        elif field.is_relation:
            values[name] = getattr(instance, field.attname)  # type: ignore[union-attr]  # audited names are concrete fields
        else:
            values[name] = _plain(getattr(instance, name))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def audit_record(
    *,
    actor: User | None,
    organization_id: int,
    action: str,
    instance: models.Model,
    changes: dict[str, Any] | None = None,
    account_id: int | None = None,
) -> AuditEvent:
    """Write one audit event for a change to `instance`; `account_id` files it under the account's history."""
    return AuditEvent.objects.create(
        organization_id=organization_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        account_id=account_id,
        changes=changes or {},
    )


def audit_create(*, actor: User | None, instance: models.Model, fields: list[str], account_id: int | None) -> None:
    after = snapshot(instance, fields)
    audit_record(
        actor=actor,
        organization_id=instance.organization_id,  # type: ignore[attr-defined]  # audited models are tenant models
        action=AuditAction.CREATE,
        instance=instance,
        changes={k: [None, v] for k, v in after.items() if v not in (None, "", [])},
        account_id=account_id,
    )


def audit_delete(*, actor: User | None, instance: models.Model, fields: list[str], account_id: int | None) -> None:
    before = snapshot(instance, fields)
    audit_record(
        actor=actor,
        organization_id=instance.organization_id,  # type: ignore[attr-defined]  # audited models are tenant models
        action=AuditAction.DELETE,
        instance=instance,
        changes={k: [v, None] for k, v in before.items() if v not in (None, "", [])},
        account_id=account_id,
    )
