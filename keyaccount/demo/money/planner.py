"""The demo agency's money side: contracts with amendments and renewals, a year of monthly invoices,
payments (most on time, some late, some partial, a few still open in every aging bucket), acts of
work done, and renewals in every outcome.

Planned from the organization's plan with a seeded generator of its own (so the people, clients and
working loop stay what they were for the same seed), then written through the billing services
(`writer`): the amounts are computed with `keyaccount.billing.calc` exactly as the services compute
them, and the totals the services keep on the rows (an invoice's paid amount, a payment's allocated
amount) are the sums of the planned allocations.
"""

from __future__ import annotations

import calendar
import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from keyaccount.accounts.models import AccountStatus, Tier
from keyaccount.billing import calc
from keyaccount.billing.models import AmendmentKind, BillingModel, ContractStatus, RenewalOutcome
from keyaccount.demo import data as d
from keyaccount.demo.money.plan import (
    AMENDMENT_SCOPES,
    FIXED_PROJECTS,
    HISTORY_MONTHS,
    HOURLY_RATE,
    RU_MONTHS,
    TM_WORKS,
    UNPAID_BY_BAD_PAYER,
    ZERO,
    ActPlan,
    AmendmentPlan,
    ContractPlan,
    InvoicePlan,
    LinePlan,
    MoneyPlan,
    PaymentPlan,
    RenewalPlan,
    add_months,
    round_to,
)

if TYPE_CHECKING:
    from keyaccount.demo.plan import AccountPlan


