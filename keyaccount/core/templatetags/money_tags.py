"""`{{ amount|money:currency }}`: an amount with its currency's decimals in the user's language."""

from __future__ import annotations

from decimal import Decimal

from django import template

from keyaccount.core.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return format_money(amount, currency)
