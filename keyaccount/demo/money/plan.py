"""The shape of the demo agency's planned money: contracts with their amendments and renewals, invoices,
payments and acts; with the constants and date arithmetic the money planner uses."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

D = datetime.date
ZERO = Decimal("0.00")
HISTORY_MONTHS = 12  # a year of invoices up to the current month
UNPAID_BY_BAD_PAYER = 4  # the client who stopped paying owes its last four invoices (the oldest in part)
RU_MONTHS = [
    "",
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]
HOURLY_RATE = {"RUB": Decimal("3500"), "USD": Decimal("45"), "EUR": Decimal("40")}
TM_WORKS = {
    "ru": ["Работы специалистов по SEO", "Настройка и ведение рекламных кампаний", "Доработки сайта"],
    "en": ["SEO specialists' work", "Ad campaign management", "Website improvements"],
}
FIXED_PROJECTS = {
    "ru": ["Разработка посадочных страниц", "Редизайн сайта", "Аудит и перенастройка рекламы", "Запуск SMM"],
    "en": ["Landing pages", "Website redesign", "Advertising audit and rebuild", "SMM launch"],
}


class AmendmentScopes(TypedDict):
    """Why a retainer's value changed, in one language."""

    up: list[str]
    down: list[str]
    pause: str


AMENDMENT_SCOPES: dict[str, AmendmentScopes] = {
    "ru": {
        "up": ["Добавлено ведение соцсетей", "Расширена семантика на новый регион", "Добавлен второй канал рекламы"],
        "down": ["Сокращён объём работ по SEO", "Исключено ведение соцсетей", "Бюджет на работы урезан клиентом"],
        "pause": "Работы приостановлены по просьбе клиента, абонентская плата снижена",
    },
    "en": {
        "up": ["Social media added", "Keywords extended to a new region", "A second ad channel added"],
        "down": ["Less SEO work", "Social media removed", "The client cut the budget"],
        "pause": "Work paused at the client's request; the fee is reduced meanwhile",
    },
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def round_to(amount: Decimal, step: int) -> Decimal:
    """A price a person would write: rounded to `step` (1 000 roubles, 10 dollars), never below it."""
    return max(Decimal(step), (amount / step).quantize(Decimal(1)) * step).quantize(Decimal("0.01"))


# --- the plan ---------------------------------------------------------------------------------------


@dataclass
class AmendmentPlan:
    kind: str
    effective: datetime.date
    new_value: Decimal | None
    previous_value: Decimal
    new_end: datetime.date | None = None
    previous_end: datetime.date | None = None
    scope: str = ""
    number: str = ""
    renewal: RenewalPlan | None = None


@dataclass
class RenewalPlan:
    term_end: datetime.date
    outcome: str
    new_value: Decimal | None
    new_end: datetime.date | None
    decided_on: datetime.date
    automatic: bool = False


@dataclass
class LinePlan:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal


@dataclass
class InvoicePlan:
    account: int
    contract: ContractPlan
    issue: datetime.date
    due: datetime.date
    period: tuple[datetime.date, datetime.date] | None
    lines: list[LinePlan]
    draft: bool = False
    number: str = ""
    total: Decimal = ZERO
    subtotal: Decimal = ZERO
    tax_total: Decimal = ZERO
    paid: Decimal = ZERO
    paid_on: datetime.date | None = None
    never_paid: bool = False  # the bad payer's extra work: left open whatever the payment profile


@dataclass
class PaymentPlan:
    account: int
    date: datetime.date
    currency: str
    allocations: list[tuple[InvoicePlan, Decimal]] = field(default_factory=list)
    extra: Decimal = ZERO  # received beyond the allocations: the account's credit
    reference: str = ""

    @property
    def allocated(self) -> Decimal:
        return sum((amount for _i, amount in self.allocations), ZERO)


@dataclass
class ActPlan:
    account: int
    contract: ContractPlan
    period: tuple[datetime.date, datetime.date]
    amount: Decimal
    currency: str
    sent_on: datetime.date | None
    signed_on: datetime.date | None
    number: str = ""


@dataclass
class ContractPlan:
    account: int
    lang: str
    model: str
    start: datetime.date
    end: datetime.date | None
    value: Decimal
    currency: str
    tax_rate: Decimal
    terms: int
    notice: int
    auto_renew: bool
    status: str
    signed_on: datetime.date
    signed_by: str
    title: str = ""
    number: str = ""
    notice_given_on: datetime.date | None = None
    amendments: list[AmendmentPlan] = field(default_factory=list)
    renewals: list[RenewalPlan] = field(default_factory=list)
    issue_day: int = 3

    def value_on(self, day: datetime.date) -> Decimal:
        value = self.value
        for a in sorted(self.amendments, key=lambda a: a.effective):
            if a.effective > day:
                break
            if a.new_value is not None:
                value = a.new_value
        return value


@dataclass
class MoneyPlan:
    contracts: list[ContractPlan] = field(default_factory=list)
    invoices: list[InvoicePlan] = field(default_factory=list)
    payments: list[PaymentPlan] = field(default_factory=list)
    acts: list[ActPlan] = field(default_factory=list)
