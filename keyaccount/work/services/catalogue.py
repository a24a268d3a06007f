"""The organization's catalogue of services (SEO, contextual ads, SMM…): what projects are of."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.core.audit import audit_create, audit_delete
from keyaccount.core.services import apply_update, full_clean
from keyaccount.tenancy.models import Membership, Organization
from keyaccount.tenancy.permissions import require
from keyaccount.work.models import (
    Project,
    Service,
)
from keyaccount.work.services._checks import (
    check_unknown,
)

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


# The catalogue a new organization starts with (DOMAIN.md: SEO, contextual ads, SMM, web development, extra works).
DEFAULT_SERVICES = ["SEO", "Contextual advertising", "SMM", "Web development", "Extra works"]

SERVICE_FIELDS = ["name", "description", "is_active", "position"]


def _check_catalogue(actor: User, service: Service | None = None) -> Membership:
    membership = require(actor, "manage_catalogue")
    if service is not None and service.organization_id != membership.organization_id:
        raise PermissionDenied(_("You cannot change this service."))
    return membership


def _check_unique_service_name(organization_id: int, name: str, pk: int | None = None) -> None:
    clash = Service.objects.filter(organization_id=organization_id, name__iexact=name.strip())
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ValidationError({"name": _("A service with this name already exists.")})


@transaction.atomic
def service_create(*, actor: User, name: str, **fields: Any) -> Service:
    """Add a service the organization sells to its catalogue (administrators)."""
    membership = _check_catalogue(actor)
    check_unknown(fields, SERVICE_FIELDS)
    name = name.strip()
    _check_unique_service_name(membership.organization_id, name)
    if "position" not in fields:
        last = Service.objects.filter(organization_id=membership.organization_id).order_by("-position").first()
        fields["position"] = (last.position + 1) if last else 0
    service = Service(organization_id=membership.organization_id, name=name, **fields)
    full_clean(service)
    service.save()
    audit_create(actor=actor, instance=service, fields=SERVICE_FIELDS, account_id=None)
    return service


@transaction.atomic
def service_update(*, actor: User, service: Service, data: dict[str, Any]) -> Service:
    """Rename, describe, reorder a service, or stop offering it (`is_active`)."""
    _check_catalogue(actor, service)
    if "name" in data:
        data = {**data, "name": data["name"].strip()}
        _check_unique_service_name(service.organization_id, data["name"], service.pk)
    apply_update(actor=actor, instance=service, data=data, editable=SERVICE_FIELDS, account_id=None)
    return service


@transaction.atomic
def service_delete(*, actor: User, service: Service) -> None:
    """Remove a service entered by mistake; one that projects use is kept and marked as not offered."""
    _check_catalogue(actor, service)
    if Project.objects.filter(service=service).exists():
        raise ValidationError({"service": _("Projects use this service; mark it as not offered instead.")})
    audit_delete(actor=actor, instance=service, fields=["name"], account_id=None)
    service.delete()


@transaction.atomic
def service_catalogue_ensure_defaults(organization: Organization) -> list[Service]:
    """Give an organization without a catalogue the default services; an existing catalogue is left alone."""
    existing = list(Service.objects.filter(organization_id=organization.pk))
    if existing:
        return existing
    created = []
    for position, name in enumerate(DEFAULT_SERVICES):
        service = Service.objects.create(organization_id=organization.pk, name=name, position=position)
        audit_create(actor=None, instance=service, fields=["name"], account_id=None)
        created.append(service)
    return created
