"""Contracts, amendments and renewals: what the services accept, refuse and record."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyaccount.billing import calc
from keyaccount.billing.models import Amendment, Contract, Renewal
from keyaccount.billing.services import contracts as services
from keyaccount.billing.tests.factories import ContractFactory
from keyaccount.core.models import AuditEvent
from keyaccount.core.services import ConflictError
from keyaccount.work.models import Service

d = datetime.date
TODAY = d(2026, 3, 1)


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.error_dict)


def new_contract(actor, account, **overrides):
    fields = {
        "number": "C-100",
        "start_date": d(2026, 1, 1),
        "end_date": d(2026, 12, 31),
        "value": Decimal("100000.00"),
        "currency": "RUB",
    }
    fields.update(overrides)
    return services.contract_create(actor=actor, account=account, **fields)


# --- contracts --------------------------------------------------------------------------------------


def test_it_creates_a_draft_with_the_organizations_payment_terms(alice, acme):
    contract = new_contract(alice, acme, billing_model="retainer", auto_renew=True, notice_days=45)

    assert contract.status == "draft"
    assert contract.payment_terms_days == 10
    assert contract.organization_id == acme.organization_id
    assert AuditEvent.objects.filter(object_type="billing.contract", action="create").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"value": Decimal("0")}, "value"),
        ({"value": Decimal("-5.00")}, "value"),
        ({"value": Decimal("100.50"), "currency": "JPY"}, "value"),
        ({"end_date": d(2025, 12, 31)}, "end_date"),
        ({"number": "  "}, "number"),
    ],
)
def test_it_refuses_bad_terms_naming_the_field(alice, acme, overrides, field):
    with pytest.raises(ValidationError) as e:
        new_contract(alice, acme, **overrides)

    assert field in errors_of(e)
    assert not Contract.objects.exists()


def test_it_refuses_a_number_already_used_in_the_organization(alice, acme):
    new_contract(alice, acme, number="C-7")

    with pytest.raises(ValidationError) as e:
        new_contract(alice, acme, number="c-7")

    assert errors_of(e) == {"number"}


def test_it_refuses_a_service_of_another_organization(alice, acme, other_org):
    foreign = Service.objects.create(organization=other_org, name="SEO")

    with pytest.raises(ValidationError) as e:
        new_contract(alice, acme, services=[foreign])

    assert errors_of(e) == {"services"}


def test_only_the_account_side_writes_contracts(bob, sam, sally, acme):
    for person in (bob, sam, sally):
        with pytest.raises(PermissionDenied):
            new_contract(person, acme)
    assert not Contract.objects.exists()


def test_a_contract_signed_from_two_pages_at_once_is_signed_once(alice, acme):
    contract = new_contract(alice, acme)
    first, second = Contract.objects.get(pk=contract.pk), Contract.objects.get(pk=contract.pk)
    services.contract_sign(actor=alice, contract=first, signed_on=d(2025, 12, 20), signed_by="Ivan", today=TODAY)

    with pytest.raises(ConflictError):
        services.contract_sign(actor=alice, contract=second, signed_on=d(2025, 12, 21), signed_by="Olga", today=TODAY)

    contract.refresh_from_db()
    assert (contract.signed_on, contract.signed_by) == (d(2025, 12, 20), "Ivan")
    assert AuditEvent.objects.filter(object_id=str(contract.pk), changes__has_key="signed_on").count() == 1


def test_a_draft_changes_freely_but_a_signed_contract_keeps_its_terms(alice, acme):
    contract = new_contract(alice, acme)
    services.contract_update(actor=alice, contract=contract, data={"value": Decimal("110000.00")})
    assert contract.value == Decimal("110000.00")

    services.contract_sign(actor=alice, contract=contract, signed_on=d(2025, 12, 20), today=TODAY)
    with pytest.raises(ValidationError) as e:
        services.contract_update(
            actor=alice, contract=contract, data={"value": Decimal("120000.00"), "end_date": d(2027, 1, 31)}
        )
    assert errors_of(e) == {"value", "end_date"}

    services.contract_update(
        actor=alice, contract=contract, data={"title": "SEO retainer", "value": Decimal("110000.00")}
    )
    contract.refresh_from_db()
    assert (contract.title, contract.value) == ("SEO retainer", Decimal("110000.00"))


def test_signing_makes_it_active_once_started_and_signed_before(alice, acme):
    started = new_contract(alice, acme, number="C-1", start_date=d(2026, 2, 1))
    later = new_contract(alice, acme, number="C-2", start_date=d(2026, 4, 1))

    services.contract_sign(actor=alice, contract=started, signed_on=d(2026, 1, 20), signed_by="Ivan", today=TODAY)
    services.contract_sign(actor=alice, contract=later, signed_on=d(2026, 2, 20), today=TODAY)

    assert (started.status, started.signed_by) == ("active", "Ivan")
    assert later.status == "signed"
    with pytest.raises(ValidationError) as e:
        services.contract_sign(actor=alice, contract=started, signed_on=d(2026, 1, 20), today=TODAY)
    assert errors_of(e) == {"status"}


def test_it_refuses_a_signature_dated_in_the_future(alice, acme):
    contract = new_contract(alice, acme)

    with pytest.raises(ValidationError) as e:
        services.contract_sign(actor=alice, contract=contract, signed_on=d(2026, 3, 2), today=TODAY)

    assert errors_of(e) == {"signed_on"}
    assert Contract.objects.get().status == "draft"


def test_terminating_needs_a_reason_and_a_day_within_the_term(alice, acme):
    contract = ContractFactory(account=acme, signed_on=d(2025, 12, 1))

    with pytest.raises(ValidationError) as e:
        services.contract_terminate(actor=alice, contract=contract, terminated_on=d(2026, 6, 30), reason=" ")
    assert errors_of(e) == {"reason"}
    with pytest.raises(ValidationError) as e:
        services.contract_terminate(actor=alice, contract=contract, terminated_on=d(2027, 1, 31), reason="Closing")
    assert errors_of(e) == {"terminated_on"}

    services.contract_terminate(
        actor=alice, contract=contract, terminated_on=d(2026, 2, 15), reason="Closing", today=TODAY
    )
    assert (contract.status, contract.terminated_on) == ("terminated", d(2026, 2, 15))


def test_a_termination_ahead_keeps_the_contract_active_until_then(alice, acme):
    contract = ContractFactory(account=acme)

    services.contract_terminate(
        actor=alice, contract=contract, terminated_on=d(2026, 6, 30), reason="Budget cut", today=TODAY
    )

    assert contract.status == "active"
    assert calc.mrr_on(contract, d(2026, 6, 30)) == Decimal("100000.00")
    assert calc.mrr_on(contract, d(2026, 7, 1)) == 0


def test_notice_is_given_once(alice, acme):
    contract = ContractFactory(account=acme, auto_renew=True)

    services.contract_give_notice(actor=alice, contract=contract, given_on=d(2026, 10, 1))
    with pytest.raises(ValidationError) as e:
        services.contract_give_notice(actor=alice, contract=contract, given_on=d(2026, 10, 2))

    assert errors_of(e) == {"given_on"}
    assert Contract.objects.get().notice_given_on == d(2026, 10, 1)


def test_only_a_draft_is_deleted(alice, acme):
    signed = ContractFactory(account=acme)
    draft = new_contract(alice, acme)

    with pytest.raises(ValidationError) as e:
        services.contract_delete(actor=alice, contract=signed)
    assert errors_of(e) == {"status"}
    services.contract_delete(actor=alice, contract=draft)

    assert list(Contract.objects.all()) == [signed]


# --- amendments -------------------------------------------------------------------------------------


def test_an_amendment_records_what_it_changes_and_moves_the_end(alice, acme):
    contract = ContractFactory(account=acme)

    first = services.amendment_create(
        actor=alice, contract=contract, effective_date=d(2026, 4, 1), new_value=Decimal("120000.00"), number="A-1"
    )
    second = services.amendment_create(
        actor=alice, contract=contract, effective_date=d(2026, 7, 1), new_end_date=d(2027, 6, 30)
    )

    contract.refresh_from_db()
    assert (first.previous_value, first.previous_end_date) == (Decimal("100000.00"), d(2026, 12, 31))
    assert (second.previous_value, second.new_value) == (Decimal("120000.00"), None)
    assert contract.end_date == d(2027, 6, 30)
    assert calc.value_history(contract) == [
        (d(2026, 1, 1), Decimal("100000.00")),
        (d(2026, 4, 1), Decimal("120000.00")),
    ]
    assert calc.value_on(contract, d(2026, 3, 31)) == Decimal("100000.00")
    assert calc.value_on(contract, d(2026, 4, 1)) == Decimal("120000.00")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"effective_date": d(2026, 5, 1)}, "new_value"),  # nothing changes
        ({"effective_date": d(2026, 5, 1), "new_value": Decimal("100000.00")}, "new_value"),  # the same value
        ({"effective_date": d(2025, 12, 1), "new_value": Decimal("1.00")}, "effective_date"),
        ({"effective_date": d(2027, 1, 1), "new_value": Decimal("1.00")}, "effective_date"),
        ({"effective_date": d(2026, 5, 1), "new_end_date": d(2026, 4, 30)}, "new_end_date"),
        ({"effective_date": d(2026, 5, 1), "new_value": Decimal("-1.00")}, "new_value"),
        ({"effective_date": d(2026, 5, 1), "new_value": Decimal("0.001")}, "new_value"),
    ],
)
def test_it_refuses_a_bad_amendment_naming_the_field(alice, acme, kwargs, field):
    contract = ContractFactory(account=acme)

    with pytest.raises(ValidationError) as e:
        services.amendment_create(actor=alice, contract=contract, **kwargs)

    assert field in errors_of(e)
    assert not Amendment.objects.exists()
    assert Contract.objects.get().end_date == d(2026, 12, 31)


def test_a_draft_or_ended_contract_is_not_amended(alice, acme):
    for status in ("draft", "expired", "terminated"):
        contract = ContractFactory(account=acme, status=status)
        with pytest.raises(ValidationError) as e:
            services.amendment_create(
                actor=alice, contract=contract, effective_date=d(2026, 5, 1), new_value=Decimal("1.00")
            )
        assert errors_of(e) == {"contract"}


def test_an_amendment_cannot_go_before_a_later_one(alice, acme):
    contract = ContractFactory(account=acme)
    services.amendment_create(actor=alice, contract=contract, effective_date=d(2026, 6, 1), new_value=Decimal("2.00"))

    with pytest.raises(ValidationError) as e:
        services.amendment_create(
            actor=alice, contract=contract, effective_date=d(2026, 5, 1), new_value=Decimal("3.00")
        )

    assert errors_of(e) == {"effective_date"}


def test_withdrawing_the_latest_amendment_restores_the_end_date(alice, acme):
    contract = ContractFactory(account=acme)
    first = services.amendment_create(
        actor=alice, contract=contract, effective_date=d(2026, 4, 1), new_value=Decimal("2.00")
    )
    latest = services.amendment_create(
        actor=alice, contract=contract, effective_date=d(2026, 5, 1), new_end_date=d(2027, 3, 31)
    )

    with pytest.raises(ValidationError) as e:
        services.amendment_delete(actor=alice, amendment=first)
    assert errors_of(e) == {"effective_date"}
    services.amendment_delete(actor=alice, amendment=latest)

    assert Contract.objects.get().end_date == d(2026, 12, 31)
    assert list(Amendment.objects.all()) == [first]


def test_a_renewal_term_is_not_withdrawn_as_an_amendment(alice, acme):
    contract = ContractFactory(account=acme)
    renewal = services.renewal_record(
        actor=alice, contract=contract, outcome="renewed", new_end_date=d(2027, 12, 31), decided_on=d(2026, 11, 1)
    )

    with pytest.raises(ValidationError) as e:
        services.amendment_delete(actor=alice, amendment=renewal.amendment)

    assert errors_of(e) == {"kind"}


# --- renewals ---------------------------------------------------------------------------------------


def test_an_expansion_starts_a_new_term_the_day_after_the_end(alice, acme):
    contract = ContractFactory(account=acme)
    services.amendment_create(
        actor=alice, contract=contract, effective_date=d(2026, 7, 1), new_value=Decimal("110000.00")
    )

    renewal = services.renewal_record(
        actor=alice,
        contract=contract,
        outcome="expanded",
        new_value=Decimal("130000.00"),
        new_end_date=d(2027, 12, 31),
        decided_on=d(2026, 11, 15),
        note="Added SMM",
    )

    contract.refresh_from_db()
    term = renewal.amendment
    assert (renewal.term_end, renewal.new_value, renewal.decided_by) == (d(2026, 12, 31), Decimal("130000.00"), alice)
    assert (term.kind, term.effective_date, term.previous_value) == ("renewal", d(2027, 1, 1), Decimal("110000.00"))
    assert contract.end_date == d(2027, 12, 31)
    assert calc.value_on(contract, d(2026, 12, 31)) == Decimal("110000.00")
    assert calc.value_on(contract, d(2027, 1, 1)) == Decimal("130000.00")


def test_renewed_keeps_the_value_when_none_is_given(alice, acme):
    contract = ContractFactory(account=acme)

    renewal = services.renewal_record(
        actor=alice, contract=contract, outcome="renewed", new_end_date=d(2027, 12, 31), decided_on=d(2026, 12, 1)
    )

    assert renewal.new_value == Decimal("100000.00")


@pytest.mark.parametrize(
    ("outcome", "new_value"),
    [("expanded", "100000.00"), ("expanded", "90000.00"), ("contracted", "100000.00"), ("renewed", "100000.01")],
)
def test_the_new_value_must_match_the_outcome(alice, acme, outcome, new_value):
    contract = ContractFactory(account=acme)

    with pytest.raises(ValidationError) as e:
        services.renewal_record(
            actor=alice,
            contract=contract,
            outcome=outcome,
            new_value=Decimal(new_value),
            new_end_date=d(2027, 12, 31),
            decided_on=d(2026, 12, 1),
        )

    assert errors_of(e) == {"new_value"}
    assert not Renewal.objects.exists()
    assert not Amendment.objects.exists()


def test_a_renewal_needs_a_new_end_after_the_current_one(alice, acme):
    contract = ContractFactory(account=acme)

    for new_end in (None, d(2026, 12, 31)):
        with pytest.raises(ValidationError) as e:
            services.renewal_record(
                actor=alice, contract=contract, outcome="renewed", new_end_date=new_end, decided_on=d(2026, 12, 1)
            )
        assert errors_of(e) == {"new_end_date"}


def test_a_term_has_one_outcome(alice, acme):
    contract = ContractFactory(account=acme)
    services.renewal_record(actor=alice, contract=contract, outcome="churned", decided_on=d(2026, 11, 1))

    with pytest.raises(ValidationError) as e:
        services.renewal_record(
            actor=alice, contract=contract, outcome="renewed", new_end_date=d(2027, 12, 31), decided_on=d(2026, 11, 2)
        )

    assert errors_of(e) == {"contract"}
    assert Renewal.objects.count() == 1


def test_churn_stops_auto_renewal_and_keeps_the_end(alice, acme):
    contract = ContractFactory(account=acme, auto_renew=True)

    renewal = services.renewal_record(actor=alice, contract=contract, outcome="churned", decided_on=d(2026, 11, 1))

    contract.refresh_from_db()
    assert renewal.amendment is None
    assert (contract.end_date, contract.notice_given_on) == (d(2026, 12, 31), d(2026, 11, 1))


def test_bob_cannot_record_the_outcome_of_acmes_contract(bob, acme):
    contract = ContractFactory(account=acme)

    with pytest.raises(PermissionDenied):
        services.renewal_record(actor=bob, contract=contract, outcome="churned", decided_on=d(2026, 11, 1))
