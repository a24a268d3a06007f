"""Which accounts a change touches, for their health (docs/metrics.md, "Account health").

The receivers only detect: they mark each account touched (`services.schedule`) in the transaction of the
change, which enqueues one recompute job per account; the recompute, its alerts and notifications run in
the task worker. Connected in HealthConfig.ready(): health listens to the other apps, so none of them
needs to know health exists.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from keyaccount.health import services

# model label → how to reach the account id from a saved or deleted row (without a query when possible).
DIRECT = [
    "comms.Interaction",
    "contacts.ContactAccountRole",
    "work.Task",
    "work.Request",
    "billing.Invoice",
    "billing.Contract",
    "surveys.Survey",
    "health.ManualAssessment",
    "accounts.AccountStatusChange",
]


def _account_of_allocation(row: Any) -> int | None:
    from keyaccount.billing.models import Invoice

    return Invoice.objects.filter(pk=row.invoice_id).values_list("account_id", flat=True).first()


def _account_of_renewal(row: Any) -> int | None:
    from keyaccount.billing.models import Contract

    return Contract.objects.filter(pk=row.contract_id).values_list("account_id", flat=True).first()


THROUGH = {
    "billing.PaymentAllocation": _account_of_allocation,
    "billing.Renewal": _account_of_renewal,
}


def _on_account_row(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    services.schedule(instance.organization_id, instance.account_id)


def _on_related_row(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw") or services.is_paused():
        return
    account_id = THROUGH[sender._meta.label](instance)
    services.schedule(instance.organization_id, account_id)


def _on_contact(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A contact counts on its home account and on every account it has a role on (a champion there
    who leaves turns that account's "champion left" red too)."""
    from keyaccount.contacts.models import ContactAccountRole

    if kwargs.get("raw") or services.is_paused():
        return
    services.schedule(instance.organization_id, instance.account_id)
    for account_id in ContactAccountRole.objects.filter(contact_id=instance.pk).values_list("account_id", flat=True):
        services.schedule(instance.organization_id, account_id)


def _on_model_row(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    services.schedule_organization(instance.organization_id)


def connect() -> None:
    for label in DIRECT:
        model = apps.get_model(label)
        post_save.connect(_on_account_row, sender=model, dispatch_uid=f"health-{label}-save")
        post_delete.connect(_on_account_row, sender=model, dispatch_uid=f"health-{label}-delete")
    contact = apps.get_model("contacts.Contact")
    post_save.connect(_on_contact, sender=contact, dispatch_uid="health-contacts.Contact-save")
    post_delete.connect(_on_contact, sender=contact, dispatch_uid="health-contacts.Contact-delete")
    for label in THROUGH:
        model = apps.get_model(label)
        post_save.connect(_on_related_row, sender=model, dispatch_uid=f"health-{label}-save")
        post_delete.connect(_on_related_row, sender=model, dispatch_uid=f"health-{label}-delete")
    for label in ("health.HealthMeasure", "health.HealthModel"):
        model = apps.get_model(label)
        post_save.connect(_on_model_row, sender=model, dispatch_uid=f"health-{label}-save")
        post_delete.connect(_on_model_row, sender=model, dispatch_uid=f"health-{label}-delete")
