"""Money arithmetic, with no database access: rounding per currency, invoice totals, a contract's value
over time, recurring revenue (MRR) and its movements, aging buckets.

Everything is Decimal. Amounts are rounded half up (the commercial rule) to the currency's minor
units: a line's tax is rounded per line, and the invoice total is the sum of rounded lines, so the
printed lines always add up to the printed total.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Protocol

from keyaccount.core.money import CURRENCY_MINOR_UNITS

if TYPE_CHECKING:
    from keyaccount.billing.models import Contract

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def quantum(currency: str) -> Decimal:
    """The smallest unit of `currency` as a Decimal exponent: 0.01 for RUB, 1 for JPY."""
    return Decimal(1).scaleb(-CURRENCY_MINOR_UNITS.get(currency, 2))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up to the minor units of `currency`."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def check_minor_units(amount: Decimal, currency: str) -> bool:
    """True when `amount` has no more decimals than `currency` allows (no 10.5 yen)."""
    return amount == round_money(amount, currency)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal
    total: Decimal


def line_amounts(quantity: Decimal, unit_price: Decimal, tax_rate: Decimal, currency: str) -> LineAmounts:
    """A line's net (quantity × price), tax (net × rate %) and total, each rounded to the currency."""
    net = round_money(quantity * unit_price, currency)
    tax = round_money(net * tax_rate / HUNDRED, currency)
    return LineAmounts(net=net, tax=tax, total=net + tax)


@dataclass(frozen=True)
class InvoiceTotals:
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal


def invoice_totals(lines: Iterable[LineAmounts]) -> InvoiceTotals:
    subtotal = tax_total = ZERO
    for line in lines:
        subtotal += line.net
        tax_total += line.tax
    return InvoiceTotals(subtotal=subtotal, tax_total=tax_total, total=subtotal + tax_total)


# --- a contract over time ---------------------------------------------------------------------------


class AmendmentLike(Protocol):
    effective_date: datetime.date
    new_value: Decimal | None


def value_on(contract: Contract, day: datetime.date, amendments: Sequence[AmendmentLike] | None = None) -> Decimal:
    """The contract's value on `day`: the signed value, changed by every amendment effective by then.

    `amendments` default to the contract's (prefetch them when reading many contracts).
    """
    rows = amendments if amendments is not None else list(contract.amendments.all())
    value = contract.value
    for amendment in sorted(rows, key=lambda a: a.effective_date):
        if amendment.effective_date > day:
            break
        if amendment.new_value is not None:
            value = amendment.new_value
    return value


def value_history(contract: Contract) -> list[tuple[datetime.date, Decimal]]:
    """(from, value) for each change of the contract's value, the signed value first."""
    points = [(contract.start_date, contract.value)]
    for amendment in sorted(contract.amendments.all(), key=lambda a: a.effective_date):
        if amendment.new_value is not None and amendment.new_value != points[-1][1]:
            points.append((amendment.effective_date, amendment.new_value))
    return points


def last_day(contract: Contract) -> datetime.date | None:
    """The last day the contract is in force: the termination date if terminated early, else its end."""
    ends = [d for d in (contract.end_date, contract.terminated_on) if d is not None]
    return min(ends) if ends else None


def in_force_on(contract: Contract, day: datetime.date) -> bool:
    """Signed (not a draft), started and not yet ended on `day`."""
    from keyaccount.billing.models import BINDING_STATUSES

    if contract.status not in BINDING_STATUSES or contract.start_date > day:
        return False
    end = last_day(contract)
    return end is None or day <= end


def mrr_on(contract: Contract, day: datetime.date) -> Decimal:
    """Monthly recurring revenue the contract brings on `day`: a retainer's value while it is in force."""
    from keyaccount.billing.models import BillingModel

    if contract.billing_model != BillingModel.RETAINER or not in_force_on(contract, day):
        return ZERO
    return value_on(contract, day)


def mrr_by_account(contracts: Iterable[Contract], day: datetime.date) -> dict[tuple[int, str], Decimal]:
    """MRR on `day` per (account id, currency), from contracts with their amendments prefetched."""
    totals: dict[tuple[int, str], Decimal] = {}
    for contract in contracts:
        amount = mrr_on(contract, day)
        if amount:
            key = (contract.account_id, contract.currency)
            totals[key] = totals.get(key, ZERO) + amount
    return totals


class Movement:
    NEW = "new"
    EXPANSION = "expansion"
    CONTRACTION = "contraction"
    CHURN = "churn"
    ALL = (NEW, EXPANSION, CONTRACTION, CHURN)


@dataclass(frozen=True)
class RevenueMovement:
    """A change of one account's MRR in one currency between two days (the day before a month and its last day)."""

    account_id: int
    currency: str
    kind: str
    before: Decimal
    after: Decimal

    @property
    def amount(self) -> Decimal:
        """The change: positive for new and expansion, negative for contraction and churn."""
        return self.after - self.before


def movements(before: dict[tuple[int, str], Decimal], after: dict[tuple[int, str], Decimal]) -> list[RevenueMovement]:
    """Classify each account's MRR change: from nothing is new, to nothing is churn, else up or down."""
    result = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, ZERO), after.get(key, ZERO)
        if old == new:
            continue
        if not old:
            kind = Movement.NEW
        elif not new:
            kind = Movement.CHURN
        elif new > old:
            kind = Movement.EXPANSION
        else:
            kind = Movement.CONTRACTION
        result.append(RevenueMovement(account_id=key[0], currency=key[1], kind=kind, before=old, after=new))
    return result


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


# --- aging ------------------------------------------------------------------------------------------

BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_90_plus")


def bucket_of(due_date: datetime.date, as_of: datetime.date) -> str:
    """The aging bucket of an amount due on `due_date`, seen on `as_of`: by whole days past due."""
    days = (as_of - due_date).days
    if days <= 0:
        return "current"
    if days <= 30:
        return "days_1_30"
    if days <= 60:
        return "days_31_60"
    if days <= 90:
        return "days_61_90"
    return "days_90_plus"
