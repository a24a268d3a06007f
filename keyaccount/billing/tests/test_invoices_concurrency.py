"""Invoices written at the same moment (PostgreSQL): automatic numbers never clash, and a retainer is
never invoiced twice for one month."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keyaccount.billing.models import Invoice
from keyaccount.billing.services.invoices import invoice_create, invoice_generate_from_contract
from keyaccount.billing.tests.factories import ContractFactory
from keyaccount.core.tests.concurrency import POSTGRES_ONLY, at_the_same_moment

pytestmark = POSTGRES_ONLY
d = datetime.date


@pytest.mark.django_db(transaction=True)
def test_two_drafts_at_the_same_moment_get_consecutive_numbers(alice, ann, acme):
    def draft(actor) -> Callable[[], str]:
        def call() -> str:
            line = {"description": "SEO", "quantity": Decimal("1"), "unit_price": Decimal("10.00"), "tax_rate": 0}
            return invoice_create(actor=actor, account=acme, issue_date=d(2026, 3, 1), lines=[line]).number

        return call

    assert sorted(at_the_same_moment(draft(alice), draft(ann), draft(alice))) == ["2026-001", "2026-002", "2026-003"]


@pytest.mark.django_db(transaction=True)
def test_a_retainer_generated_twice_at_the_same_moment_is_invoiced_once(alice, ann, acme):
    contract = ContractFactory(account=acme)

    def generate(actor) -> Callable[[], str]:
        def call() -> str:
            try:
                invoice_generate_from_contract(actor=actor, contract=contract, period_start=d(2026, 3, 1))
                return "made"
            except ValidationError as e:
                assert list(e.message_dict) == ["period_start"]
                return "refused"

        return call

    assert sorted(at_the_same_moment(generate(alice), generate(ann))) == ["made", "refused"]
    assert Invoice.objects.filter(contract=contract).count() == 1
