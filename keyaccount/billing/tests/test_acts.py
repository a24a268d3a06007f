"""Closing documents (acts): recording, the rules on dates and amounts, sending and signing, and the
daily flag of acts left unsigned too long."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.billing.models import Act
from keyaccount.billing.selectors import acts_to_chase, settings_of
from keyaccount.billing.services import collection as services
from keyaccount.billing.tests.factories import ContractFactory
from keyaccount.core.models import AuditEvent
from keyaccount.notifications.models import Notification

D = datetime.date


@pytest.fixture
def contract(acme):
    return ContractFactory(account=acme, number="C-1", currency="RUB")


def _act(actor, account, **kwargs):
    fields = {
        "number": "ACT-1",
        "period_start": D(2026, 1, 1),
        "period_end": D(2026, 1, 31),
        "amount": Decimal("100000.00"),
    }
    fields.update(kwargs)
    return services.act_create(actor=actor, account=account, **fields)


def test_an_account_manager_records_an_act_in_the_contracts_currency(alice, acme, contract):
    act = _act(alice, acme, contract=contract, sent_on=D(2026, 2, 2))

    assert (act.currency, act.amount, act.sent_on) == ("RUB", Decimal("100000.00"), D(2026, 2, 2))
    assert AuditEvent.objects.filter(object_type="billing.act", object_id=str(act.pk), action="create").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": Decimal("0.00")}, "amount"),
        ({"amount": Decimal("-5.00")}, "amount"),
        ({"amount": Decimal("10.005")}, "amount"),
        ({"currency": "USD"}, "currency"),
        ({"period_end": D(2025, 12, 31)}, "period_end"),
        ({"sent_on": D(2025, 12, 1)}, "sent_on"),
        ({"sent_on": D(2999, 1, 1)}, "sent_on"),
    ],
)
def test_it_refuses_a_bad_act_naming_the_field_and_writes_nothing(alice, acme, contract, fields, field):
    with pytest.raises(ValidationError) as e:
        _act(alice, acme, contract=contract, **fields)

    assert field in e.value.message_dict
    assert not Act.objects.exists()


def test_it_refuses_a_number_already_used_in_the_organization(alice, acme, bob, globex):
    _act(alice, acme, number="ACT-7")

    with pytest.raises(ValidationError) as e:
        _act(bob, globex, number="ACT-7")

    assert "number" in e.value.message_dict


def test_it_refuses_a_contract_of_another_account(alice, acme, globex):
    other = ContractFactory(account=globex, number="C-G")

    with pytest.raises(ValidationError) as e:
        _act(alice, acme, contract=other)

    assert "contract" in e.value.message_dict


def test_it_refuses_people_without_the_right_on_the_account(acme, bob, sam, sally):
    for person in (bob, sam, sally):
        with pytest.raises(PermissionDenied):
            _act(person, acme)
    assert not Act.objects.exists()


def test_an_act_is_signed_after_it_was_sent_and_then_no_longer_changes(alice, acme):
    act = _act(alice, acme, sent_on=D(2026, 2, 2))

    with pytest.raises(ValidationError) as e:
        services.act_mark_signed(actor=alice, act=act, signed_on=D(2026, 2, 1))
    assert "signed_on" in e.value.message_dict

    act = Act.objects.get(pk=act.pk)
    services.act_mark_signed(actor=alice, act=act, signed_on=D(2026, 2, 9))
    act = Act.objects.get(pk=act.pk)
    assert act.signed_on == D(2026, 2, 9)

    for change in (
        lambda: services.act_update(actor=alice, act=act, data={"note": "x"}),
        lambda: services.act_mark_sent(actor=alice, act=act, sent_on=D(2026, 2, 3)),
        lambda: services.act_delete(actor=alice, act=act),
    ):
        with pytest.raises(ValidationError):
            change()
    assert Act.objects.get(pk=act.pk).note == ""


def test_an_act_signed_without_being_sent_counts_as_handed_over_that_day(alice, acme):
    act = _act(alice, acme)

    services.act_mark_signed(actor=alice, act=act, signed_on=D(2026, 2, 5))

    act.refresh_from_db()
    assert (act.sent_on, act.signed_on) == (D(2026, 2, 5), D(2026, 2, 5))


def test_an_unsigned_act_is_corrected_and_a_stale_edit_is_refused(alice, acme):
    from keyaccount.core.services import ConflictError

    act = _act(alice, acme)
    services.act_update(actor=alice, act=act, data={"amount": Decimal("90000.00")}, expected_version=1)

    stale = Act.objects.get(pk=act.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        services.act_update(actor=alice, act=stale, data={"amount": Decimal("80000.00")}, expected_version=1)
    assert Act.objects.get(pk=act.pk).amount == Decimal("90000.00")
    change = AuditEvent.objects.get(object_type="billing.act", action="update")
    assert change.changes == {"amount": ["100000.00", "90000.00"]}


def test_an_unsigned_act_can_be_deleted(alice, acme):
    act = _act(alice, acme)

    services.act_delete(actor=alice, act=act)

    assert not Act.objects.exists()


# --- chasing ----------------------------------------------------------------------------------------


def test_an_act_unsigned_past_the_chase_days_is_flagged_to_its_manager_once(alice, acme, org):
    settings = settings_of(org)
    settings.act_chase_days = 14
    settings.save()
    late = _act(alice, acme, number="LATE", sent_on=D(2026, 2, 1))
    _act(alice, acme, number="FRESH", sent_on=D(2026, 2, 10))
    _act(alice, acme, number="UNSENT")

    # 15.02 − 01.02 = 14 days: LATE is due; FRESH (5 days) is not.
    assert services.run_act_chasing(D(2026, 2, 15)) == 1
    assert services.run_act_chasing(D(2026, 2, 15)) == 0
    assert services.run_act_chasing(D(2026, 2, 16)) == 0

    notes = Notification.objects.filter(kind="act_unsigned")
    assert [(n.recipient, n.subject_id) for n in notes] == [(alice, str(late.pk))]
    assert "LATE" in notes[0].title and "14 days ago" in notes[0].body
    assert Act.objects.get(pk=late.pk).chased_at is not None
    # FRESH reaches 14 days on 24.02 and is flagged then, once.
    assert services.run_act_chasing(D(2026, 2, 24)) == 1
    assert Notification.objects.filter(kind="act_unsigned").count() == 2


def test_sending_an_act_again_restarts_its_chasing(alice, acme):
    act = _act(alice, acme, sent_on=D(2026, 2, 1))
    services.run_act_chasing(D(2026, 3, 1))

    services.act_mark_sent(actor=alice, act=Act.objects.get(pk=act.pk), sent_on=D(2026, 3, 2))

    assert Act.objects.get(pk=act.pk).chased_at is None
    assert services.run_act_chasing(D(2026, 3, 5)) == 0
    assert services.run_act_chasing(D(2026, 3, 16)) == 1


def test_a_signed_act_is_never_chased(alice, acme):
    act = _act(alice, acme, sent_on=D(2026, 2, 1))
    services.act_mark_signed(actor=alice, act=act, signed_on=D(2026, 2, 3))

    assert services.run_act_chasing(D(2026, 5, 1)) == 0


def test_the_acts_to_chase_are_what_the_person_sees(alice, bob, acme, globex, org):
    _act(alice, acme, number="A", sent_on=D(2026, 2, 1))
    _act(bob, globex, number="G", sent_on=D(2026, 2, 1))

    assert [a.number for a in acts_to_chase(alice, D(2026, 3, 1))] == ["A"]
    assert [a.number for a in acts_to_chase(bob, D(2026, 2, 5))] == []


# --- API --------------------------------------------------------------------------------------------


def test_the_api_records_an_act_with_decimal_strings(api, alice, acme, contract):
    api.force_authenticate(alice)

    response = api.post(
        "/api/v1/acts/",
        {
            "account": acme.pk,
            "contract": contract.pk,
            "number": "ACT-9",
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
            "amount": "1234.50",
        },
    )

    assert response.status_code == 201, response.data
    assert response.data["amount"] == "1234.50"
    assert response.data["currency"] == "RUB"
    assert response.data["needs_chasing"] is False


def test_the_api_refuses_a_float_precision_amount_and_a_period_out_of_order(api, alice, acme):
    api.force_authenticate(alice)
    base = {"account": acme.pk, "period_start": "2026-01-01", "period_end": "2026-01-31", "amount": "10.00"}

    assert "amount" in api.post("/api/v1/acts/", {**base, "amount": "10.123"}).data
    assert "amount" in api.post("/api/v1/acts/", {**base, "amount": "0"}).data
    assert "period_end" in api.post("/api/v1/acts/", {**base, "period_end": "2025-01-01"}).data
    assert not Act.objects.exists()


def test_the_api_sends_and_signs_and_lists_the_acts_to_chase(api, alice, acme):
    api.force_authenticate(alice)
    act = _act(alice, acme, number="X")
    other = _act(alice, acme, number="Y")

    sent = api.post(f"/api/v1/acts/{act.pk}/send/", {"sent_on": "2026-02-01"})
    assert sent.status_code == 200 and sent.data["sent_on"] == "2026-02-01"
    assert sent.data["needs_chasing"] is True  # sent long before today, not signed

    chasing = api.get("/api/v1/acts/", {"needs_chasing": "true"})
    assert [row["number"] for row in chasing.data["results"]] == ["X"]

    early = api.post(f"/api/v1/acts/{act.pk}/sign/", {"signed_on": "2026-01-31"})
    assert early.status_code == 400 and "signed_on" in early.data
    signed = api.post(f"/api/v1/acts/{act.pk}/sign/", {"signed_on": "2026-02-05"})
    assert signed.status_code == 200 and signed.data["signed_on"] == "2026-02-05"
    assert api.get("/api/v1/acts/", {"needs_chasing": "true"}).data["results"] == []
    assert api.get("/api/v1/acts/", {"account": acme.pk, "state": "draft"}).data["results"][0]["id"] == other.pk


def test_an_act_list_runs_the_same_queries_for_2_and_20_acts(api, alice, acme, contract):
    api.force_authenticate(alice)
    api.get("/api/v1/acts/")

    def create(n):
        for _ in range(n):
            Act.objects.create(
                organization=acme.organization,
                account=acme,
                contract=contract,
                period_start=D(2026, 1, 1),
                period_end=D(2026, 1, 31),
                amount=Decimal("1.00"),
                sent_on=D(2026, 2, 1),
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/api/v1/acts/")
        return len(ctx.captured_queries), response.data["count"]

    create(2)
    few, rows = count()
    create(18)
    many, more_rows = count()
    assert (rows, more_rows) == (2, 20)
    assert many == few
