"""Writes the demo's money plan through the billing services, acting as the people who keep it, then
back-dates it: contracts signed, amended, renewed or lost; invoices drafted and issued; payments put
against them; acts sent and signed; contracts past their end expired by the daily lifecycle job."""

from __future__ import annotations

import bisect
import contextlib
import datetime
import logging
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from keyaccount.billing.models import (
    Act,
    Amendment,
    Contract,
    ContractStatus,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Renewal,
    RenewalOutcome,
)
from keyaccount.billing.services import collection, contracts, invoices, lifecycle, payments
from keyaccount.core import clock
from keyaccount.core.models import AuditEvent
from keyaccount.demo.work.writer import no_email

if TYPE_CHECKING:
    from collections.abc import Iterator

    from keyaccount.accounts.models import Account
    from keyaccount.demo.money.plan import ActPlan, ContractPlan, InvoicePlan, MoneyPlan, PaymentPlan
    from keyaccount.demo.plan import AccountPlan
    from keyaccount.tenancy.models import Organization, User

ONE_DAY = datetime.timedelta(days=1)

# --- writing through the services -------------------------------------------------------------------


class MoneyWriter:
    """Writes the money plan through the billing services, as the account managers (and assistants) who keep it."""

    def __init__(
        self,
        organization: Organization,
        users: dict[str, User],
        accounts: dict[int, Account],
        plans: list[AccountPlan],
        money: MoneyPlan,
        today: datetime.date,
    ) -> None:
        self.org = organization
        self.users = users
        self.accounts = accounts
        self.plans = {p.index: p for p in plans}
        self.money = money
        self.today = today
        self.now = timezone.now()
        self.zone = clock.organization_zone(organization)
        # (object, {field: time}) to back-date once everything is written; see backdate().
        self.stamps: list[tuple[Any, dict[str, datetime.datetime]]] = []
        # (started, ended, as of): each block of service calls by the real clock, and when the plan says it
        # happened; the audit events recorded inside a block are back-dated to its moment (see backdate()).
        self.windows: list[tuple[datetime.datetime, datetime.datetime, datetime.datetime]] = []

    def am(self, account_index: int) -> User:
        return self.users[f"am{self.plans[account_index].am}"]

    def at(self, day: datetime.date, hour: int = 11) -> datetime.datetime:
        """That day at that hour in the organization's time zone; never later than a minute ago."""
        moment = datetime.datetime.combine(day, datetime.time(hour), self.zone)
        return min(moment, self.now - datetime.timedelta(minutes=1))

    @contextlib.contextmanager
    def on(self, day: datetime.date, hour: int = 11) -> Iterator[None]:
        """The service calls inside happened on `day` at `hour`: so do the audit events they record. The
        block's span on the real clock is kept; backdate() moves the events stamped inside it."""
        started = clock.now()
        try:
            yield
        finally:
            self.windows.append((started, clock.now(), self.at(day, hour)))

    def write(self) -> dict[str, int]:
        with no_email(self.users.values()):
            written = {id(c): self.write_contract(c) for c in self.money.contracts}
            issued = {id(i): self.write_invoice(i, written[id(i.contract)]) for i in self.money.invoices}
            for p in self.money.payments:
                self.write_payment(p, issued)
            for a in self.money.acts:
                self.write_act(a, written[id(a.contract)])
            self.expire()
        self.backdate()
        return {
            "contracts": len(written),
            "invoices": len(issued),
            "payments": len(self.money.payments),
            "acts": len(self.money.acts),
            "renewals": sum(len(c.renewals) for c in self.money.contracts),
        }

    def write_contract(self, c: ContractPlan) -> Contract:
        """Drafted and signed; then each term's renewal and the amendments in between, in order; a lost
        client's notice and the churned outcome last."""
        am = self.am(c.account)
        kept = [r for r in c.renewals if r.outcome != RenewalOutcome.CHURNED]
        lost = [r for r in c.renewals if r.outcome == RenewalOutcome.CHURNED]
        with self.on(c.signed_on, 10):
            contract = contracts.contract_create(
                actor=am,
                account=self.accounts[c.account],
                number=c.number,
                title=c.title,
                billing_model=c.model,
                start_date=c.start,
                # The first term's end: each renewal moves it on.
                end_date=kept[0].term_end if kept else c.end,
                value=c.value,
                currency=c.currency,
                tax_rate=c.tax_rate,
                payment_terms_days=c.terms,
                auto_renew=c.auto_renew,
                notice_days=c.notice,
            )
        self.stamps.append((contract, {"created_at": self.at(c.signed_on, 10)}))
        with self.on(c.signed_on):
            contracts.contract_sign(
                actor=am, contract=contract, signed_on=c.signed_on, signed_by=c.signed_by[:200], today=self.today
            )
        for r in kept:
            # An automatic renewal is the lifecycle job's, the night after the term ended.
            day, hour = (r.term_end + ONE_DAY, 1) if r.automatic else (r.decided_on, 11)
            with self.on(day, hour):
                renewal = contracts.renewal_record(
                    actor=None if r.automatic else am,
                    contract=contract,
                    outcome=r.outcome,
                    decided_on=r.decided_on,
                    new_value=r.new_value,
                    new_end_date=r.new_end,
                    automatic=r.automatic,
                    term_end=r.term_end,
                )
            self.stamps.append((renewal, {"created_at": self.at(day, hour)}))
            if renewal.amendment is not None:
                self.stamps.append((renewal.amendment, {"created_at": self.at(day, hour)}))
        for a in sorted((a for a in c.amendments if a.renewal is None), key=lambda a: a.effective):
            signed_on = a.effective - datetime.timedelta(days=7)
            with self.on(signed_on):
                amendment = contracts.amendment_create(
                    actor=am,
                    contract=contract,
                    effective_date=a.effective,
                    new_value=a.new_value,
                    new_end_date=a.new_end,
                    scope_change=a.scope,
                    number=a.number,
                    signed_on=signed_on,
                )
            self.stamps.append((amendment, {"created_at": self.at(signed_on)}))
        for r in lost:
            contract.refresh_from_db()
            if c.notice_given_on is not None:
                with self.on(c.notice_given_on, 10):
                    contracts.contract_give_notice(actor=am, contract=contract, given_on=c.notice_given_on)
            with self.on(r.decided_on):
                renewal = contracts.renewal_record(
                    actor=am, contract=contract, outcome=r.outcome, decided_on=r.decided_on, term_end=r.term_end
                )
            self.stamps.append((renewal, {"created_at": self.at(r.decided_on)}))
        return contract

    def write_invoice(self, i: InvoicePlan, contract: Contract) -> Invoice:
        """Drafted the day it is dated and sent to the client an hour later; a draft stays a draft."""
        am = self.am(i.account)
        with self.on(i.issue, 10):
            invoice = invoices.invoice_create(
                actor=am,
                account=self.accounts[i.account],
                contract=contract,
                number=i.number,
                issue_date=i.issue,
                due_date=i.due,
                currency=i.contract.currency,
                period_start=i.period[0] if i.period else None,
                period_end=i.period[1] if i.period else None,
                lines=[
                    {
                        "description": li.description,
                        "quantity": li.quantity,
                        "unit_price": li.unit_price,
                        "tax_rate": li.tax_rate,
                    }
                    for li in i.lines
                ],
            )
        stamps = {"created_at": self.at(i.issue, 10)}
        if not i.draft:
            with self.on(i.issue):
                invoices.invoice_issue(actor=am, invoice=invoice)
            stamps["issued_at"] = self.at(i.issue)
        self.stamps.append((invoice, stamps))
        return invoice

    def write_payment(self, p: PaymentPlan, issued: dict[int, Invoice]) -> Payment:
        """Recorded by the account's assistant (or its manager) the day it arrived, put against its invoices."""
        plan = self.plans[p.account]
        recorder = self.users.get(f"assistant{plan.assistant}") if plan.assistant else None
        with self.on(p.date, 14):
            payment = payments.payment_record(
                actor=recorder or self.am(p.account),
                account=self.accounts[p.account],
                date=p.date,
                amount=p.allocated + p.extra,
                currency=p.currency,
                reference=p.reference,
                allocations=[{"invoice": issued[id(i)], "amount": amount} for i, amount in p.allocations],
            )
        self.stamps.append((payment, {"created_at": self.at(p.date, 14)}))
        return payment

    def write_act(self, a: ActPlan, contract: Contract) -> Act:
        """Made and sent to the client the same day (or made the day after its period, not sent yet); then
        signed."""
        am = self.am(a.account)
        made_on = a.sent_on or min(a.period[1] + ONE_DAY, self.today)
        with self.on(made_on):
            act = collection.act_create(
                actor=am,
                account=self.accounts[a.account],
                contract=contract,
                number=a.number,
                period_start=a.period[0],
                period_end=a.period[1],
                amount=a.amount,
                currency=a.currency,
                sent_on=a.sent_on,
            )
        self.stamps.append((act, {"created_at": self.at(made_on)}))
        if a.signed_on is not None:
            with self.on(a.signed_on, 12):
                collection.act_mark_signed(actor=am, act=act, signed_on=a.signed_on)
        return act

    def expire(self) -> None:
        """The daily lifecycle job, run the night after each planned end: those contracts expire."""
        ended = {c.end + ONE_DAY for c in self.money.contracts if c.status == ContractStatus.EXPIRED and c.end}
        quiet = logging.getLogger(lifecycle.__name__)
        level = quiet.level
        quiet.setLevel(logging.WARNING)  # the daily job's summary line is not the demo's output
        try:
            for day in sorted(ended):
                with self.on(day, 1):
                    lifecycle.run_contract_lifecycle(day, organization_ids=[self.org.pk])
        finally:
            quiet.setLevel(level)

    def backdate(self) -> None:
        """Give the money's records, and the audit events of their writing, the times the plan says.

        The services stamp "now" on what they record (a row's creation, an invoice's issue, every audit
        event), and none of them takes a past time: without this, a year of invoices would all have been
        drafted and issued in the second the demo was loaded. One bulk update per model, after the
        services have written and audited everything.
        """
        by_model: dict[type, dict[int, tuple[Any, set[str]]]] = {}
        for obj, values in self.stamps:
            rows = by_model.setdefault(type(obj), {})
            current, fields = rows.get(obj.pk, (obj, set()))
            for name, value in values.items():
                setattr(current, name, value)
            fields.update(values)
            rows[obj.pk] = (current, fields)
        for model in (Contract, Amendment, Renewal, Invoice, Payment, Act):
            rows = by_model.get(model, {})
            if rows:
                names = sorted(set().union(*(f for _o, f in rows.values())))
                model._default_manager.bulk_update([o for o, _f in rows.values()], names, batch_size=500)
        # An invoice's lines date from the invoice, a payment's allocations from the payment.
        InvoiceLine.objects.filter(organization_id=self.org.pk).update(
            created_at=Subquery(Invoice.objects.filter(pk=OuterRef("invoice_id")).values("created_at")[:1])
        )
        PaymentAllocation.objects.filter(organization_id=self.org.pk).update(
            created_at=Subquery(Payment.objects.filter(pk=OuterRef("payment_id")).values("created_at")[:1])
        )
        # Each audit event happened when the service call that recorded it did: its real time falls in the
        # span of one block of calls (blocks follow each other), which says when the plan has it happen.
        if not self.windows:
            return
        ends = [end for _start, end, _moment in self.windows]
        events = AuditEvent.objects.filter(
            organization_id=self.org.pk, created_at__gte=self.windows[0][0], created_at__lte=ends[-1]
        ).only("pk", "created_at")
        moved = []
        for event in events:
            n = bisect.bisect_left(ends, event.created_at)
            if n < len(self.windows) and self.windows[n][0] <= event.created_at:
                event.created_at = self.windows[n][2]
                moved.append(event)
        AuditEvent.objects.bulk_update(moved, ["created_at"], batch_size=1000)
