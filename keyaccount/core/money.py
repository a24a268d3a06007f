"""Money is a Decimal amount with an ISO 4217 currency; never a float."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from decimal import Decimal

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

# The currencies Keyaccount offers in forms; RUB is the default. Minor units per ISO 4217.
CURRENCY_MINOR_UNITS = {
    "RUB": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CNY": 2,
    "KZT": 2,
    "BYN": 2,
    "UZS": 2,
    "AED": 2,
    "TRY": 2,
    "JPY": 0,
}


class Currency(models.TextChoices):
    RUB = "RUB", _("Russian rouble (RUB)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")
    GBP = "GBP", _("Pound sterling (GBP)")
    CNY = "CNY", _("Chinese yuan (CNY)")
    KZT = "KZT", _("Kazakh tenge (KZT)")
    BYN = "BYN", _("Belarusian rouble (BYN)")
    UZS = "UZS", _("Uzbek sum (UZS)")
    AED = "AED", _("UAE dirham (AED)")
    TRY = "TRY", _("Turkish lira (TRY)")
    JPY = "JPY", _("Japanese yen (JPY)")


class MoneyFieldOptions(TypedDict, total=False):
    """What a money field may set besides its size: the options the models use."""

    default: Decimal
    null: bool
    blank: bool
    help_text: StrOrPromise
    validators: Sequence[Callable[[Any], None]]


def money_field(verbose_name: StrOrPromise, **kwargs: Unpack[MoneyFieldOptions]) -> models.DecimalField:
    """A money amount: 18 digits, 2 decimals (enough for every currency we offer)."""
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2, **kwargs)


def format_money(amount: Decimal | None, currency: str) -> str:
    """An amount as people read it, in the user's language with its currency's decimals and the code:
    "1,155.00 RUB" in English, "1 155,00 RUB" in Russian, "7,700 JPY". Empty for no amount."""
    if amount is None or amount == "":
        return ""
    places = CURRENCY_MINOR_UNITS.get(currency, 2)
    return f"{formats.number_format(amount, places, use_l10n=True, force_grouping=True)}\u00a0{currency}"
