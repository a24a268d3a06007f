"""The communications log: every call, meeting, email, message and event with the client."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import TenantModel, VersionedModel


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    MESSENGER = "messenger", _("Messenger")
    EVENT = "event", _("Conference or event")
    NOTE = "note", _("Note")


# Kinds that put us in contact with the client; a note is our own record, not a touch.
TOUCH_KINDS = [
    InteractionKind.CALL,
    InteractionKind.MEETING,
    InteractionKind.EMAIL,
    InteractionKind.MESSENGER,
    InteractionKind.EVENT,
]


class Direction(models.TextChoices):
    INBOUND = "inbound", _("From the client")
    OUTBOUND = "outbound", _("To the client")
    INTERNAL = "internal", _("Internal")


class InteractionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Happened")
    CANCELLED = "cancelled", _("Cancelled")


class Feedback(models.TextChoices):
    """What the client said about our work in this touch, as logged by the team (not a scored survey answer)."""

    NONE = "none", _("None")
    THANKS = "thanks", _("Thanks")
    COMPLAINT = "complaint", _("Complaint")


class Interaction(TenantModel, VersionedModel):
    """One touch with the client, planned or held: who took part, what was said, how it felt, what's next."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="interactions", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InteractionKind.choices)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices, default=Direction.OUTBOUND)
    state = models.CharField(_("state"), max_length=16, choices=InteractionState.choices, default=InteractionState.DONE)
    occurred_at = models.DateTimeField(_("time"))
    # Explicit bounds keep validation (and the API schema) the same on every database.
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MaxValueValidator(7 * 24 * 60)]
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    sentiment = models.SmallIntegerField(
        _("sentiment"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-2), MaxValueValidator(2)],
        help_text=_("−2 (very negative) to +2 (very positive)."),
    )
    feedback = models.CharField(
        _("client feedback"),
        max_length=16,
        choices=Feedback.choices,
        default=Feedback.NONE,
        help_text=_("Did the client thank us or complain in this interaction?"),
    )
    next_step = models.TextField(_("next step"), blank=True)
    contacts = models.ManyToManyField(
        "contacts.Contact", blank=True, related_name="interactions", verbose_name=_("client participants")
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="interactions", verbose_name=_("our participants")
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    follow_up_task = models.ForeignKey(
        "work.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("next-step task"),
    )
    follow_up = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned next interaction"),
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "account", "-occurred_at"], name="interaction_org_acc_time"),
            models.Index(fields=["organization", "state", "occurred_at"], name="interaction_org_state_time"),
            models.Index(fields=["organization", "feedback", "occurred_at"], name="interaction_org_feedback_time"),
        ]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")

    def __str__(self) -> str:
        return self.subject or f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"
