"""Account health: the organization's model (measures, weights, thresholds), the account manager's own
assessment, each account's current score and a daily snapshot for history, trend and backtest."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import TenantModel, VersionedModel
from keyaccount.health.base import Band, MeasureKey

percent_validators = [MinValueValidator(0), MaxValueValidator(100)]


class HealthModel(TenantModel, VersionedModel):
    """One per organization: the band thresholds. A score below `red_below` is red; from `green_from` it
    is green; in between yellow."""

    organization = models.OneToOneField(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="health_model", verbose_name=_("organization")
    )
    red_below = models.PositiveSmallIntegerField(_("red below"), default=40, validators=percent_validators)
    green_from = models.PositiveSmallIntegerField(_("green from"), default=70, validators=percent_validators)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(red_below__lt=models.F("green_from")), name="health_thresholds_in_order"
            )
        ]
        verbose_name = _("health model")
        verbose_name_plural = _("health models")

    def __str__(self) -> str:
        return f"{self.organization_id}: red < {self.red_below}, green ≥ {self.green_from}"


class HealthMeasure(TenantModel):
    """A measure in the organization's health model: its weight (weights are normalised to 100 % over
    the measures that are on and known), whether it counts, and its settings (e.g. the days for
    "decision maker engaged"). `alert_below`: a measure falling under it raises an alert."""

    key = models.CharField(_("measure"), max_length=40, choices=MeasureKey.choices)
    weight = models.PositiveSmallIntegerField(_("weight"), default=10, validators=[MaxValueValidator(1000)])
    enabled = models.BooleanField(_("counts"), default=True)
    params = models.JSONField(_("settings"), default=dict, blank=True)
    alert_below = models.PositiveSmallIntegerField(
        _("alert below"), null=True, blank=True, validators=percent_validators
    )

    class Meta:
        ordering = ["organization", "key"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="health_measure_unique_key")]
        verbose_name = _("health measure")
        verbose_name_plural = _("health measures")

    def __str__(self) -> str:
        return f"{self.key} ({self.weight})"


class ManualAssessment(TenantModel):
    """The account manager's own reading of the account, with a comment; it counts until it expires."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="health_assessments", verbose_name=_("account")
    )
    value = models.PositiveSmallIntegerField(_("assessment"), validators=percent_validators)
    comment = models.TextField(_("comment"))
    expires_on = models.DateField(_("expires on"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"], name="assessment_account_time")]
        verbose_name = _("manual assessment")
        verbose_name_plural = _("manual assessments")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.value}"


class HealthScore(TenantModel):
    """An account's current health; `measures` is a list of {key, value, weight, contribution, facts}."""

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.CASCADE, related_name="health", verbose_name=_("account")
    )
    on = models.DateField(_("computed for"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, validators=percent_validators)
    band = models.CharField(_("band"), max_length=8, choices=Band.choices, default=Band.UNKNOWN)
    measures = models.JSONField(_("measures"), default=list)

    class Meta:
        indexes = [models.Index(fields=["organization", "band", "score"], name="health_org_band_score")]
        verbose_name = _("health score")
        verbose_name_plural = _("health scores")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.score} ({self.band})"


class HealthSnapshot(TenantModel):
    """An account's health as it was on a day: one row per account and day, kept for history, trend and
    the backtest."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="health_snapshots", verbose_name=_("account")
    )
    on = models.DateField(_("day"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, validators=percent_validators)
    band = models.CharField(_("band"), max_length=8, choices=Band.choices, default=Band.UNKNOWN)
    measures = models.JSONField(_("measures"), default=list)

    class Meta:
        ordering = ["account", "-on"]
        constraints = [models.UniqueConstraint(fields=["account", "on"], name="health_snapshot_one_per_day")]
        indexes = [models.Index(fields=["organization", "on"], name="health_snapshot_org_day")]
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")

    def __str__(self) -> str:
        return f"{self.account_id} {self.on}: {self.score}"


class HealthRecompute(models.Model):
    """An account whose health is out of date since a change to what it reads — or a whole organization
    (`account` empty) after its model changed — with one recompute job waiting for it. Written in the
    transaction of the change, so a rolled-back change leaves none; the job deletes it in the transaction
    that stores the new score. At most one per account (and one per organization), so a burst of changes
    waits for one job.

    Not a tenant record but a queue entry: its keys have no database constraint, so that deleting an
    account or an organization (whose cascade marks it) never trips over a mark written on the way; the
    job drops a mark whose account is gone."""

    organization = models.ForeignKey(
        "tenancy.Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("organization"),
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    requested_at = models.DateTimeField(_("last change at"))
    enqueued_at = models.DateTimeField(_("job enqueued at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(account__isnull=False), name="health_recompute_one_per_account"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(account__isnull=True),
                name="health_recompute_one_per_organization",
            ),
        ]
        verbose_name = _("pending health recompute")
        verbose_name_plural = _("pending health recomputes")

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.account_id or '*'} since {self.requested_at}"
