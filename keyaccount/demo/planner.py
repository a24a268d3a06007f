"""Plans the whole demo organization with one seeded random generator; writes nothing. The same seed
and the same today give the same plan: the people, clients and stakeholders first, then the working loop
(`work.planner`) and the money (`money.planner`) drawn from it last."""

from __future__ import annotations

import datetime
import math
import random
import re
from decimal import Decimal
from typing import Any

from django.utils.text import slugify

from keyaccount.accounts.models import AccountStatus, Tier
from keyaccount.demo import data as d
from keyaccount.demo.money.planner import plan_money
from keyaccount.demo.plan import AccountPlan, ContactPlan, LinkPlan, OrganizationPlan, PersonPlan
from keyaccount.demo.staff import STAFF_ROLES, staff_counts
from keyaccount.demo.work.planner import WorkPlanner
from keyaccount.tenancy.slugs import translit


class Planner:
    """Draws the whole demo organization from one seeded generator; writes nothing."""

    def __init__(self, accounts: int, seed: int, today: datetime.date) -> None:
        self.n = accounts
        self.rng = random.Random(seed)
        self.today = today
        self.used_names: set[str] = set()
        self.used_people: set[str] = set()
        self.holding_stems: set[str] = set()

    # people

    def person_name(self, lang: str, female: bool | None = None) -> tuple[str, str, str]:
        """(full name, first name, surname), unique within the plan where the pools allow."""
        rng = self.rng
        for _attempt in range(50):
            is_female = rng.random() < 0.5 if female is None else female
            if lang == "ru":
                first = rng.choice(d.RU_FEMALE if is_female else d.RU_MALE)
                last = d.ru_surname(rng.choice(d.RU_SURNAMES), is_female)
            else:
                first = rng.choice(d.EN_FEMALE if is_female else d.EN_MALE)
                last = rng.choice(d.EN_SURNAMES)
            full = f"{first} {last}"
            if full not in self.used_people:
                break
        self.used_people.add(full)
        return full, first, last

    def plan_people(self) -> list[PersonPlan]:
        people = []
        for prefix, role in STAFF_ROLES:
            for n in range(1, staff_counts(self.n)[prefix] + 1):
                name, _first, _last = self.person_name("ru" if self.rng.random() < 0.85 else "en")
                people.append(PersonPlan(prefix=prefix, n=n, role=role, name=name))
        return people

    # accounts

    def company_name(self, lang: str, stem: str, word: str) -> str:
        if lang == "ru" and self.rng.random() < 0.3:
            return f"{stem}{word}"
        return f"{stem} {word}"

    def place(self, lang: str) -> tuple[str, str, str, str]:
        """(city, phone prefix, currency, top-level domain) of a company's head office."""
        if lang == "ru" or self.rng.random() < 0.5:
            city = self.rng.choice(d.RU_CITIES[:3] if lang == "en" else d.RU_CITIES)
            return city, "+7", "RUB", "ru"
        city, prefix, currency = self.rng.choice(d.ABROAD)
        return city, prefix, currency, "com"

    def new_account(self, lang: str, industry: tuple[Any, ...], stem: str | None = None, **kw: Any) -> AccountPlan:
        rng = self.rng
        stems = d.RU_STEMS if lang == "ru" else d.EN_STEMS
        words = industry[2] if lang == "ru" else industry[3]
        free_stems = [s for s in stems if s not in self.holding_stems]
        for attempt in range(200):
            s = stem or rng.choice(free_stems)
            name = self.company_name(lang, s, rng.choice(words))
            if attempt > 100:
                name = f"{name} {attempt - 99}"
            if name.lower() not in self.used_names:
                break
        self.used_names.add(name.lower())
        if "city" in kw:
            city, phone_prefix, currency, tld = kw["city"], kw["phone_prefix"], kw["currency"], kw["tld"]
        else:
            city, phone_prefix, currency, tld = self.place(lang)
        return AccountPlan(
            index=0,
            name=name,
            lang=lang,
            industry=industry[0],
            kind=industry[1],
            stem=s,
            domain=f"{slugify(translit(name))}.{tld}",
            city=city,
            phone_prefix=phone_prefix,
            currency=currency,
        )

    def plan_accounts(self) -> list[AccountPlan]:
        rng = self.rng
        holdings = 0 if self.n < 6 else 1 if self.n < 20 else 2
        plans: list[AccountPlan] = []
        groups: list[list[AccountPlan]] = []
        for _h in range(holdings):
            lang = "ru" if rng.random() < 0.6 else "en"
            stem = rng.choice([s for s in (d.RU_STEMS if lang == "ru" else d.EN_STEMS) if s not in self.holding_stems])
            self.holding_stems.add(stem)
            city, phone_prefix, currency, tld = self.place(lang)
            name = f"ГК «{stem}»" if lang == "ru" else f"{stem} Group"
            self.used_names.add(name.lower())
            parent = AccountPlan(
                index=0,
                name=name,
                lang=lang,
                industry=d.HOLDING_INDUSTRY,
                kind="b2b",
                stem=stem,
                domain=f"{slugify(translit(stem))}-group.{tld}",
                city=city,
                phone_prefix=phone_prefix,
                currency=currency,
            )
            group = [parent]
            for industry in rng.sample(d.INDUSTRIES, 3 if self.n >= 30 else 2):
                group.append(
                    self.new_account(
                        lang, industry, stem=stem, city=city, phone_prefix=phone_prefix, currency=currency, tld=tld
                    )
                )
            groups.append(group)
        while sum(len(g) for g in groups) < self.n:
            lang = "ru" if rng.random() < 0.6 else "en"
            groups.append([self.new_account(lang, rng.choice(d.INDUSTRIES))])
        # A holding may overshoot a tiny N: trim singles first, then children.
        while sum(len(g) for g in groups) > self.n:
            if len(groups[-1]) == 1 and len(groups) > holdings:
                groups.pop()
            else:
                biggest = max(groups, key=len)
                biggest.pop()
        for group in groups:
            for plan in group:
                plan.index = len(plans)
                plans.append(plan)
            for child in group[1:]:
                child.parent = group[0].index
                group[0].children.append(child.index)

        self.plan_values_and_tiers(plans, groups, holdings)
        self.plan_statuses(plans)
        self.plan_owners(groups)
        for plan in plans:
            self.plan_details(plan)
        return plans

    def plan_values_and_tiers(self, plans: list[AccountPlan], groups: list[list[AccountPlan]], holdings: int) -> None:
        """Deal values fall off as a power of the rank, so about 20% of the clients bring 80% of the money."""
        rng = self.rng
        parents = [g[0] for g in groups[:holdings]]
        others = [p for p in plans if p not in parents]
        rng.shuffle(others)
        ranked = parents + others
        top, bottom = 24_000_000, 150_000
        exponent = math.log(top / bottom) / math.log(max(len(ranked), 2))
        key_count = max(1, round(len(ranked) * 0.08))
        strategic_count = max(1, round(len(ranked) * 0.15)) if len(ranked) > 2 else 0
        for rank, plan in enumerate(ranked):
            plan.rank = rank
            value = top * (rank + 1) ** -exponent * rng.uniform(0.85, 1.15)
            plan.deal_value_rub = max(int(round(value, -4)), 60_000)
            if rank < key_count:
                plan.tier = Tier.KEY
            elif rank < key_count + strategic_count:
                plan.tier = Tier.STRATEGIC

    def plan_statuses(self, plans: list[AccountPlan]) -> None:
        """Every stage of the lifecycle is present; key accounts and holdings are never lost."""
        rng = self.rng
        n = len(plans)
        quotas = [
            (AccountStatus.CHURNED, max(1, round(n * 0.12))),
            (AccountStatus.PAUSED, max(1, round(n * 0.06))),
            (AccountStatus.AT_RISK, max(1, round(n * 0.12))),
            (AccountStatus.ONBOARDING, max(1, round(n * 0.12))),
        ]
        protected = [p for p in plans if p.tier == Tier.KEY or p.children or p.parent is not None]
        free = [p for p in plans if p not in protected]
        rng.shuffle(free)
        taken: set[int] = set()
        for status, count in quotas:
            pool = free if status in (AccountStatus.CHURNED, AccountStatus.PAUSED) else free + protected
            for plan in [p for p in pool if p.index not in taken][:count]:
                plan.status = status
                taken.add(plan.index)
        for plan in plans:
            plan.path = self.status_path(plan)

    def status_path(self, plan: AccountPlan) -> list[tuple[str, str, str]]:
        rng, texts = self.rng, d.STATUS_COMMENTS[plan.lang]
        active = (AccountStatus.ACTIVE, "", texts["active"])
        if plan.status == AccountStatus.ONBOARDING:
            return []
        if plan.status == AccountStatus.ACTIVE:
            return [active]
        if plan.status == AccountStatus.AT_RISK:
            return [active, (AccountStatus.AT_RISK, "", rng.choice(texts["at_risk"]))]
        if plan.status == AccountStatus.PAUSED:
            return [active, (AccountStatus.PAUSED, "", rng.choice(texts["paused"]))]
        path: list[tuple[str, str, str]] = [active]
        if rng.random() < 0.5:
            path.append((AccountStatus.AT_RISK, "", rng.choice(texts["at_risk"])))
        path.append((AccountStatus.CHURNED, rng.choice(d.CHURN_REASONS), texts["churned"]))
        return path

    def plan_owners(self, groups: list[list[AccountPlan]]) -> None:
        """Each account manager gets a portfolio of their own; a holding stays with one manager."""
        ams = staff_counts(self.n)["am"]
        load = dict.fromkeys(range(1, ams + 1), 0)
        order = list(groups)
        self.rng.shuffle(order)
        order.sort(key=len, reverse=True)
        for group in order:
            am = min(load, key=lambda k: (load[k], k))
            for plan in group:
                plan.am = am
            load[am] += len(group)

    def plan_details(self, plan: AccountPlan) -> None:
        rng, lang, today = self.rng, plan.lang, self.today
        counts = staff_counts(self.n)
        ru = lang == "ru"

        # profile
        if plan.children:
            size = "enterprise"
        elif plan.tier == Tier.KEY:
            size = rng.choice(["large", "enterprise"])
        elif plan.tier == Tier.STRATEGIC:
            size = rng.choice(["medium", "large"])
        else:
            size = rng.choice(["micro", "small", "small", "medium"])
        form = rng.choice(d.RU_LEGAL_FORMS if ru else d.EN_LEGAL_FORMS)
        if plan.children:
            legal_name = f"АО «Управляющая компания «{plan.stem}»" if ru else f"{plan.stem} Holdings {form}"
        else:
            legal_name = f"{form} «{plan.name}»" if ru else f"{plan.name} {form}"
        cities = [plan.city]
        if plan.tier != Tier.STANDARD and plan.phone_prefix == "+7":
            cities += rng.sample([c for c in d.RU_CITIES if c != plan.city], rng.randint(1, 3))
        plan.fields = {
            "legal_name": legal_name,
            "kind": plan.kind,
            "industry": plan.industry,
            "size": size,
            "website": f"https://{plan.domain}/",
            "locations": "\n".join(cities),
            "currency": plan.currency,
            "tier": plan.tier,
            "notes": "",
        }
        if plan.tier == Tier.KEY:
            plan.fields["notes"] = (
                "Ключевой клиент: квартальная встреча (QBR) с собственником, отчёт до 5-го числа."
                if ru
                else "Key account: quarterly business review with the owner; report by the 5th."
            )

        # tags
        tags = []
        if plan.industry == "E-commerce":
            tags.append("e-commerce")
        if plan.children or plan.parent is not None:
            tags.append("holding")
        if plan.currency != "RUB":
            tags.append("export")
        tags.append("federal" if len(cities) > 2 or plan.city == "Москва" else "regional")
        if plan.industry in d.SEASONAL_INDUSTRIES:
            tags.append("seasonal")
        if rng.random() < 0.2:
            tags.append("upsell potential")
        if rng.random() < 0.1:
            tags.append("tender")
        if plan.tier == Tier.KEY and rng.random() < 0.6:
            tags.append("multi-year")

        # dates
        if plan.status == AccountStatus.ONBOARDING:
            signed_on = today - datetime.timedelta(days=rng.randint(7, 45))
        else:
            signed_on = today - datetime.timedelta(days=rng.randint(90, 1100))
        plan.signed_on = signed_on
        age = (today - signed_on).days

        # team
        usual = next((i[4] for i in d.INDUSTRIES if i[0] == plan.industry), ["seo", "ppc", "smm"])
        if plan.children:
            disciplines = ["smm", "web"]
        else:
            k = 1 + (plan.tier != Tier.STANDARD) + (rng.random() < 0.4)
            disciplines = rng.sample(usual, min(k, len(usual)))
        per_discipline = counts["specialist"] // len(d.DISCIPLINES)
        plan.specialists = [
            d.DISCIPLINES.index(disc) + 1 + len(d.DISCIPLINES) * rng.randrange(per_discipline) for disc in disciplines
        ]
        if plan.tier != Tier.STANDARD or rng.random() < 0.5:
            plan.assistant = (plan.am - 1) % counts["assistant"] + 1
        plan.sponsor = plan.tier == Tier.KEY

        # handover from sales (a quarter of the clients came by referral: no seller)
        sold_by = rng.randint(1, counts["sales"]) if rng.random() < 0.75 else None
        if sold_by is None:
            tags.append("referral")
        plan.tags = sorted(set(tags))
        rate = d.RUB_PER[plan.currency]
        value = (Decimal(plan.deal_value_rub) / rate / 100).quantize(Decimal(1)) * 100
        plan.handover = {
            "sold_by": sold_by,
            "what_was_sold": "\n".join(rng.choice(d.SOLD[lang][disc]) for disc in disciplines),
            "promises": "\n".join(rng.sample(d.PROMISES[lang], 2)),
            "deal_value": value,
            "expectations": "\n".join(rng.sample(d.EXPECTATIONS[lang], 2)),
            "signed_on": signed_on,
            "handed_over_days": rng.randint(1, 5),
        }

        # onboarding: the first month is done for established clients, partly ticked for new ones
        plan.onboarding_done = rng.randint(1, 4) if plan.status == AccountStatus.ONBOARDING else 99

        # client context: the market's driving forces and the business goal, revised over time
        for kind in rng.sample(list(d.FORCES[lang]), rng.randint(2, 4)):
            subject, change, impact = rng.choice(d.FORCES[lang][kind])
            if "{competitor}" in subject:
                subject = subject.format(competitor=self.rival_name(plan))
            noted = signed_on + datetime.timedelta(days=rng.randint(0, max(age - 1, 0)))
            plan.forces.append(
                {"kind": kind, "subject": subject, "change": change, "impact": impact, "noted_on": noted}
            )
        revisions = 1 if age < 60 else rng.randint(1, 3)
        goals = rng.sample(d.GOALS[lang], revisions)
        first = min(signed_on + datetime.timedelta(days=14), today)
        step = max((today - first).days // revisions, 1)
        plan.goals = [(goal, min(first + datetime.timedelta(days=i * step), today)) for i, goal in enumerate(goals)]

        # stakeholders
        plan.contacts = self.plan_contacts(plan)
        top = plan.contacts[0]
        plan.handover["signed_by"] = f"{top.name}, {top.title}"

    def rival_name(self, plan: AccountPlan) -> str:
        ru = plan.lang == "ru"
        industry = next((i for i in d.INDUSTRIES if i[0] == plan.industry), None)
        words = (industry[2] if ru else industry[3]) if industry else (["Групп"] if ru else ["Group"])
        return f"{self.rng.choice(d.RU_STEMS if ru else d.EN_STEMS)} {self.rng.choice(words)}"

    def plan_contacts(self, plan: AccountPlan) -> list[ContactPlan]:
        rng, today = self.rng, self.today
        if plan.rank == 0:
            count = 7
        elif plan.tier == Tier.KEY:
            count = rng.randint(5, 7)
        elif plan.tier == Tier.STRATEGIC:
            count = rng.randint(4, 6)
        else:
            count = rng.randint(3, 5)
        others = ["economic_buyer", "influencer", "user", "gatekeeper", "blocker"]
        start = plan.index % len(others)
        rotated = others[start:] + others[:start]
        roles = ["decision_maker", "champion"]
        if plan.children:
            roles.append("economic_buyer")
        roles += [r for r in rotated if r not in roles][: count - len(roles)]
        roles.sort(key=d.ROLE_ORDER.index)

        people_lang = plan.lang if plan.phone_prefix != "+7" else ("ru" if rng.random() < 0.85 else "en")
        churn_reason = next((reason for status, reason, _c in plan.path if status == AccountStatus.CHURNED), "")
        champion_left = churn_reason == "contact_left" or (plan.status == AccountStatus.AT_RISK and rng.random() < 0.35)
        age = (today - (plan.signed_on or today)).days
        troubled = plan.status in (AccountStatus.AT_RISK, AccountStatus.CHURNED)
        contacts: list[ContactPlan] = []
        by_role: dict[str, ContactPlan] = {}
        for role in roles:
            lang = people_lang if rng.random() < 0.85 else ("en" if people_lang == "ru" else "ru")
            name, first, last = self.person_name(lang)
            local = f"{translit(first)}.{translit(last)}"
            local = re.sub(r"[^a-z0-9.]", "", local)
            digits = "".join(str(rng.randint(0, 9)) for _ in range(9))
            if plan.phone_prefix == "+7":
                phone = f"+7 9{digits[:2]} {digits[2:5]}-{digits[5:7]}-{digits[7:9]}"
            else:
                phone = f"{plan.phone_prefix} {digits[:3]} {digits[3:7]}"
            messenger = f"Telegram @{local.replace('.', '_')}" if lang == "ru" else f"WhatsApp {phone}"
            if role == "champion":
                attitude = "supporter"
            elif role == "blocker":
                attitude = "opponent"
            elif role == "decision_maker" and troubled:
                attitude = rng.choice(["neutral", "opponent"])
            else:
                attitude = rng.choices(["supporter", "neutral", "opponent"], weights=[4, 5, 1])[0]
            low, high = d.INFLUENCE[role]
            left_on = None
            if (role == "champion" and champion_left) or (role != "decision_maker" and rng.random() < 0.06):
                left_on = today - datetime.timedelta(days=rng.randint(3, max(age // 2, 4)))
            contact = ContactPlan(
                role=role,
                name=name,
                title=rng.choice(d.TITLES[lang][role]),
                email=f"{local}@{plan.domain}",
                phones=phone,
                messengers=messenger if rng.random() < 0.7 else "",
                attitude=attitude,
                influence=rng.randint(low, high),
                channel=rng.choice(d.CHANNEL[role]),
                cadence=d.CADENCE[role],
                urgent=role == "champion" and left_on is None,
                reporting_goals=d.REPORTING_GOALS[lang][role],
                motivation=rng.choice(d.MOTIVATION[lang][role]),
                notes=rng.choice(d.PERSONAL_NOTES[lang]) if rng.random() < 0.5 else "",
                left_on=left_on,
            )
            boss_role = d.REPORTS_TO[role]
            if boss_role is not None and boss_role not in by_role:
                boss_role = "decision_maker"
            contact.boss = by_role[boss_role].name if boss_role else d.TOP_BOSS[lang]
            contacts.append(contact)
            by_role[role] = contact
        return contacts

    def plan_links(self, plans: list[AccountPlan]) -> list[LinkPlan]:
        """A holding's economic buyer signs off the subsidiaries' budgets; a few owners sit on two clients."""
        links = []
        for plan in plans:
            for child in plan.children:
                links.append(LinkPlan(plan.index, "economic_buyer", child, "economic_buyer", "neutral", 5))
        singles: dict[int, list[AccountPlan]] = {}
        for plan in plans:
            if plan.parent is None and not plan.children and plan.status != AccountStatus.CHURNED:
                singles.setdefault(plan.am, []).append(plan)
        pairs = [v for k, v in sorted(singles.items()) if len(v) >= 2]
        for portfolio in self.rng.sample(pairs, min(2, len(pairs))):
            a, b = self.rng.sample(portfolio, 2)
            links.append(LinkPlan(a.index, "decision_maker", b.index, "influencer", "supporter", 3))
        return links

    def plan(self) -> OrganizationPlan:
        people = self.plan_people()
        accounts = self.plan_accounts()
        links = self.plan_links(accounts)
        # Drawn last, so the people, clients and stakeholders stay what they were for the same seed.
        work = WorkPlanner(self.rng, self.today, accounts).plan()
        # The money has a generator of its own, drawn from the main one last, for the same reason.
        money = plan_money(random.Random(self.rng.random()), self.today, accounts)
        return OrganizationPlan(people=people, accounts=accounts, links=links, work=work, money=money)
