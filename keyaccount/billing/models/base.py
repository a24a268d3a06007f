"""What the billing models share: the zero amount and the fields for a number of days and a tax rate."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ZERO = Decimal("0.00")


def days_field(
    verbose_name: StrOrPromise, default: int, help_text: StrOrPromise = ""
) -> models.PositiveSmallIntegerField:
    """A number of days, 0–365."""
    return models.PositiveSmallIntegerField(
        verbose_name, default=default, validators=[MaxValueValidator(365)], help_text=help_text
    )


def rate_field(verbose_name: StrOrPromise) -> models.DecimalField:
    """A tax rate in percent, 0–100 with two decimals (20.00 is 20 %)."""
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        help_text=_("Percent, e.g. 20 for 20 %."),
    )
