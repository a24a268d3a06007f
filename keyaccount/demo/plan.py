"""The shape of a planned demo organization: its people, client accounts, their stakeholders and the
links between clients, with the working loop (`work`) and the money (`money`) planned for it. Plain data;
`planner.Planner` fills it, `writer.Writer` writes it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from keyaccount.accounts.models import AccountStatus, Tier
from keyaccount.demo.money.plan import MoneyPlan
from keyaccount.demo.work.plan import AccountWork


@dataclass
class PersonPlan:
    prefix: str
    n: int
    role: str
    name: str


@dataclass
class ContactPlan:
    role: str
    name: str
    title: str
    email: str
    phones: str
    messengers: str
    attitude: str
    influence: int
    channel: str
    cadence: int
    urgent: bool
    reporting_goals: str
    motivation: str
    notes: str
    left_on: datetime.date | None = None
    boss: str = ""


@dataclass
class AccountPlan:
    index: int
    name: str
    lang: str
    industry: str
    kind: str
    stem: str
    domain: str
    city: str
    phone_prefix: str
    currency: str
    parent: int | None = None
    children: list[int] = field(default_factory=list)
    rank: int = 0
    deal_value_rub: int = 0
    tier: str = Tier.STANDARD
    status: str = AccountStatus.ACTIVE
    path: list[tuple[str, str, str]] = field(default_factory=list)  # (to_status, churn_reason, comment)
    am: int = 1
    fields: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    assistant: int | None = None
    specialists: list[int] = field(default_factory=list)
    sponsor: bool = False
    handover: dict[str, Any] = field(default_factory=dict)
    forces: list[dict[str, Any]] = field(default_factory=list)
    goals: list[tuple[str, datetime.date]] = field(default_factory=list)
    onboarding_done: int = 0
    contacts: list[ContactPlan] = field(default_factory=list)
    signed_on: datetime.date | None = None


@dataclass
class LinkPlan:
    """A contact of one account with a role on another (a holding's CFO on a subsidiary)."""

    from_account: int
    contact_role: str
    to_account: int
    decision_role: str
    attitude: str
    influence: int


@dataclass
class OrganizationPlan:
    people: list[PersonPlan]
    accounts: list[AccountPlan]
    links: list[LinkPlan]
    work: dict[int, AccountWork] = field(default_factory=dict)  # by account index
    money: MoneyPlan = field(default_factory=MoneyPlan)
