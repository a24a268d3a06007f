"""Writes the demo's money plan with one bulk insert per model, as the account managers who keep it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from keyaccount.billing import calc
from keyaccount.billing.models import (
    Act,
    Amendment,
    Contract,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    Renewal,
)
from keyaccount.core.audit import snapshot
from keyaccount.core.models import AuditAction, AuditEvent
from keyaccount.demo.money.plan import MoneyPlan

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.demo.plan import AccountPlan
    from keyaccount.tenancy.models import Organization, User


# --- writing ----------------------------------------------------------------------------------------


class MoneyWriter:
    """Writes the money plan with one bulk insert per model, as the account managers who keep it."""

    def __init__(
        self,
        organization: Organization,
        users: dict[str, User],
        accounts: dict[int, Account],
        plans: list[AccountPlan],
        money: MoneyPlan,
    ) -> None:
        self.org = organization
        self.users = users
        self.accounts = accounts
        self.plans = {p.index: p for p in plans}
        self.money = money
        self.zone = timezone.get_current_timezone()

    def am(self, account_index: int) -> User:
        return self.users[f"am{self.plans[account_index].am}"]

    def write(self) -> dict[str, int]:
        org = self.org.pk
        contracts = {}
        for c in self.money.contracts:
            contracts[id(c)] = Contract(
                organization_id=org,
                account=self.accounts[c.account],
                number=c.number,
                title=c.title,
                billing_model=c.model,
                start_date=c.start,
                end_date=c.end,
                value=c.value,
                currency=c.currency,
                tax_rate=c.tax_rate,
                payment_terms_days=c.terms,
                auto_renew=c.auto_renew,
                notice_days=c.notice,
                status=c.status,
                signed_on=c.signed_on,
                signed_by=c.signed_by[:200],
                notice_given_on=c.notice_given_on,
                created_by=self.am(c.account),
            )
        Contract.objects.bulk_create(contracts.values(), batch_size=500)

        amendments = {}
        for c in self.money.contracts:
            for a in c.amendments:
                amendments[id(a)] = Amendment(
                    organization_id=org,
                    contract=contracts[id(c)],
                    kind=a.kind,
                    number=a.number,
                    signed_on=a.effective - datetime.timedelta(days=7),
                    effective_date=a.effective,
                    new_value=a.new_value,
                    new_end_date=a.new_end,
                    scope_change=a.scope,
                    previous_value=a.previous_value,
                    previous_end_date=a.previous_end,
                    created_by=self.am(c.account),
                )
        Amendment.objects.bulk_create(amendments.values(), batch_size=500)
        by_renewal = {id(a.renewal): amendments[id(a)] for c in self.money.contracts for a in c.amendments if a.renewal}
        renewals = [
            Renewal(
                organization_id=org,
                contract=contracts[id(c)],
                term_end=r.term_end,
                outcome=r.outcome,
                new_value=r.new_value,
                new_end_date=r.new_end,
                decided_on=r.decided_on,
                decided_by=None if r.automatic else self.am(c.account),
                automatic=r.automatic,
                amendment=by_renewal.get(id(r)),
            )
            for c in self.money.contracts
            for r in c.renewals
        ]
        Renewal.objects.bulk_create(renewals, batch_size=500)

        invoices = {}
        for i in self.money.invoices:
            if i.draft:
                status = InvoiceStatus.DRAFT
            elif i.paid == i.total:
                status = InvoiceStatus.PAID
            elif i.paid:
                status = InvoiceStatus.PARTIALLY_PAID
            else:
                status = InvoiceStatus.ISSUED
            invoices[id(i)] = Invoice(
                organization_id=org,
                account=self.accounts[i.account],
                contract=contracts[id(i.contract)],
                number=i.number,
                issue_date=i.issue,
                due_date=i.due,
                currency=i.contract.currency,
                period_start=i.period[0] if i.period else None,
                period_end=i.period[1] if i.period else None,
                status=status,
                subtotal=i.subtotal,
                tax_total=i.tax_total,
                total=i.total,
                paid_amount=i.paid,
                paid_on=i.paid_on if status == InvoiceStatus.PAID else None,
                issued_at=None if i.draft else self.at(i.issue),
                created_by=self.am(i.account),
            )
        Invoice.objects.bulk_create(invoices.values(), batch_size=500)
        lines = []
        for i in self.money.invoices:
            for position, li in enumerate(i.lines):
                amounts = calc.line_amounts(li.quantity, li.unit_price, li.tax_rate, i.contract.currency)
                lines.append(
                    InvoiceLine(
                        organization_id=org,
                        invoice=invoices[id(i)],
                        position=position,
                        description=li.description,
                        quantity=li.quantity,
                        unit_price=li.unit_price,
                        tax_rate=li.tax_rate,
                        net=amounts.net,
                        tax=amounts.tax,
                        total=amounts.total,
                    )
                )
        InvoiceLine.objects.bulk_create(lines, batch_size=1000)

        payments = {}
        for p in self.money.payments:
            plan = self.plans[p.account]
            recorder = self.users.get(f"assistant{plan.assistant}") if plan.assistant else None
            payments[id(p)] = Payment(
                organization_id=org,
                account=self.accounts[p.account],
                date=p.date,
                amount=p.allocated + p.extra,
                currency=p.currency,
                reference=p.reference,
                allocated_amount=p.allocated,
                recorded_by=recorder or self.am(p.account),
            )
        Payment.objects.bulk_create(payments.values(), batch_size=500)
        allocations = [
            PaymentAllocation(organization_id=org, payment=payments[id(p)], invoice=invoices[id(i)], amount=amount)
            for p in self.money.payments
            for i, amount in p.allocations
        ]
        PaymentAllocation.objects.bulk_create(allocations, batch_size=1000)

        acts = [
            Act(
                organization_id=org,
                account=self.accounts[a.account],
                contract=contracts[id(a.contract)],
                number=a.number,
                period_start=a.period[0],
                period_end=a.period[1],
                amount=a.amount,
                currency=a.currency,
                sent_on=a.sent_on,
                signed_on=a.signed_on,
            )
            for a in self.money.acts
        ]
        Act.objects.bulk_create(acts, batch_size=1000)
        self.audit(contracts.values(), ["number", "billing_model", "start_date", "end_date", "value", "currency"])
        self.audit(invoices.values(), ["number", "issue_date", "due_date", "total", "currency", "status"])
        self.audit(payments.values(), ["date", "amount", "currency", "reference"], actor_field="recorded_by")
        return {
            "contracts": len(contracts),
            "invoices": len(invoices),
            "payments": len(payments),
            "acts": len(acts),
            "renewals": len(renewals),
        }

    def audit(self, rows: Iterable[Any], fields: list[str], actor_field: str = "created_by") -> None:
        """The creation of each row in the audit trail, as the services would have recorded it."""
        AuditEvent.objects.bulk_create(
            (
                AuditEvent(
                    organization_id=self.org.pk,
                    actor_id=getattr(row, f"{actor_field}_id"),
                    action=AuditAction.CREATE,
                    object_type=row._meta.label_lower,
                    object_id=str(row.pk),
                    object_repr=str(row)[:255],
                    account_id=row.account_id,
                    changes={k: [None, v] for k, v in snapshot(row, fields).items()},
                )
                for row in rows
            ),
            batch_size=1000,
        )

    def at(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(11), self.zone)