class MoneyPlanner:
    """Draws the money side of a planned organization; writes nothing."""

    def __init__(self, rng: random.Random, today: datetime.date, accounts: list[AccountPlan]) -> None:
        self.rng = rng
        self.today = today
        self.accounts = accounts
        self.plan_ = MoneyPlan()
        self.history_start = add_months(calc.month_start(today), -(HISTORY_MONTHS - 1))

    def plan(self) -> MoneyPlan:
        for account in self.accounts:
            self.plan_contracts(account)
        self.make_sure_of_the_showcases()
        by_account: dict[int, list[ContractPlan]] = {}
        for contract in self.plan_.contracts:
            by_account.setdefault(contract.account, []).append(contract)
        bad_payer = self.pick_bad_payer(by_account)
        invoices: dict[int, list[InvoicePlan]] = {}
        for account in self.accounts:
            for contract in by_account.get(account.index, []):
                made = self.plan_invoices(contract)
                self.plan_acts(contract, made)
                invoices.setdefault(account.index, []).extend(made)
        if bad_payer is not None:
            invoices[bad_payer] += self.plan_extra_work_unpaid(by_account[bad_payer], invoices[bad_payer])
        self.make_sure_of_the_chores()
        for account in self.accounts:
            self.plan_payments(account, invoices.get(account.index, []), bad=account.index == bad_payer)
        self.make_sure_of_an_advance(bad_payer)
        self.number()
        return self.plan_

    # contracts

    def plan_contracts(self, account: AccountPlan) -> None:
        rng, today = self.rng, self.today
        currency = account.currency if account.currency in HOURLY_RATE else "RUB"
        rate = Decimal(d.RUB_PER[currency])
        step = 1000 if currency == "RUB" else 10
        # About a twelfth of the deal a year; small clients pay what a small retainer costs.
        floor = rng.randint(30, 70) * 1000
        monthly = round_to(Decimal(max(account.deal_value_rub / 12, floor)) / rate, step)
        tm = rng.random() < 0.1 and not account.children
        ru = account.lang == "ru"
        top = account.handover.get("signed_by", "") if account.handover else ""
        vat = Decimal("20") if currency == "RUB" and rng.random() < 0.6 else ZERO
        main = ContractPlan(
            account=account.index,
            lang=account.lang,
            model=BillingModel.TIME_AND_MATERIALS if tm else BillingModel.RETAINER,
            start=account.signed_on or today,
            end=None,
            value=monthly * 12 if tm else monthly,
            currency=currency,
            tax_rate=vat,
            terms=rng.choice([5, 10, 10, 14, 30]),
            notice=rng.choice([30, 30, 60, 90]),
            auto_renew=rng.random() < 0.15,
            status=ContractStatus.ACTIVE,
            signed_on=(account.signed_on or today) - datetime.timedelta(days=rng.randint(1, 10)),
            signed_by=top,
            title=("Абонентское обслуживание" if ru else "Monthly retainer")
            if not tm
            else ("Работы по часам" if ru else "Time and materials"),
            issue_day=rng.randint(1, 5),
        )
        self.plan_terms(account, main)
        self.plan_.contracts.append(main)
        if account.status in (AccountStatus.ACTIVE, AccountStatus.AT_RISK) and rng.random() < 0.15:
            self.plan_fixed(account, main)

    def plan_terms(self, account: AccountPlan, contract: ContractPlan) -> None:
        """Yearly terms from the start, each renewed (maybe for more or less); amendments between them."""
        rng, today = self.rng, self.today
        ends = []
        end = add_months(contract.start, 12) - datetime.timedelta(days=1)
        while True:
            ends.append(end)
            if end >= today:
                break
            end = add_months(end + datetime.timedelta(days=1), 12) - datetime.timedelta(days=1)
        churned = account.status == AccountStatus.CHURNED
        if churned:
            # The client left at the end of a term, one to four months ago (never before the start).
            churn_end = today - datetime.timedelta(days=rng.randint(20, 120))
            churn_end = max(churn_end, contract.start + datetime.timedelta(days=60))
            ends = [e for e in ends if e < churn_end] + [churn_end]
        value = contract.value
        for term_end in ends[:-1]:
            outcome = (
                RenewalOutcome.RENEWED
                if contract.auto_renew
                else rng.choices(
                    [RenewalOutcome.RENEWED, RenewalOutcome.EXPANDED, RenewalOutcome.CONTRACTED], weights=[5, 3, 2]
                )[0]
            )
            factor = {
                RenewalOutcome.RENEWED: Decimal(1),
                RenewalOutcome.EXPANDED: Decimal(1 + rng.randint(10, 30) / 100),
                RenewalOutcome.CONTRACTED: Decimal(1 - rng.randint(10, 25) / 100),
            }[outcome]
            new_value = round_to(value * factor, 1000 if contract.currency == "RUB" else 10)
            if outcome != RenewalOutcome.RENEWED and new_value == value:
                outcome = RenewalOutcome.RENEWED
            next_end = ends[ends.index(term_end) + 1]
            renewal = RenewalPlan(
                term_end=term_end,
                outcome=outcome,
                new_value=new_value,
                new_end=next_end,
                decided_on=term_end - datetime.timedelta(days=0 if contract.auto_renew else rng.randint(5, 40)),
                automatic=contract.auto_renew,
            )
            contract.renewals.append(renewal)
            contract.amendments.append(
                AmendmentPlan(
                    kind=AmendmentKind.RENEWAL,
                    effective=term_end + datetime.timedelta(days=1),
                    new_value=new_value if new_value != value else None,
                    previous_value=value,
                    new_end=next_end,
                    previous_end=term_end,
                    renewal=renewal,
                )
            )
            value = new_value
        contract.end = ends[-1]
        if churned:
            contract.status = ContractStatus.EXPIRED
            decided = contract.end - datetime.timedelta(days=rng.randint(10, 40))
            contract.notice_given_on = decided
            contract.renewals.append(
                RenewalPlan(
                    term_end=contract.end,
                    outcome=RenewalOutcome.CHURNED,
                    new_value=None,
                    new_end=None,
                    decided_on=decided,
                )
            )
            return
        # An additional agreement in about a third of the contracts that have run a few months.
        months = (today.year - contract.start.year) * 12 + today.month - contract.start.month
        paused = account.status == AccountStatus.PAUSED
        wanted = paused or rng.random() < 0.35
        if contract.model == BillingModel.RETAINER and months >= 3 and wanted and self.in_term(contract, 2):
            term_start = contract.renewals[-1].term_end if contract.renewals else contract.start
            earliest = max(calc.month_start(add_months(term_start, 2)), self.history_start)
            span = (today.year - earliest.year) * 12 + today.month - earliest.month
            effective = add_months(earliest, rng.randint(max(span - 1, 0), span) if paused else rng.randint(0, span))
            previous = contract.value_on(effective)
            scopes = AMENDMENT_SCOPES[contract.lang]
            if paused:
                factor, scope = Decimal(rng.randint(30, 50) / 100), scopes["pause"]
            elif rng.random() < 0.65:
                factor, scope = Decimal(1 + rng.randint(10, 40) / 100), rng.choice(scopes["up"])
            else:
                factor, scope = Decimal(1 - rng.randint(10, 30) / 100), rng.choice(scopes["down"])
            new_value = round_to(previous * factor, 1000 if contract.currency == "RUB" else 10)
            if new_value != previous:
                contract.amendments.append(
                    AmendmentPlan(
                        kind=AmendmentKind.AMENDMENT,
                        effective=effective,
                        new_value=new_value,
                        previous_value=previous,
                        scope=scope,
                    )
                )
        self.settle_amendments(contract)

    def in_term(self, contract: ContractPlan, months: int) -> bool:
        """The current term has run at least `months` months."""
        term_start = contract.renewals[-1].term_end if contract.renewals else contract.start
        return add_months(term_start, months) <= self.today

    def settle_amendments(self, contract: ContractPlan) -> None:
        """Each amendment's previous value is what the contract said the day before; numbered in order."""
        value = contract.value
        for n, a in enumerate(sorted(contract.amendments, key=lambda a: a.effective), start=1):
            a.previous_value = value
            if a.new_value is not None:
                value = a.new_value
            if a.renewal is not None:
                a.renewal.new_value = value
            a.number = f"ДС-{n}" if contract.lang == "ru" else f"A-{n}"

    def plan_fixed(self, account: AccountPlan, main: ContractPlan) -> None:
        """A one-off project beside the retainer: half paid in advance, half on delivery."""
        rng, today = self.rng, self.today
        start = max(main.start, today - datetime.timedelta(days=rng.randint(20, 240)))
        end = add_months(start, rng.randint(2, 5))
        self.plan_.contracts.append(
            ContractPlan(
                account=account.index,
                lang=account.lang,
                model=BillingModel.FIXED,
                start=start,
                end=end,
                value=round_to(main.value_on(start) * rng.randint(2, 4), 1000 if main.currency == "RUB" else 10),
                currency=main.currency,
                tax_rate=main.tax_rate,
                terms=main.terms,
                notice=0,
                auto_renew=False,
                status=ContractStatus.ACTIVE if end >= today else ContractStatus.EXPIRED,
                signed_on=start - datetime.timedelta(days=rng.randint(3, 14)),
                signed_by=main.signed_by,
                title=rng.choice(FIXED_PROJECTS[account.lang]),
            )
        )

    def make_sure_of_the_showcases(self) -> None:
        """Whatever the seed: every renewal outcome, two auto-renewing contracts, one contract ending within
        30 days and a few within 90 (with no decision recorded yet)."""
        rng, today = self.rng, self.today
        live = [c for c in self.plan_.contracts if c.model == BillingModel.RETAINER and c.status == "active"]
        outcomes = {r.outcome for c in self.plan_.contracts for r in c.renewals}
        for outcome in (RenewalOutcome.EXPANDED, RenewalOutcome.CONTRACTED, RenewalOutcome.RENEWED):
            if outcome in outcomes:
                continue
            for contract in live:
                if contract.renewals and not contract.auto_renew and contract.renewals[-1].outcome != outcome:
                    self.change_last_renewal(contract, outcome)
                    outcomes.add(outcome)
                    break
        auto = [c for c in live if c.auto_renew]
        for contract in [c for c in live if not c.auto_renew][: max(0, 2 - len(auto))]:
            contract.auto_renew = True
        soon = sum(1 for c in live if c.end is not None and (c.end - today).days <= 30)
        within_90 = sum(1 for c in live if c.end is not None and (c.end - today).days <= 90)
        spare = [c for c in live if c.end is not None and (c.end - today).days > 90]
        rng.shuffle(spare)
        if not soon and spare:
            self.move_end(spare.pop(), today + datetime.timedelta(days=rng.randint(8, 25)))
            within_90 += 1
        while within_90 < 3 and spare:
            self.move_end(spare.pop(), today + datetime.timedelta(days=rng.randint(35, 85)))
            within_90 += 1

    def make_sure_of_the_chores(self) -> None:
        """Whatever the seed, an account manager's day has a draft invoice to issue and an act to chase."""
        today = self.today
        current = [i for i in self.plan_.invoices if i.period and i.period[0] <= today <= i.period[1]]
        if current and not any(i.draft for i in current):
            current[-1].draft = True
        chase_before = today - datetime.timedelta(days=20)
        sent = [a for a in self.plan_.acts if a.sent_on is not None and a.sent_on <= chase_before]
        if sent and not any(a.signed_on is None for a in sent):
            max(sent, key=lambda a: (a.sent_on, a.account)).signed_on = None

    def change_last_renewal(self, contract: ContractPlan, outcome: str) -> None:
        renewal = contract.renewals[-1]
        amendment = next(a for a in contract.amendments if a.renewal is renewal)
        step = 1000 if contract.currency == "RUB" else 10
        before = amendment.previous_value
        factors: dict[str, Decimal] = {
            RenewalOutcome.EXPANDED: Decimal("1.2"),
            RenewalOutcome.CONTRACTED: Decimal("0.85"),
        }
        factor = factors.get(outcome, Decimal(1))
        renewal.outcome = outcome
        amendment.new_value = None if outcome == RenewalOutcome.RENEWED else round_to(before * factor, step)
        self.settle_amendments(contract)

    def move_end(self, contract: ContractPlan, end: datetime.date) -> None:
        """The current term was agreed to end on `end` (a shorter or longer last term)."""
        previous = contract.renewals[-1].term_end if contract.renewals else contract.start
        if end <= previous:
            return
        contract.end = end
        if contract.renewals:
            contract.renewals[-1].new_end = end
            next(a for a in contract.amendments if a.renewal is contract.renewals[-1]).new_end = end

    # invoices, acts, payments

    def plan_invoices(self, contract: ContractPlan) -> list[InvoicePlan]:
        rng, today = self.rng, self.today
        ru = contract.lang == "ru"
        invoices: list[InvoicePlan] = []
        if contract.model == BillingModel.FIXED:
            parts = [(contract.start, Decimal("0.5"), "аванс 50 %" if ru else "50 % advance")]
            if contract.end is not None and contract.end <= today:
                parts.append((contract.end, Decimal("0.5"), "окончательный расчёт" if ru else "final payment"))
            for issue, share, label in parts:
                price = calc.round_money(contract.value * share, contract.currency)
                invoices.append(
                    self.invoice(
                        contract,
                        issue,
                        None,
                        [LinePlan(f"{contract.title}: {label}", Decimal(1), price, contract.tax_rate)],
                    )
                )
            return invoices
        month = max(calc.month_start(contract.start), self.history_start)
        last_day = min(today, contract.end) if contract.end else today
        while month <= last_day:
            period = (max(month, contract.start), min(calc.month_end(month), contract.end or calc.month_end(month)))
            issue = max(month.replace(day=contract.issue_day), contract.start)
            current = month == calc.month_start(today)
            if issue > today:
                break  # this month's invoice is not due to be issued yet: it is on the AM's list
            label = (
                f"{RU_MONTHS[month.month]} {month.year}" if ru else f"{calendar.month_name[month.month]} {month.year}"
            )
            if contract.model == BillingModel.RETAINER:
                value = contract.value_on(period[0])
                lines = [
                    LinePlan(
                        f"Абонентское обслуживание по договору, {label}"
                        if ru
                        else f"Monthly retainer under the contract, {label}",
                        Decimal(1),
                        value,
                        contract.tax_rate,
                    )
                ]
            else:
                rate = HOURLY_RATE[contract.currency]
                works = rng.sample(TM_WORKS[contract.lang], 2)
                lines = [
                    LinePlan(f"{works[0]}, {label}", Decimal(rng.randint(12, 60)), rate, contract.tax_rate),
                    LinePlan(f"{works[1]}, {label}", Decimal(rng.randint(4, 30)) / 2, rate, contract.tax_rate),
                ]
            if current and rng.random() < 0.05:
                break  # not made yet: the AM sees the retainer on their list
            invoice = self.invoice(contract, issue, period, lines)
            invoice.draft = current and rng.random() < 0.1
            invoices.append(invoice)
            month = add_months(month, 1)
        return invoices

    def invoice(
        self,
        contract: ContractPlan,
        issue: datetime.date,
        period: tuple[datetime.date, datetime.date] | None,
        lines: list[LinePlan],
    ) -> InvoicePlan:
        invoice = InvoicePlan(
            account=contract.account,
            contract=contract,
            issue=issue,
            due=issue + datetime.timedelta(days=contract.terms),
            period=period,
            lines=lines,
        )
        amounts = [calc.line_amounts(li.quantity, li.unit_price, li.tax_rate, contract.currency) for li in lines]
        totals = calc.invoice_totals(amounts)
        invoice.subtotal, invoice.tax_total, invoice.total = totals.subtotal, totals.tax_total, totals.total
        self.plan_.invoices.append(invoice)
        return invoice

    def plan_acts(self, contract: ContractPlan, invoices: list[InvoicePlan]) -> None:
        """An act for each finished month of a retainer or hours (for a project: on delivery); most signed."""
        rng, today = self.rng, self.today
        for invoice in invoices:
            if contract.model == BillingModel.FIXED:
                if contract.end is None or contract.end > today or invoice.issue != contract.end:
                    continue
                period = (contract.start, contract.end)
                amount = calc.round_money(contract.value + contract.value * contract.tax_rate / 100, contract.currency)
            else:
                if invoice.period is None or invoice.period[1] >= today:
                    continue
                period, amount = invoice.period, invoice.total
            sent = period[1] + datetime.timedelta(days=rng.randint(1, 6))
            if sent > today:
                sent_on, signed_on = None, None
            else:
                sent_on = sent
                signed = sent + datetime.timedelta(days=rng.randint(2, 20))
                # A few recent acts got stuck on the client's side (older ones were chased and signed).
                stuck = (today - period[1]).days < 100 and rng.random() < 0.04
                signed_on = None if stuck or signed >= today else signed
            self.plan_.acts.append(
                ActPlan(contract.account, contract, period, amount, contract.currency, sent_on, signed_on)
            )

    def plan_extra_work_unpaid(self, contracts: list[ContractPlan], invoices: list[InvoicePlan]) -> list[InvoicePlan]:
        """The bad payer's invoices for extra work, one in each aging bucket that its unpaid monthly invoices miss.

        Monthly invoices are 28-31 days apart, so the last four of them leave a 30-day bucket empty on some days;
        the demo shows every bucket on whatever day it is loaded.
        """
        rng, today = self.rng, self.today
        retainer = next(c for c in contracts if c.model == BillingModel.RETAINER and c.start <= add_months(today, -6))
        issued = sorted((i for i in invoices if not i.draft), key=lambda i: (i.issue, i.contract.start))
        filled = {calc.bucket_of(i.due, today) for i in issued[max(0, len(issued) - UNPAID_BY_BAD_PAYER) :]}
        ru = retainer.lang == "ru"
        extra = []
        for bucket, days_past_due in (("days_1_30", 15), ("days_31_60", 45), ("days_61_90", 75), ("days_90_plus", 120)):
            if bucket in filled:
                continue
            due = today - datetime.timedelta(days=days_past_due)
            issue = max(due - datetime.timedelta(days=retainer.terms), retainer.start)
            price = round_to(
                retainer.value_on(issue) * Decimal(rng.randint(15, 40)) / 100,
                1000 if retainer.currency == "RUB" else 10,
            )
            work = "Дополнительные работы сверх абонентского обслуживания" if ru else "Extra work outside the retainer"
            invoice = self.invoice(retainer, issue, None, [LinePlan(work, Decimal(1), price, retainer.tax_rate)])
            invoice.due, invoice.never_paid = due, True
            extra.append(invoice)
        return extra

    def pick_bad_payer(self, by_account: dict[int, list[ContractPlan]]) -> int | None:
        """One client (at risk if there is one) who stopped paying months ago: every aging bucket is filled."""
        candidates = [
            a
            for a in self.accounts
            if a.status != AccountStatus.CHURNED
            and any(
                c.model == BillingModel.RETAINER and c.start <= add_months(self.today, -6)
                for c in by_account.get(a.index, [])
            )
        ]
        candidates.sort(key=lambda a: (a.status != AccountStatus.AT_RISK, a.tier == Tier.KEY, a.index))
        return candidates[0].index if candidates else None

    def plan_payments(self, account: AccountPlan, invoices: list[InvoicePlan], *, bad: bool) -> None:
        """Most invoices paid on time, some late, some in two parts; a few still open; close ones paid together."""
        rng, today = self.rng, self.today
        profile = rng.choices(["prompt", "late", "partial"], weights=[65, 25, 10])[0]
        if account.status == AccountStatus.AT_RISK and rng.random() < 0.4:
            profile = "late"
        issued = sorted(
            (i for i in invoices if not i.draft and not i.never_paid), key=lambda i: (i.issue, i.contract.start)
        )
        unpaid_from = len(issued)
        if bad:
            unpaid_from = max(0, len(issued) - UNPAID_BY_BAD_PAYER)
        elif account.status == AccountStatus.CHURNED and issued and rng.random() < 0.6:
            unpaid_from = len(issued) - 1  # the last invoice of a lost client
        events: list[tuple[datetime.date, InvoicePlan, Decimal]] = []
        for n, invoice in enumerate(issued):
            if n >= unpaid_from:
                if bad and n == unpaid_from:
                    part = calc.round_money(invoice.total * Decimal("0.4"), invoice.contract.currency)
                    events.append((invoice.due + datetime.timedelta(days=3), invoice, part))
                continue
            kind = profile if rng.random() < 0.85 else rng.choice(["prompt", "late"])
            terms = (invoice.due - invoice.issue).days
            if kind == "prompt":
                events.append(
                    (invoice.issue + datetime.timedelta(days=rng.randint(1, max(terms, 1))), invoice, invoice.total)
                )
            elif kind == "late":
                events.append((invoice.due + datetime.timedelta(days=rng.randint(3, 35)), invoice, invoice.total))
            else:
                first = calc.round_money(invoice.total * Decimal(rng.randint(40, 70)) / 100, invoice.contract.currency)
                events.append((invoice.due - datetime.timedelta(days=rng.randint(0, 3)), invoice, first))
                events.append(
                    (invoice.due + datetime.timedelta(days=rng.randint(8, 40)), invoice, invoice.total - first)
                )
        events = [e for e in events if e[0] <= today]
        events.sort(key=lambda e: (e[0], e[1].issue))
        payments: list[PaymentPlan] = []
        for day, invoice, amount in events:
            day = max(day, invoice.issue)
            last = payments[-1] if payments else None
            if (
                last is not None
                and (day - last.date).days <= 3
                and last.currency == invoice.contract.currency
                and all(i is not invoice for i, _a in last.allocations)
            ):
                last.allocations.append((invoice, amount))  # one transfer paid both
                last.date = max(last.date, day)
            else:
                payments.append(PaymentPlan(account.index, day, invoice.contract.currency, [(invoice, amount)]))
        if payments and rng.random() < 0.08:
            self.pay_in_advance(payments[-1])
        for payment in payments:
            for invoice, amount in payment.allocations:
                invoice.paid += amount
                if invoice.paid == invoice.total:
                    invoice.paid_on = payment.date
            payment.reference = (
                f"п/п № {rng.randint(100, 9999)}" if account.lang == "ru" else f"Wire {rng.randint(10**5, 10**6 - 1)}"
            )
        self.plan_.payments += payments

    def pay_in_advance(self, payment: PaymentPlan) -> None:
        """An advance for the next month paid with this transfer: kept as the account's credit."""
        step = 1000 if payment.currency == "RUB" else 10
        payment.extra = max(round_to(payment.allocated * Decimal(self.rng.randint(10, 50)) / 100, step), Decimal(step))

    def make_sure_of_an_advance(self, bad_payer: int | None) -> None:
        """At least one client has paid ahead, so the demo shows a credit waiting to be allocated."""
        if any(p.extra for p in self.plan_.payments):
            return
        good = [p for p in self.plan_.payments if p.account != bad_payer and p.allocated > 0]
        if good:
            self.pay_in_advance(max(good, key=lambda p: (p.date, p.account)))

    def number(self) -> None:
        """Numbers unique in the organization: contracts by start, invoices "YYYY-NNN" and acts by year."""
        counters: dict[tuple[str, int], int] = {}

        def next_number(kind: str, year: int) -> int:
            counters[(kind, year)] = counters.get((kind, year), 0) + 1
            return counters[(kind, year)]

        for c in sorted(self.plan_.contracts, key=lambda c: (c.signed_on, c.account, c.model)):
            prefix = "Д" if c.lang == "ru" else "C"
            c.number = f"{prefix}-{c.signed_on.year}/{next_number('contract', c.signed_on.year):03d}"
        for i in sorted(self.plan_.invoices, key=lambda i: (i.issue, i.account, i.contract.number)):
            i.number = f"{i.issue.year}-{next_number('invoice', i.issue.year):03d}"
        for a in sorted(self.plan_.acts, key=lambda a: (a.period[1], a.account, a.contract.number)):
            a.number = f"A-{a.period[1].year}-{next_number('act', a.period[1].year):03d}"


def plan_money(rng: random.Random, today: datetime.date, accounts: list[AccountPlan]) -> MoneyPlan:
    return MoneyPlanner(rng, today, accounts).plan()
