"""Stakeholders: the client's people, their part in decisions and how to reach them."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import TenantModel, VersionedModel


class DecisionRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    ECONOMIC_BUYER = "economic_buyer", _("Economic buyer")
    CHAMPION = "champion", _("Champion")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")
    BLOCKER = "blocker", _("Blocker")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")


class Attitude(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    OPPONENT = "opponent", _("Opponent")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    MESSENGER = "messenger", _("Messenger")
    MEETING = "meeting", _("Meeting")
    TASK_TRACKER = "task_tracker", _("Task tracker")


influence_validators = [MinValueValidator(1), MaxValueValidator(5)]


class Contact(TenantModel, VersionedModel):
    """A person on the client's side; their home account is the company they work for."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="contacts", verbose_name=_("account")
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phones = models.CharField(_("phones"), max_length=200, blank=True, help_text=_("Separate several with commas."))
    messengers = models.CharField(
        _("messenger handles"), max_length=200, blank=True, help_text=_("E.g. Telegram @handle, WhatsApp number.")
    )
    decision_role = models.CharField(_("decision role"), max_length=32, choices=DecisionRole.choices, blank=True)
    attitude = models.CharField(_("attitude"), max_length=16, choices=Attitude.choices, default=Attitude.NEUTRAL)
    influence = models.PositiveSmallIntegerField(
        _("influence"), default=3, validators=influence_validators, help_text=_("1 (low) to 5 (high).")
    )
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reports to"),
    )
    preferred_channel = models.CharField(_("preferred channel"), max_length=16, choices=Channel.choices, blank=True)
    cadence_days = models.PositiveIntegerField(
        _("contact cadence (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("How often to be in touch; empty uses the account's default."),
    )
    is_urgent_contact = models.BooleanField(_("call when urgent"), default=False)
    boss = models.CharField(_("their boss"), max_length=200, blank=True)
    reporting_goals = models.TextField(_("goals they report on"), blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    personal_notes = models.TextField(_("personal notes"), blank=True)
    left_on = models.DateField(_("left the company on"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["organization", "account"], name="contact_org_account"),
            models.Index(fields=["organization", "name"], name="contact_org_name"),
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name

    @property
    def has_left(self) -> bool:
        return self.left_on is not None


class ContactAccountRole(TenantModel):
    """A contact's part on another account than their home one (e.g. a holding's CFO on a subsidiary)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="other_roles", verbose_name=_("contact")
    )
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="linked_contacts", verbose_name=_("account")
    )
    decision_role = models.CharField(_("decision role"), max_length=32, choices=DecisionRole.choices, blank=True)
    attitude = models.CharField(_("attitude"), max_length=16, choices=Attitude.choices, default=Attitude.NEUTRAL)
    influence = models.PositiveSmallIntegerField(_("influence"), default=3, validators=influence_validators)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "account"], name="contact_role_org_account")]
        constraints = [models.UniqueConstraint(fields=["contact", "account"], name="contact_role_unique")]
        verbose_name = _("contact's role on an account")
        verbose_name_plural = _("contacts' roles on accounts")

    def __str__(self) -> str:
        return f"{self.contact} @ {self.account}"
