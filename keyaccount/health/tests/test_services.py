"""The health model, assessments and the recompute that stores scores and snapshots."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from keyaccount.accounts.models import AccountStatus
from keyaccount.comms.models import Interaction
from keyaccount.core.models import AuditEvent
from keyaccount.core.tests.factories import AccountFactory
from keyaccount.health import services
from keyaccount.health.base import Band, MeasureKey, MeasureValue
from keyaccount.health.measures import DEFAULTS
from keyaccount.health.models import (
    HealthMeasure,
    HealthModel,
    HealthRecompute,
    HealthScore,
    HealthSnapshot,
    ManualAssessment,
)
from keyaccount.health.signals import health_recomputed
from keyaccount.health.tests.queue import health_jobs, run_queued_jobs

from .conftest import TODAY


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    health_recomputed.connect(receiver)
    yield calls
    health_recomputed.disconnect(receiver)


def state(org) -> tuple:
    model = HealthModel.objects.get(organization=org)
    return (
        model.red_below,
        model.green_from,
        model.version,
        sorted(
            HealthMeasure.objects.filter(organization=org).values_list(
                "key", "weight", "enabled", "params", "alert_below"
            )
        ),
    )


# --- the model --------------------------------------------------------------------------------------


def test_the_model_starts_with_every_built_in_measure_at_its_default(org):
    model = services.model_for(org)
    services.model_for(org)

    assert (model.red_below, model.green_from) == (40, 70)
    rows = {m.key: m for m in HealthMeasure.objects.filter(organization=org)}
    assert set(rows) == set(MeasureKey.values)
    assert {k: rows[k].weight for k in rows} == {str(k): d.weight for k, d in DEFAULTS.items()}
    assert rows["decision_maker_engaged"].params == {"days": 30}


def test_a_head_changes_thresholds_and_weights_and_it_is_audited(org, carol, acme, fixed_values):
    services.model_for(org)

    services.update_model(
        actor=carol,
        red_below=30,
        green_from=60,
        measures=[
            {"key": "contact_recency", "weight": 40, "alert_below": 20},
            {"key": "sentiment_trend", "enabled": False},
            {"key": "decision_maker_engaged", "params": {"days": 45}},
        ],
        expected_version=1,
    )

    red, green, version, rows = state(org)
    assert (red, green, version) == (30, 60, 2)
    by_key = {r[0]: r for r in rows}
    assert by_key["contact_recency"][1:] == (40, True, {}, 20)
    assert by_key["sentiment_trend"][2] is False
    assert by_key["decision_maker_engaged"][3] == {"days": 45}
    event = AuditEvent.objects.get(object_type="health.healthmodel")
    assert event.changes["red_below"] == [40, 30]
    assert event.changes["measures.contact_recency.weight"] == [15, 40]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"measures": [{"key": k, "weight": 0} for k in MeasureKey.values]}, "measures"),
        ({"measures": [{"key": k, "enabled": False} for k in MeasureKey.values]}, "measures"),
        ({"red_below": 70, "green_from": 40}, "green_from"),
        ({"red_below": 50, "green_from": 50}, "green_from"),
        ({"red_below": -1}, "red_below"),
        ({"green_from": 101}, "green_from"),
        ({"measures": [{"key": "bogus", "weight": 5}]}, "measures.bogus"),
        ({"measures": [{"key": "contact_recency", "weight": -3}]}, "measures.contact_recency.weight"),
        ({"measures": [{"key": "contact_recency", "alert_below": 101}]}, "measures.contact_recency.alert_below"),
        (
            {"measures": [{"key": "decision_maker_engaged", "params": {"days": 0}}]},
            "measures.decision_maker_engaged.params",
        ),
        (
            {"measures": [{"key": "decision_maker_engaged", "params": {"colour": 3}}]},
            "measures.decision_maker_engaged.params",
        ),
    ],
)
def test_it_refuses_a_bad_model_naming_the_field_and_changes_nothing(org, carol, kwargs, field):
    services.model_for(org)
    before = state(org)
    # A valid change comes along with the bad one: it must not be written either.
    args = {"red_below": 35, "green_from": 65, "measures": [{"key": "satisfaction", "weight": 50}], **kwargs}

    with pytest.raises(ValidationError) as refused:
        services.update_model(actor=carol, **args)

    assert field in refused.value.message_dict
    assert state(org) == before
    assert not AuditEvent.objects.filter(object_type="health.healthmodel").exists()


def test_it_refuses_a_model_change_from_an_account_manager(org, alice):
    with pytest.raises(PermissionDenied):
        services.update_model(actor=alice, red_below=30, green_from=60, measures=[])


# --- assessments ---------------------------------------------------------------------------------------


def test_the_account_manager_records_an_assessment(alice, acme, today):
    assessment = services.record_assessment(
        actor=alice,
        account=acme,
        value=30,
        comment=" The sponsor is leaving ",
        expires_on=TODAY + datetime.timedelta(days=30),
    )

    assert (assessment.value, assessment.comment, assessment.author) == (30, "The sponsor is leaving", alice)
    assert AuditEvent.objects.filter(object_type="health.manualassessment", account=acme).count() == 1


@pytest.mark.parametrize(
    ("comment", "expires", "field"),
    [("", 30, "comment"), ("   ", 30, "comment"), ("Fine", 0, "expires_on"), ("Fine", -1, "expires_on")],
)
def test_it_refuses_an_assessment_without_a_reason_or_already_expired(alice, acme, today, comment, expires, field):
    with pytest.raises(ValidationError) as refused:
        services.record_assessment(
            actor=alice, account=acme, value=50, comment=comment, expires_on=TODAY + datetime.timedelta(days=expires)
        )

    assert field in refused.value.message_dict
    assert not ManualAssessment.objects.exists()


def test_it_refuses_a_value_outside_0_to_100(alice, acme, today):
    with pytest.raises(ValidationError) as refused:
        services.record_assessment(
            actor=alice, account=acme, value=101, comment="x", expires_on=TODAY + datetime.timedelta(days=1)
        )
    assert "value" in refused.value.message_dict


@pytest.mark.parametrize("person", ["bob", "sam", "sally", "clint", "mallory"])
def test_it_refuses_an_assessment_from_outside_the_account_team(request, acme, today, person):
    with pytest.raises(PermissionDenied):
        services.record_assessment(
            actor=request.getfixturevalue(person),
            account=acme,
            value=50,
            comment="x",
            expires_on=TODAY + datetime.timedelta(days=1),
        )
    assert not ManualAssessment.objects.exists()


# --- recompute ---------------------------------------------------------------------------------------


def test_recompute_stores_the_score_and_the_snapshot_and_tells_once(org, acme, globex, fixed_values, received, today):
    # acme: 40 × 15/40 + 100 × 15/40 + 70 × 10/40 = 15 + 37.5 + 17.5 = 70 → green.
    fixed_values.set(acme, contact_recency=40, overdue_receivables=100, satisfaction=70)

    services.recompute(org, [acme.pk])

    score = HealthScore.objects.get(account=acme)
    assert (score.on, score.score, score.band) == (TODAY, 70, Band.GREEN)
    recency = next(m for m in score.measures if m["key"] == "contact_recency")
    assert recency == {
        "key": "contact_recency",
        "value": 40,
        "weight": "0.3750",
        "contribution": "15.0000",
        "facts": {"hand_made": True},
    }
    snapshot = HealthSnapshot.objects.get(account=acme)
    assert (snapshot.on, snapshot.score, snapshot.band, snapshot.measures) == (TODAY, 70, Band.GREEN, score.measures)
    assert not HealthScore.objects.filter(account=globex).exists()
    assert len(received) == 1
    assert received[0]["account"] == acme and received[0]["previous"] is None
    assert received[0]["current"].score == 70 and received[0]["as_of"] == TODAY


def test_a_second_recompute_the_same_day_replaces_the_snapshot_and_passes_the_previous_score(
    org, acme, fixed_values, received, today
):
    fixed_values.set(acme, contact_recency=40, overdue_receivables=100, satisfaction=70)
    services.recompute(org, [acme.pk])
    fixed_values.set(acme, contact_recency=0, overdue_receivables=100, satisfaction=70)

    services.recompute(org, [acme.pk])

    assert HealthSnapshot.objects.filter(account=acme).count() == 1
    assert HealthSnapshot.objects.get(account=acme).score == 55  # 0 + 37.5 + 17.5
    assert HealthScore.objects.get(account=acme).band == Band.YELLOW
    previous, current = received[1]["previous"], received[1]["current"]
    assert (previous.score, previous.band, current.score, current.band) == (70, Band.GREEN, 55, Band.YELLOW)
    assert previous.measure("contact_recency").contribution == Decimal("15.0000")


def test_an_account_without_any_data_is_unknown_not_good(org, acme, fixed_values, today):
    services.recompute(org)

    assert HealthScore.objects.filter(account=acme).values_list("score", "band").get() == (None, Band.UNKNOWN)


def test_recompute_skips_churned_accounts(org, acme, fixed_values, today):
    gone = AccountFactory(organization=org, status=AccountStatus.CHURNED)
    fixed_values.set(gone, satisfaction=10)

    services.recompute(org)

    assert list(HealthScore.objects.values_list("account_id", flat=True)) == [acme.pk]


def test_recompute_for_an_earlier_day_keeps_the_current_score(org, acme, fixed_values, received, today):
    fixed_values.set(acme, satisfaction=80)
    services.recompute(org)
    fixed_values.set(acme, satisfaction=20)

    services.recompute(org, as_of=TODAY - datetime.timedelta(days=3))

    assert HealthScore.objects.get(account=acme).score == 80
    assert dict(HealthSnapshot.objects.values_list("on", "score")) == {
        TODAY: 80,
        TODAY - datetime.timedelta(days=3): 20,
    }
    assert len(received) == 1


def test_recompute_asks_the_measures_once_for_all_accounts(org, acme, globex, fixed_values, today):
    services.recompute(org)

    assert fixed_values.calls == [(sorted([acme.pk, globex.pk]), TODAY)]


# --- recompute on change ---------------------------------------------------------------------------------


def test_a_change_marks_its_account_once_and_the_worker_recomputes_it(org, alice, acme, fixed_values, today):
    fixed_values.set(acme, satisfaction=90)
    services.record_assessment(
        actor=alice, account=acme, value=80, comment="Good", expires_on=TODAY + datetime.timedelta(days=9)
    )
    Interaction.objects.create(organization=org, account=acme, kind="call", occurred_at="2026-03-30T10:00:00Z")

    assert not HealthScore.objects.exists()  # nothing computed in the request
    assert fixed_values.calls == []
    (job,) = health_jobs()
    assert job.args_kwargs["args"] == [org.pk, acme.pk]
    assert HealthRecompute.objects.get().account_id == acme.pk

    run_queued_jobs()

    assert fixed_values.calls == [([acme.pk], TODAY)]
    assert HealthScore.objects.get(account=acme).score == 90
    assert not HealthRecompute.objects.exists()


def test_changes_before_the_job_runs_wait_for_that_one_job_and_a_later_change_gets_another(
    org, acme, globex, fixed_values, today
):
    for _ in range(3):
        Interaction.objects.create(organization=org, account=acme, kind="call", occurred_at="2026-03-30T10:00:00Z")
    Interaction.objects.create(organization=org, account=globex, kind="call", occurred_at="2026-03-30T10:00:00Z")
    assert sorted(job.args_kwargs["args"][1] for job in health_jobs()) == sorted([acme.pk, globex.pk])

    run_queued_jobs()
    assert sorted(fixed_values.calls) == sorted([([acme.pk], TODAY), ([globex.pk], TODAY)])

    Interaction.objects.create(organization=org, account=acme, kind="call", occurred_at="2026-03-30T11:00:00Z")
    assert [job.status for job in health_jobs()] == ["SUCCESSFUL", "SUCCESSFUL", "READY"]
    run_queued_jobs()
    assert fixed_values.calls[-1] == ([acme.pk], TODAY)


def test_a_job_run_twice_recomputes_once(org, acme, fixed_values, today):
    from keyaccount.health.tasks import recompute_marked_health

    fixed_values.set(acme, satisfaction=90)
    Interaction.objects.create(organization=org, account=acme, kind="call", occurred_at="2026-03-30T10:00:00Z")

    assert recompute_marked_health.call(org.pk, acme.pk) == 1
    assert recompute_marked_health.call(org.pk, acme.pk) == 0  # a retry or a second worker finds it done

    assert fixed_values.calls == [([acme.pk], TODAY)]
    assert HealthSnapshot.objects.get(account=acme).score == 90


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_mark_and_no_job(org, acme):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        Interaction.objects.create(organization=org, account=acme, kind="call", occurred_at="2026-03-30T10:00:00Z")
        assert health_jobs()
        raise Abort

    assert not HealthRecompute.objects.exists()
    assert health_jobs() == []


def test_a_model_change_recomputes_the_whole_organization_in_one_job(org, carol, acme, globex, fixed_values, today):
    services.update_model(actor=carol, red_below=20, green_from=90, measures=[])
    (job,) = health_jobs()
    assert job.args_kwargs["args"] == [org.pk, None]

    run_queued_jobs()

    assert fixed_values.calls == [(sorted([acme.pk, globex.pk]), TODAY)]


def test_changes_inside_paused_mark_nothing(org, acme, fixed_values):
    with services.paused():
        Interaction.objects.create(organization=org, account=acme, kind="call", occurred_at="2026-03-30T10:00:00Z")

    assert not HealthRecompute.objects.exists()
    assert health_jobs() == []


def test_a_failing_job_keeps_the_change_and_is_retried_later(org, acme, monkeypatch, caplog):
    from keyaccount.health.tasks import recompute_marked_health

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr("keyaccount.health.measures.measure_values", broken)
    interaction = Interaction.objects.create(
        organization=org, account=acme, kind="call", occurred_at="2026-03-30T10:00:00Z"
    )

    with pytest.raises(RuntimeError, match="boom"):
        recompute_marked_health.call(org.pk, acme.pk)

    assert Interaction.objects.filter(pk=interaction.pk).exists()
    mark = HealthRecompute.objects.get()
    assert mark.attempts == 1
    retry = health_jobs()[-1]
    assert retry.run_after > timezone.now() + datetime.timedelta(minutes=4)
    for _ in range(services.MAX_RETRIES):
        with pytest.raises(RuntimeError):
            recompute_marked_health.call(org.pk, acme.pk)
    assert len(health_jobs()) == 1 + services.MAX_RETRIES  # none after the last retry
    assert "failed 4 times" in caplog.text

    # The morning job gives the mark a new job once it has waited long enough.
    with time_machine.travel(timezone.now() + services.STALE_AFTER + datetime.timedelta(minutes=1)):
        assert services.requeue_stale_marks() == 1
    assert HealthRecompute.objects.get().attempts == 0


def test_the_job_of_a_deleted_account_drops_its_mark(org, acme, fixed_values, today):
    Interaction.objects.create(organization=org, account=acme, kind="call", occurred_at="2026-03-30T10:00:00Z")
    acme.delete()

    run_queued_jobs()

    assert not HealthRecompute.objects.exists()
    assert fixed_values.calls == []


# --- backfill and the daily job ----------------------------------------------------------------------


def test_backfill_days_are_month_ends_and_the_last_35_days():
    days = services.backfill_days(datetime.date(2025, 11, 15), datetime.date(2026, 3, 31))

    assert days[:4] == [
        datetime.date(2025, 11, 30),
        datetime.date(2025, 12, 31),
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 25),
    ]
    assert days[-1] == datetime.date(2026, 3, 31)
    assert len(days) == 3 + 35  # Nov, Dec, Jan month-ends; 25 Feb … 31 Mar (28 Feb is among them)


def test_month_ends_include_february_of_a_leap_year():
    assert services.month_ends(datetime.date(2028, 2, 1), datetime.date(2028, 3, 30)) == [datetime.date(2028, 2, 29)]


def test_backfill_writes_a_snapshot_per_account_and_day_and_the_current_score_today(
    org, acme, fixed_values, received, today
):
    fixed_values.set(acme, satisfaction=60)

    written = services.backfill(org, datetime.date(2026, 1, 1), TODAY)

    days = services.backfill_days(datetime.date(2026, 1, 1), TODAY)
    assert written == len(days)
    assert sorted(HealthSnapshot.objects.values_list("on", flat=True)) == days
    assert HealthScore.objects.get(account=acme).on == TODAY
    assert len(received) == 1  # only today's recompute tells the alerts


def test_the_daily_job_scores_every_organization_once_a_day(org, acme, initech, fixed_values, today):
    from keyaccount.health.tasks import run_daily_health

    fixed_values.set(acme, satisfaction=60)
    first = run_daily_health.call()
    second = run_daily_health.call()

    assert first == second == {"demo-agency": 1, "other-agency": 1}
    assert HealthSnapshot.objects.filter(on=TODAY).count() == 2


def test_the_daily_job_is_on_the_schedule():
    from keyaccount.core.scheduler import PERIODIC_JOBS

    assert PERIODIC_JOBS["daily_health"].task_path == "keyaccount.health.tasks.run_daily_health"
    PERIODIC_JOBS["daily_health"].task  # noqa: B018 - it imports


def test_backfill_keeps_the_history_of_an_account_churned_since_but_not_its_empty_days(
    org, acme, fixed_values, today, monkeypatch
):
    gone = AccountFactory(organization=org, status=AccountStatus.CHURNED)
    real = fixed_values.__call__

    def churned_in_march(organization, accounts, as_of, params):
        values = real(organization, accounts, as_of, params)
        if as_of < datetime.date(2026, 3, 1):
            values[gone.pk] = {"satisfaction": MeasureValue("satisfaction", 20)}
        return values

    monkeypatch.setattr("keyaccount.health.measures.measure_values", churned_in_march)

    services.backfill(org, datetime.date(2026, 1, 1), TODAY)

    gone_days = list(HealthSnapshot.objects.filter(account=gone).values_list("on", flat=True).order_by("on"))
    assert gone_days == [datetime.date(2026, 1, 31), *(datetime.date(2026, 2, d) for d in range(25, 29))]
    assert not HealthScore.objects.filter(account=gone).exists()


def test_the_backfill_command_goes_back_the_months_asked(org, acme, fixed_values, today):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("health_backfill", "--organization", "demo-agency", "--months", "2", stdout=out)

    days = services.backfill_days(datetime.date(2026, 1, 31), TODAY)
    assert sorted(HealthSnapshot.objects.values_list("on", flat=True)) == days
    assert out.getvalue().startswith(f"{len(days)} snapshots written")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 3, 31), 12, datetime.date(2025, 3, 31)),
        (datetime.date(2026, 1, 15), 1, datetime.date(2025, 12, 15)),
    ],
)
def test_months_back_keeps_the_day_or_the_months_last(day, months, expected):
    from keyaccount.health.management.commands.health_backfill import months_back

    assert months_back(day, months) == expected


# --- today is the organization's day ------------------------------------------------------------------

# 20:00 UTC on 1 March: 23:00 of 1 March on the server (Moscow), already 06:00 of 2 March in Vladivostok.
EVENING_UTC = datetime.datetime(2026, 3, 1, 20, 0, tzinfo=datetime.UTC)


@pytest.fixture
def far_east(org, monkeypatch):
    from django.utils import timezone

    org.timezone = "Asia/Vladivostok"
    org.save(update_fields=["timezone"])
    monkeypatch.setattr(timezone, "now", lambda: EVENING_UTC)
    return org


def test_recompute_scores_today_as_the_organizations_time_zone_sees_it(far_east, acme, fixed_values):
    fixed_values.set(acme, contact_recency=80)

    services.recompute(far_east, [acme.pk])

    assert fixed_values.calls == [([acme.pk], datetime.date(2026, 3, 2))]
    assert HealthScore.objects.get(account=acme).on == datetime.date(2026, 3, 2)


def test_it_refuses_an_assessment_expiring_today_in_the_organizations_time_zone(far_east, alice, acme):
    with pytest.raises(ValidationError) as refused:
        services.record_assessment(
            actor=alice, account=acme, value=50, comment="Fine", expires_on=datetime.date(2026, 3, 2)
        )

    assert "expires_on" in refused.value.message_dict
    assert not ManualAssessment.objects.exists()


def test_a_contact_leaving_recomputes_the_accounts_it_has_a_role_on(org, acme, globex, fixed_values, today):
    from keyaccount.contacts.models import ContactAccountRole, DecisionRole
    from keyaccount.core.tests.factories import ContactFactory

    with services.paused():
        champion = ContactFactory(organization=org, account=acme)
        ContactAccountRole.objects.create(
            organization=org, contact=champion, account=globex, decision_role=DecisionRole.CHAMPION
        )

    champion.left_on = TODAY
    champion.save()
    run_queued_jobs()

    assert sorted(fixed_values.calls) == sorted([([acme.pk], TODAY), ([globex.pk], TODAY)])
