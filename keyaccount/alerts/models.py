"""Health alerts and playbooks.

An alert says that an account's health took a turn its account manager should act on (the band dropped,
a measure fell under its alert threshold, the champion left, a renewal is near without an outcome). It
stays open until the account manager or a head closes it with an outcome; while it is open the same
rule does not raise it again. A playbook is the organization's list of tasks to set when a rule raises
an alert (e.g. "call the decision maker"); the tasks are linked to the alert.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyaccount.core.models import TenantModel, VersionedModel


class AlertRule(models.TextChoices):
    BAND_DROP = "band_drop", _("Health band dropped")
    MEASURE_BELOW = "measure_below", _("A measure fell below its alert threshold")
    CHAMPION_LEFT = "champion_left", _("The champion left")
    RENEWAL_AHEAD = "renewal_ahead", _("Renewal ahead without an outcome")


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert status", "Open")
    CLOSED = "closed", _("Closed")


class AlertOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    FALSE_ALARM = "false_alarm", _("False alarm")
    CHURNED = "churned", _("The client left")
    OTHER = "other", _("Other")


class PlaybookBand(models.TextChoices):
    """Which band of the account a playbook is for; "any" is the fallback of its rule."""

    ANY = "", _("Any band")
    YELLOW = "yellow", _("Needs attention")
    RED = "red", _("At risk")


class Alert(TenantModel):
    """An account's health needs its account manager: which rule fired, about what, the facts at the time,
    and, once closed, how it ended. One open alert per account, rule and key."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="health_alerts", verbose_name=_("account")
    )
    rule = models.CharField(_("rule"), max_length=20, choices=AlertRule.choices)
    key = models.CharField(
        _("about"),
        max_length=40,
        blank=True,
        help_text=_("The measure the alert is about; for a band drop, the band the account dropped to."),
    )
    status = models.CharField(_("status"), max_length=8, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    raised_on = models.DateField(_("raised for"), help_text=_("The day of the health computation that raised it."))
    band = models.CharField(_("band"), max_length=8, blank=True, help_text=_("The account's band when raised."))
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MaxValueValidator(100)], help_text=_("The score when raised.")
    )
    previous_band = models.CharField(_("band before"), max_length=8, blank=True)
    previous_score = models.PositiveSmallIntegerField(_("score before"), null=True, blank=True)
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=AlertOutcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "rule", "key"],
                condition=models.Q(status="open"),
                name="alert_one_open_per_account_rule_key",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", outcome="") | (~models.Q(status="open") & ~models.Q(outcome="")),
                name="alert_outcome_when_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "-created_at"], name="alert_org_status_time"),
            models.Index(fields=["organization", "account", "status"], name="alert_org_account_status"),
        ]
        verbose_name = _("health alert")
        verbose_name_plural = _("health alerts")

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.key}" if self.key else str(self.get_rule_display())

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN


class AlertTask(TenantModel):
    """A task set by an alert's playbook."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="alert_tasks", verbose_name=_("alert"))
    task = models.OneToOneField(
        "work.Task", on_delete=models.CASCADE, related_name="health_alert_link", verbose_name=_("task")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["alert", "position", "id"]
        verbose_name = _("alert task")
        verbose_name_plural = _("alert tasks")

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.task_id}"


class Playbook(TenantModel, VersionedModel):
    """The tasks an organization sets when a rule raises an alert; a playbook for a band (e.g. a band drop
    to red) comes before the rule's playbook for any band."""

    rule = models.CharField(_("rule"), max_length=20, choices=AlertRule.choices)
    band = models.CharField(_("when the band is"), max_length=8, choices=PlaybookBand.choices, default="", blank=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["organization", "rule", "band"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "rule", "band"], name="playbook_one_per_rule_band")
        ]
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")

    def __str__(self) -> str:
        return self.name


class PlaybookSeed(TenantModel):
    """The organization got the default playbooks, once: a playbook deleted later stays deleted."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="playbook_seed_once")]
        verbose_name = _("default playbooks applied")
        verbose_name_plural = _("default playbooks applied")

    def __str__(self) -> str:
        return str(self.organization_id)


class PlaybookStep(TenantModel):
    """One task of a playbook: its title, how many days after the alert it is due, and who does it
    (nobody named: the account's owner)."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps", verbose_name=_("playbook"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    days_until_due = models.PositiveSmallIntegerField(
        _("days until due"), default=3, validators=[MaxValueValidator(365)]
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
        help_text=_("Leave empty for the account's owner."),
    )

    class Meta:
        ordering = ["playbook", "position", "id"]
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")

    def __str__(self) -> str:
        return self.title
