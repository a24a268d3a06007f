"""Satisfaction surveys: a CSAT (1–5) or NPS (0–10) question sent to a client contact by email with a
tokenized public link. One answer per token; the link expires. KPIs and health read the answers."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import TenantModel


class SurveyKind(models.TextChoices):
    CSAT = "csat", _("CSAT (1–5)")
    NPS = "nps", _("NPS (0–10)")


def _survey_token() -> str:
    return secrets.token_urlsafe(32)


class SurveyStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the answer")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired unanswered")


class Survey(TenantModel):
    """One question sent to one contact; `score` and `answered_at` are set once, by the answer."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="surveys", verbose_name=_("account")
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="surveys", verbose_name=_("contact")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=SurveyKind.choices)
    email = models.EmailField(_("sent to"), help_text=_("The contact's address when the survey was sent."))
    token = models.CharField(_("token"), max_length=64, unique=True, default=_survey_token, editable=False)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "kind", "answered_at"], name="survey_org_kind_answered"),
            models.Index(fields=["account", "kind", "-answered_at"], name="survey_account_kind_answered"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True)
                | models.Q(kind="csat", score__gte=1, score__lte=5)
                | models.Q(kind="nps", score__gte=0, score__lte=10),
                name="survey_score_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True, answered_at__isnull=True)
                | models.Q(score__isnull=False, answered_at__isnull=False),
                name="survey_answer_complete",
            ),
        ]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.email or self.contact_id}"

    def status_at(self, now: datetime.datetime) -> str:
        """Answered, still open, or expired unanswered at `now`."""
        if self.answered_at is not None:
            return SurveyStatus.ANSWERED
        return SurveyStatus.OPEN if self.expires_at > now else SurveyStatus.EXPIRED
