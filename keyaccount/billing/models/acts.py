"""Closing documents (acts of work done) the client signs for a period."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from keyaccount.billing.models.contracts import Contract
from keyaccount.core.models import TenantModel, VersionedModel
from keyaccount.core.money import Currency, money_field


class Act(TenantModel, VersionedModel):
    """A closing document (act of work done) for a period, which the client signs."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="acts", verbose_name=_("account")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="acts", verbose_name=_("contract")
    )
    number = models.CharField(_("number"), max_length=50, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    chased_at = models.DateTimeField(
        _("flagged at"),
        null=True,
        blank=True,
        help_text=_("When the account manager was told it is unsigned too long."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], condition=~Q(number=""), name="act_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="act_period_in_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="act_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            ),
        ]
        verbose_name = _("act")
        verbose_name_plural = _("acts")

    def __str__(self) -> str:
        return self.number or f"{self.period_start.isoformat()}–{self.period_end.isoformat()}"
