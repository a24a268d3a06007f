"""Collection: the organization's billing settings and the dunning schedule, which reminds the account
manager at each step of an overdue invoice exactly once and tells the heads at escalated steps."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from keyaccount.billing.models import BillingSettings, DunningRun
from keyaccount.billing.selectors import settings_of
from keyaccount.billing.services import collection as services
from keyaccount.billing.tests.factories import invoice_with_lines, paid
from keyaccount.core.services import ConflictError
from keyaccount.notifications.models import Notification
from keyaccount.work.models import Task

D = datetime.date


# --- settings ---------------------------------------------------------------------------------------


def test_a_head_changes_the_collection_steps_and_they_are_kept_in_order(carol, org):
    saved = services.billing_settings_update(
        actor=carol,
        data={"dunning_steps": [{"days": 10, "escalate": True}, {"days": 3}], "act_chase_days": 7},
        expected_version=1,
    )

    assert saved.dunning_steps == [{"days": 3, "escalate": False}, {"days": 10, "escalate": True}]
    assert settings_of(org).act_chase_days == 7
    assert settings_of(org).version == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"dunning_steps": [{"days": 7}, {"days": 7, "escalate": True}]}, "dunning_steps"),
        ({"dunning_steps": [{"days": 0}]}, "dunning_steps"),
        ({"dunning_steps": [{"days": 366}]}, "dunning_steps"),
        ({"dunning_steps": [{"days": 5, "escalate": "maybe"}]}, "dunning_steps"),
        ({"dunning_steps": [{"days": 5, "who": "boss"}]}, "dunning_steps"),
        ({"dunning_steps": "1,7,14"}, "dunning_steps"),
        ({"dunning_steps": [{"days": d} for d in range(1, 12)]}, "dunning_steps"),
        ({"act_chase_days": 0}, "act_chase_days"),
        ({"payment_terms_days": 400}, "payment_terms_days"),
        ({"currency": "USD"}, "currency"),
    ],
)
def test_it_refuses_bad_settings_naming_the_field(carol, org, data, field):
    with pytest.raises(ValidationError) as e:
        services.billing_settings_update(actor=carol, data=data)

    assert field in e.value.message_dict
    assert settings_of(org).version == 1


def test_only_heads_and_administrators_change_the_settings(alice, ann, carol, dave, org):
    for person in (alice, ann):
        with pytest.raises(PermissionDenied):
            services.billing_settings_update(actor=person, data={"act_chase_days": 3})
    services.billing_settings_update(actor=dave, data={"act_chase_days": 3})

    assert settings_of(org).act_chase_days == 3


def test_a_stale_settings_edit_is_refused(carol, org):
    services.billing_settings_update(actor=carol, data={"act_chase_days": 3}, expected_version=1)

    with pytest.raises(ConflictError):
        services.billing_settings_update(actor=carol, data={"act_chase_days": 5}, expected_version=1)
    assert settings_of(org).act_chase_days == 3


def test_the_settings_api_reads_for_money_people_and_writes_for_heads(api, alice, sam, carol, mallory, org):
    api.force_authenticate(alice)
    assert api.get("/api/v1/billing-settings/").data["dunning_steps"][0] == {"days": 1, "escalate": False}
    assert api.put("/api/v1/billing-settings/", {"act_chase_days": 3}).status_code == 403

    api.force_authenticate(sam)
    assert api.get("/api/v1/billing-settings/").status_code == 403

    api.force_authenticate(carol)
    body = {"payment_terms_days": 15, "act_chase_days": 10, "dunning_steps": [{"days": 5, "escalate": True}]}
    saved = api.put("/api/v1/billing-settings/", {**body, "version": 1})
    assert saved.status_code == 200, saved.data
    assert saved.data == {**body, "version": 2}
    duplicate = api.put("/api/v1/billing-settings/", {**body, "dunning_steps": [{"days": 5}, {"days": 5}]})
    assert duplicate.status_code == 400 and "dunning_steps" in duplicate.data
    assert api.patch("/api/v1/billing-settings/", {"act_chase_days": 0}).status_code == 400
    assert api.patch("/api/v1/billing-settings/", {"act_chase_days": 4, "version": 1}).status_code == 409

    # Another organization keeps its own defaults.
    api.force_authenticate(mallory)
    assert api.get("/api/v1/billing-settings/").data["payment_terms_days"] == 10
    assert BillingSettings.objects.get(organization=org).payment_terms_days == 15
    assert api.__class__().get("/api/v1/billing-settings/").status_code == 401


# --- dunning ----------------------------------------------------------------------------------------


@pytest.fixture
def late(acme):
    """Invoice 2026-031 of acme: 12 000.00, due 11.03.2026."""
    return invoice_with_lines(
        acme, [("1", "10000.00", "20")], number="2026-031", issue_date=D(2026, 3, 1), due_date=D(2026, 3, 11)
    )


def _steps(invoice):
    return list(DunningRun.objects.filter(invoice=invoice).values_list("days", "task__title"))


def test_each_step_reminds_the_account_manager_once_on_the_day_it_is_reached(late, alice, carol):
    assert services.run_dunning(D(2026, 3, 11))["reminders"] == 0  # due today: not overdue yet

    assert services.run_dunning(D(2026, 3, 12))["reminders"] == 1
    assert services.run_dunning(D(2026, 3, 12))["reminders"] == 0  # the same day again: nothing
    for day in range(13, 18):
        assert services.run_dunning(D(2026, 3, day))["reminders"] == 0
    assert services.run_dunning(D(2026, 3, 18))["reminders"] == 1  # 7 days overdue

    assert _steps(late) == [
        (1, "Remind Acme about invoice 2026-031, 1 day overdue"),
        (7, "Remind Acme about invoice 2026-031, 7 days overdue"),
    ]
    task = Task.objects.get(title__endswith="7 days overdue")
    assert (task.assignee, task.account_id, task.status) == (alice, late.account_id, "new")
    assert task.due_at.date() == D(2026, 3, 18)
    assert "12,000.00 RUB" in task.description
    notes = Notification.objects.filter(recipient=alice, kind="invoice_overdue")
    assert notes.count() == 2
    assert {n.url for n in notes} == {reverse("billing:invoice_detail", args=[late.pk])}
    assert not Notification.objects.filter(kind="invoice_escalated").exists()


def test_steps_missed_while_the_job_did_not_run_remind_once_and_escalate(late, alice, carol, dave):
    services.run_dunning(D(2026, 3, 12))

    # Not run from 13.03 to 14.04: on 15.04 the invoice is 35 days overdue; steps 7, 14 and 30 were reached.
    result = services.run_dunning(D(2026, 4, 15))

    assert result == {"reminders": 1, "escalations": 1, "heads_told": 1}
    assert _steps(late) == [
        (1, "Remind Acme about invoice 2026-031, 1 day overdue"),
        (7, None),
        (14, None),
        (30, "Remind Acme about invoice 2026-031, 35 days overdue"),
    ]
    escalated = Notification.objects.get(kind="invoice_escalated")
    assert escalated.recipient == carol  # every head, and only heads
    assert "Alice" in escalated.body
    assert Task.objects.get(title__endswith="35 days overdue").priority == "high"
    # Later runs add nothing: every step is done, and no step lies beyond 30.
    assert services.run_dunning(D(2026, 4, 16)) == {"reminders": 0, "escalations": 0, "heads_told": 0}
    assert services.run_dunning(D(2026, 12, 1))["reminders"] == 0
    assert Task.objects.count() == 2


def test_only_the_steps_reached_fire(late, alice):
    services.run_dunning(D(2026, 3, 25))  # 14 days overdue: 1, 7 and 14 are reached, 30 is not

    assert [days for days, _title in _steps(late)] == [1, 7, 14]
    assert Task.objects.get().title.endswith("14 days overdue")


def test_an_invoice_paid_in_the_meantime_gets_nothing(late, alice):
    services.run_dunning(D(2026, 3, 12))
    paid(late, "12000.00", D(2026, 3, 15))

    assert services.run_dunning(D(2026, 3, 18))["reminders"] == 0
    assert [days for days, _title in _steps(late)] == [1]


def test_a_partially_paid_invoice_is_still_chased(late, alice):
    paid(late, "2000.00", D(2026, 3, 5))

    services.run_dunning(D(2026, 3, 12))

    assert "10,000.00 RUB" in Task.objects.get().description


def test_drafts_and_void_invoices_are_never_chased(acme, alice):
    invoice_with_lines(acme, [("1", "5.00", "0")], number="D1", issue_date=D(2026, 1, 1), status="draft")
    invoice_with_lines(acme, [("1", "5.00", "0")], number="V1", issue_date=D(2026, 1, 1), status="void")

    assert services.run_dunning(D(2026, 6, 1))["reminders"] == 0
    assert not DunningRun.objects.exists()


def test_a_step_added_below_those_done_is_recorded_without_a_reminder(late, alice, carol):
    services.run_dunning(D(2026, 3, 18))  # steps 1 and 7 done, one reminder (7 days)
    services.billing_settings_update(
        actor=carol, data={"dunning_steps": [{"days": 1}, {"days": 3}, {"days": 7}, {"days": 14}]}
    )

    assert services.run_dunning(D(2026, 3, 19))["reminders"] == 0
    assert [days for days, _title in _steps(late)] == [1, 3, 7]
    assert services.run_dunning(D(2026, 3, 25))["reminders"] == 1


def test_a_step_another_worker_already_claimed_is_skipped(late):
    DunningRun.objects.create(organization=late.organization, invoice=late, days=1)

    assert services._claim_step(late, 1, False) is None
    assert DunningRun.objects.filter(invoice=late).count() == 1


def test_an_account_without_a_manager_gets_an_unassigned_task(late, acme):
    acme.owner = None
    acme.save()

    services.run_dunning(D(2026, 3, 12))

    assert Task.objects.get().assignee is None
    assert not Notification.objects.exists()


def test_each_organization_uses_its_own_steps(late, initech, carol):
    other = invoice_with_lines(
        initech, [("1", "100.00", "0")], number="2026-031", issue_date=D(2026, 3, 1), due_date=D(2026, 3, 11)
    )
    services.billing_settings_update(actor=carol, data={"dunning_steps": [{"days": 5}]})

    services.run_dunning(D(2026, 3, 13))  # 2 days overdue: initech (1, 7, 14, 30) at step 1; acme (5) nothing

    assert [days for days, _t in _steps(other)] == [1]
    assert _steps(late) == []
    assert Decimal(other.total) == Decimal("100.00")
