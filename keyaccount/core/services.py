"""Shared machinery for services: applying field changes, optimistic locking, validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from keyaccount.core.audit import audit_record, diff, snapshot
from keyaccount.core.models import AuditAction

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


class ConflictError(Exception):
    """Another user saved the record after this edit started; the edit is refused, nothing is written."""

    def __init__(self, current_version: int) -> None:
        super().__init__(_("Someone else saved this record after you opened it. Reload and apply your change again."))
        self.current_version = current_version


def full_clean(instance: models.Model, exclude: list[str] | None = None) -> None:
    """Model validation with field-named errors; services call this before every save.

    As Django's `Model.full_clean`, except that a foreign key set to an object already loaded is not
    looked up again: the services got that object through a scoped selector, and the database's
    own constraint still guards the save. That saves one query per foreign key on every write.
    """
    skip = set(exclude or [])
    loaded = {
        field.name
        for field in instance._meta.concrete_fields
        if field.many_to_one and getattr(instance, field.attname) is not None and field.is_cached(instance)  # type: ignore[attr-defined]  # a many-to-one field caches its object
    }
    errors: dict[str, Any] = {}
    try:
        instance.clean_fields(exclude=skip | loaded)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    # Unique and constraint checks cover every field that passed, the loaded foreign keys included.
    skip |= {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        instance.validate_unique(exclude=skip)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    try:
        instance.validate_constraints(exclude=skip)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def check_same_organization(organization_id: int, **related: Any) -> None:
    """Refuse a related object from another organization, naming the field."""
    errors = {}
    for field, obj in related.items():
        if obj is None:
            continue
        objs = obj if isinstance(obj, (list, tuple, set)) else [obj]
        for o in objs:
            org_id = o.membership.organization_id if hasattr(o, "membership") else getattr(o, "organization_id", None)
            if org_id != organization_id:
                errors[field] = _("Choose a value from your organization.")
    if errors:
        raise ValidationError(errors)


def claim_version(instance: models.Model, expected_version: int | None, **starting_state: Any) -> None:
    """Bump `version` if it is still `expected_version` (or any version when None) and the row is still in
    `starting_state` (e.g. `status="new"`); else ConflictError.

    The conditional UPDATE is atomic in the database, so of two concurrent editors of one version only
    the first wins; and of two concurrent workflow actions from one state (two triages of one request,
    two completions of one call), only the first moves it, whether or not they sent a version.
    """
    model = type(instance)
    qs = model._default_manager.filter(pk=instance.pk, **starting_state)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if qs.update(version=F("version") + 1) != 1:
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        raise ConflictError(current or 0)
    instance.version = model._default_manager.values_list("version", flat=True).get(pk=instance.pk)  # type: ignore[attr-defined]  # versioned, tenant-owned models only


def apply_update(
    *,
    actor: User,
    instance: models.Model,
    data: dict[str, Any],
    editable: list[str],
    account_id: int | None,
    expected_version: int | None = None,
) -> dict[str, list[Any]]:
    """Set `data` on `instance` (only `editable` fields), validate, save, audit. Returns the changes.

    Call inside a transaction: the caller's atomic block makes the save and the audit event one unit.
    """
    unknown = set(data) - set(editable)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    m2m = {k: v for k, v in data.items() if instance._meta.get_field(k).many_to_many}
    plain = {k: v for k, v in data.items() if k not in m2m}
    before = snapshot(instance, list(data))
    for name, value in plain.items():
        setattr(instance, name, value)
    full_clean(instance)
    if hasattr(instance, "version"):
        claim_version(instance, expected_version)
    instance.save()
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    changes = diff(before, snapshot(instance, list(data)))
    if changes:
        audit_record(
            actor=actor,
            organization_id=instance.organization_id,  # type: ignore[attr-defined]  # versioned, tenant-owned models only
            action=AuditAction.UPDATE,
            instance=instance,
            changes=changes,
            account_id=account_id,
        )
    return changes
