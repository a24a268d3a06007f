"""Writes a planned demo organization through the services (so the audit trail is there, as for real
work), acting as the people who would do each thing; then the history's dates, the teams, surveys,
health and alerts."""

from __future__ import annotations

import datetime
import random
import zoneinfo
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from keyaccount.accounts.models import Account, AccountStatus, AccountStatusChange, OnboardingItem, Tag, TeamRole
from keyaccount.accounts.services import (
    account_change_status,
    account_create,
    driving_force_create,
    goal_revise,
    handover_save,
    onboarding_item_update,
    tag_create,
    team_member_add,
)
from keyaccount.contacts.models import Contact
from keyaccount.contacts.services import contact_create, contact_role_add
from keyaccount.demo import alerts as alerts_demo
from keyaccount.demo import dashboards as dashboards_demo
from keyaccount.demo import data as d
from keyaccount.demo import health as health_demo
from keyaccount.demo import surveys as surveys_demo
from keyaccount.demo.money.writer import MoneyWriter
from keyaccount.demo.plan import AccountPlan, OrganizationPlan
from keyaccount.demo.work.writer import WorkWriter, no_email
from keyaccount.health import services as health_services
from keyaccount.tenancy.models import Organization, User
from keyaccount.tenancy.services import member_create, organization_create
from keyaccount.tenancy.slugs import organization_slug


