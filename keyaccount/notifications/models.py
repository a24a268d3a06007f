"""In-app notifications and who wants them by email."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import TenantModel


class NotificationKind(models.TextChoices):
    TASK_DUE_SOON = "task_due_soon", _("A task is due soon")
    TASK_OVERDUE = "task_overdue", _("A task is overdue")
    TASK_ASSIGNED = "task_assigned", _("A task was assigned to you")
    CONTACTS_DUE = "contacts_due", _("Morning digest: contacts due")
    REQUEST_BREACH = "request_breach", _("A request missed its response target")
    INVOICE_OVERDUE = "invoice_overdue", _("An invoice is overdue")
    INVOICE_ESCALATED = "invoice_escalated", _("An overdue invoice was escalated to you")
    ACT_UNSIGNED = "act_unsigned", _("An act is not signed yet")
    CONTRACT_RENEWED = "contract_renewed", _("A contract renewed automatically")
    RENEWAL_DUE = "renewal_due", _("A contract comes up for renewal")
    HEALTH_ALERT = "health_alert", _("An account's health needs you")


class Notification(TenantModel):
    """Something a person should know, about one object (a task, a request…), read or not."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    subject_type = models.CharField(_("about (type)"), max_length=64, blank=True)
    subject_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    subject_title = models.CharField(_("about"), max_length=255, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "recipient", "read_at"], name="notification_org_rcpt_read")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """Whether a person wants a kind of notification by email as well as in the app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    email = models.BooleanField(_("by email"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user} {self.kind} email={self.email}"