class Writer:
    """Writes a plan through the services, acting as the people who would do each thing."""

    def __init__(self, plan: OrganizationPlan, name: str, password: str, today: datetime.date, seed: int = 0) -> None:
        self.plan = plan
        self.seed = seed
        self.name = name
        self.password = password
        self.today = today
        self.users: dict[str, User] = {}
        self.accounts: dict[int, Account] = {}
        self.contacts: dict[tuple[int, str], Any] = {}
        self.money_counts: dict[str, int] = {}
        self.health_counts: dict[str, int] = {}

    def user(self, prefix: str, n: int | None) -> User | None:
        return None if n is None else self.users[f"{prefix}{n}"]

    def write(self) -> Organization:
        # Health is computed once at the end, over the whole history, not after every record written.
        with health_services.paused():
            org = self.write_records()
        rng = random.Random(f"{self.seed}-satisfaction")
        with no_email(self.users.values()):
            self.health_counts = {
                **dashboards_demo.seed(org, rng),
                **surveys_demo.seed(org, rng, self.today),
                **health_demo.seed(org, self.today),
                **alerts_demo.seed(org, rng, self.today),
            }
        return org

    def write_records(self) -> Organization:
        org = organization_create(name=self.name, slug=organization_slug(self.name))
        password_hash = make_password(self.password)
        admin: User | None = None
        for person in self.plan.people:
            membership = member_create(
                organization=org,
                email=f"{person.prefix}{person.n}@{org.slug}.example",
                name=person.name,
                role=person.role,
                actor=admin,
                password_hash=password_hash,
            )
            self.users[f"{person.prefix}{person.n}"] = membership.user
            admin = admin or membership.user
        head = self.users["head1"]
        tags = {name: tag_create(actor=head, name=name) for name in d.TAGS}
        for plan in self.plan.accounts:
            self.write_account(plan, tags)
        for link in self.plan.links:
            target = self.accounts[link.to_account]
            contact = self.contacts[(link.from_account, link.contact_role)]
            contact_role_add(
                actor=target.owner,  # type: ignore[arg-type]  # every demo account has an owner
                contact=contact,
                account=target,
                decision_role=link.decision_role,
                attitude=link.attitude,
                influence=link.influence,
            )
        WorkWriter(
            org, self.users, self.accounts, self.contacts, self.plan.accounts, self.plan.work, self.today
        ).write()
        self.money_counts = MoneyWriter(
            org, self.users, self.accounts, self.plan.accounts, self.plan.money, self.today
        ).write()
        self.date_history(org)
        return org

    def date_history(self, org: Organization) -> None:
        """Give accounts, their people and their lifecycle the dates they would have had: each account from
        the day its first contract was signed, its status changes spread over its life (a churned account
        leaves the day after its last contract ended), so KPIs and the health history have a past."""
        tz = zoneinfo.ZoneInfo(org.timezone)
        rng = random.Random(f"{self.seed}-history")

        def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
            return datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)

        last_end: dict[int, datetime.date] = {}
        for contract in self.plan.money.contracts:
            if contract.end is not None:
                last_end[contract.account] = max(last_end.get(contract.account, contract.end), contract.end)
        for plan in self.plan.accounts:
            account = self.accounts[plan.index]
            since = min(plan.signed_on or self.today, self.today)
            Account.objects.filter(pk=account.pk).update(created_at=at(since, 9))
            Contact.objects.filter(account=account, created_at__gt=at(since, 9)).update(created_at=at(since, 9))
            changes = list(AccountStatusChange.objects.filter(account=account).order_by("created_at", "pk"))
            # The account's first status (onboarding) is as old as the account.
            for first in [c for c in changes if not c.from_status]:
                AccountStatusChange.objects.filter(pk=first.pk).update(created_at=at(since, 9))
            changes = [c for c in changes if c.from_status]
            if not changes:
                continue
            if plan.status == AccountStatus.CHURNED:
                final = min(last_end.get(plan.index, self.today - datetime.timedelta(days=60)), self.today)
                final += datetime.timedelta(days=1)
            else:
                final = self.today - datetime.timedelta(days=rng.randint(15, 75))
            active_on = min(since + datetime.timedelta(days=30), final)
            # The first change makes the account active a month after signing; the last one (at risk,
            # paused or churned) falls on `final`; one in between (at risk before churning) a month earlier.
            days = [active_on]
            for i in range(1, len(changes)):
                days.append(max(final - datetime.timedelta(days=30 * (len(changes) - 1 - i)), days[-1]))
            for change, day in zip(changes, days, strict=True):
                AccountStatusChange.objects.filter(pk=change.pk).update(created_at=at(max(day, since)))

    def write_account(self, plan: AccountPlan, tags: dict[str, Tag]) -> None:
        am = self.users[f"am{plan.am}"]
        account = account_create(
            actor=am,
            name=plan.name,
            tags=[tags[t] for t in plan.tags],
            parent=self.accounts.get(plan.parent) if plan.parent is not None else None,
            **plan.fields,
        )
        self.accounts[plan.index] = account

        brief = dict(plan.handover)
        handed_over_days = brief.pop("handed_over_days")
        brief["sold_by"] = self.user("sales", brief["sold_by"])
        brief["handed_over_at"] = timezone.make_aware(
            datetime.datetime.combine(brief["signed_on"] + datetime.timedelta(days=handed_over_days), datetime.time(10))
        )
        handover_save(actor=am, account=account, data=brief)

        assistant = self.user("assistant", plan.assistant)
        if assistant is not None:
            team_member_add(actor=am, account=account, user=assistant, role=TeamRole.ASSISTANT)
        for n in plan.specialists:
            team_member_add(actor=am, account=account, user=self.users[f"specialist{n}"], role=TeamRole.SPECIALIST)
        if plan.sponsor:
            team_member_add(actor=am, account=account, user=self.users["head1"], role=TeamRole.EXECUTIVE_SPONSOR)

        ticker = assistant or am
        items = list(OnboardingItem.objects.filter(account=account).order_by("position", "id"))
        for item in items[: plan.onboarding_done]:
            onboarding_item_update(actor=ticker, item=item, data={"done": True})

        for goal, revised_on in plan.goals:
            goal_revise(actor=am, account=account, goal=goal, revised_on=revised_on)
        for force in plan.forces:
            driving_force_create(actor=am, account=account, **force)

        made: dict[str, Any] = {}
        for c in plan.contacts:
            boss_role = d.REPORTS_TO[c.role]
            if boss_role is not None and boss_role not in made:
                boss_role = "decision_maker"
            contact = contact_create(
                actor=am,
                account=account,
                name=c.name,
                title=c.title,
                email=c.email,
                phones=c.phones,
                messengers=c.messengers,
                decision_role=c.role,
                attitude=c.attitude,
                influence=c.influence,
                reports_to=made.get(boss_role) if boss_role else None,
                preferred_channel=c.channel,
                cadence_days=c.cadence,
                is_urgent_contact=c.urgent,
                boss=c.boss,
                reporting_goals=c.reporting_goals,
                motivation=c.motivation,
                personal_notes=c.notes,
                left_on=c.left_on,
            )
            made[c.role] = contact
            self.contacts[(plan.index, c.role)] = contact

        for to_status, churn_reason, comment in plan.path:
            account_change_status(
                actor=am, account=account, to_status=to_status, churn_reason=churn_reason, comment=comment
            )
