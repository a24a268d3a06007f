"""Raising alerts when health is recomputed: one open alert per account, rule and key, the playbook's tasks
for the account manager, and who is told."""

from __future__ import annotations

import datetime

import pytest

from keyaccount.alerts.models import Alert, AlertTask, Playbook, PlaybookSeed, PlaybookStep
from keyaccount.alerts.services import alert_close, alerts_raise, playbook_ensure_defaults
from keyaccount.alerts.tests.helpers import MARCH_1, health, recompute
from keyaccount.core.models import AuditEvent
from keyaccount.core.tests.factories import member
from keyaccount.health.models import HealthMeasure
from keyaccount.notifications.models import Notification
from keyaccount.tenancy.models import Role
from keyaccount.work.models import Task

GREEN = health("green", 78)
YELLOW = health("yellow", 55)
RED = health("red", 32)


def test_a_band_drop_raises_one_alert_for_the_account(acme):
    (alert,) = recompute(acme, GREEN, RED)

    assert (alert.account, alert.rule, alert.key, alert.status) == (acme, "band_drop", "red", "open")
    assert (alert.band, alert.score, alert.previous_band, alert.previous_score) == ("red", 32, "green", 78)
    assert alert.raised_on == MARCH_1
    assert AuditEvent.objects.filter(object_type="alerts.alert", object_id=str(alert.pk), action="create").exists()


def test_it_does_not_raise_the_same_alert_twice_while_it_is_open(acme):
    recompute(acme, GREEN, RED)
    recompute(acme, RED, GREEN)  # recovered: nothing

    again = recompute(acme, GREEN, RED)

    assert again == []
    assert Alert.objects.filter(account=acme, rule="band_drop", key="red").count() == 1


def test_a_closed_alert_is_raised_again_by_a_later_drop(acme, alice):
    (first,) = recompute(acme, GREEN, RED)
    alert_close(actor=alice, alert=first, outcome="resolved", note="Met the sponsor")

    (second,) = recompute(acme, GREEN, RED)

    assert second.pk != first.pk
    assert list(Alert.objects.filter(account=acme).order_by("pk").values_list("status", flat=True)) == [
        "closed",
        "open",
    ]


def test_a_yellow_alert_open_does_not_stop_the_red_one(acme):
    recompute(acme, GREEN, YELLOW)

    (red,) = recompute(acme, YELLOW, RED)

    assert red.key == "red"
    assert Alert.objects.filter(account=acme, status="open").count() == 2


def test_the_same_rule_on_another_account_raises_its_own_alert(acme, globex):
    recompute(acme, GREEN, RED)

    assert len(recompute(globex, GREEN, RED)) == 1


def test_a_measure_below_its_threshold_raises_an_alert_about_that_measure(org, acme):
    HealthMeasure.objects.create(organization=org, key="contact_recency", alert_below=40)
    HealthMeasure.objects.create(organization=org, key="overdue_work", alert_below=None)

    (alert,) = recompute(
        acme,
        health("green", 75, contact_recency=55, overdue_work=80),
        health("green", 71, contact_recency=25, overdue_work=5),
    )

    assert (alert.rule, alert.key) == ("measure_below", "contact_recency")
    assert alert.facts == {"value": 25, "previous_value": 55, "alert_below": 40}


def test_a_measure_that_is_switched_off_raises_nothing(org, acme):
    HealthMeasure.objects.create(organization=org, key="contact_recency", alert_below=40, enabled=False)

    assert recompute(acme, health("green", 75, contact_recency=55), health("green", 71, contact_recency=25)) == []


def test_champion_left_and_renewal_ahead_raise_their_alerts(acme):
    left = {"champion": "Anna Petrova", "left_on": "2026-02-25", "days_since_left": 4, "window_days": 90}
    renewal = {
        "contract": "C-2026-01",
        "end_date": "2026-05-31",
        "notice_deadline": "2026-05-01",
        "next": "notice",
        "days_left": 61,
    }

    alerts = recompute(
        acme,
        health("green", 80, champion_left=100, renewal_risk=100),
        health("green", 72, champion_left=(0, left), renewal_risk=(68, renewal)),
    )

    assert [(a.rule, a.key) for a in alerts] == [("champion_left", "champion_left"), ("renewal_ahead", "renewal_risk")]
    tasks = {a.rule: list(a.alert_tasks.order_by("position").values_list("task__title", flat=True)) for a in alerts}
    assert tasks["renewal_ahead"][0] == "Prepare the renewal offer"
    assert tasks["champion_left"][0] == "Find out who takes over from the champion"
    assert alerts[0].alert_tasks.first().task.description == (
        "The champion Anna Petrova left on 2026-02-25 and no other champion remains."
    )
    assert alerts[1].alert_tasks.first().task.description == (
        "Renewal ahead with no outcome yet: contract C-2026-01 ends on 2026-05-31; "
        "the notice deadline 2026-05-01 is 61 days away."
    )


def test_the_account_manager_edits_a_playbook_task_in_the_api_and_in_the_form(alice, acme, client, api):
    (alert,) = recompute(acme, GREEN, RED)
    first, second = (link.task for link in AlertTask.objects.filter(alert=alert).order_by("position")[:2])
    assert first.created_by is None  # set by the playbook, not by a person

    api.force_authenticate(alice)
    response = api.patch(f"/api/v1/tasks/{first.pk}/", {"title": "Call Ivan, the CEO"}, format="json")
    assert response.status_code == 200, response.data
    client.force_login(alice)
    response = client.post(
        f"/work/tasks/{second.pk}/edit/",
        {"title": "Review the open tasks with the team", "priority": "high", "version": second.version},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert Task.objects.get(pk=first.pk).title == "Call Ivan, the CEO"
    assert Task.objects.get(pk=second.pk).title == "Review the open tasks with the team"


def test_raising_sets_the_playbooks_tasks_for_the_account_owner(alice, acme):
    (alert,) = recompute(acme, GREEN, RED)

    tasks = [link.task for link in AlertTask.objects.filter(alert=alert).select_related("task").order_by("position")]
    assert [t.title for t in tasks] == [
        "Call the decision maker",
        "Review open tasks",
        "Schedule a meeting with the sponsor",
    ]
    assert {t.assignee for t in tasks} == {alice}
    assert {t.account for t in tasks} == {acme}
    assert {t.priority for t in tasks} == {"high"}  # the account is red
    # Due 1, 2 and 5 days after the computation's day, at 18:00 in alice's zone.
    assert [t.due_at.date() for t in tasks] == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 3),
        datetime.date(2026, 3, 6),
    ]
    assert tasks[0].description == "Health dropped from Healthy (78) to At risk (32)."
    assert Task.objects.count() == 3


def test_a_yellow_drop_follows_the_yellow_playbook_with_normal_priority(acme):
    (alert,) = recompute(acme, GREEN, YELLOW)

    titles = list(alert.alert_tasks.order_by("position").values_list("task__title", "task__priority"))
    assert titles == [
        ("Review what changed in the account's health", "normal"),
        ("Call the main contact", "normal"),
    ]


def test_a_step_with_its_own_assignee_goes_to_them_and_tells_them(org, alice, carol, acme):
    playbook_ensure_defaults(org.pk)
    playbook = Playbook.objects.get(organization=org, rule="band_drop", band="red")
    PlaybookStep.objects.filter(playbook=playbook, position=2).update(assignee=carol)

    (alert,) = recompute(acme, GREEN, RED)

    assignees = list(alert.alert_tasks.order_by("position").values_list("task__assignee__name", flat=True))
    assert assignees == ["Alice", "Alice", "Carol"]
    assert Notification.objects.filter(recipient=carol, kind="task_assigned").count() == 1


def test_the_defaults_are_created_once_and_a_deleted_playbook_stays_deleted(org, acme):
    assert playbook_ensure_defaults(org.pk) is True
    Playbook.objects.filter(organization=org, rule="band_drop", band="yellow").delete()

    assert playbook_ensure_defaults(org.pk) is False
    (alert,) = recompute(acme, GREEN, YELLOW)

    assert alert.alert_tasks.count() == 0
    assert Playbook.objects.filter(organization=org).count() == 4
    assert PlaybookSeed.objects.filter(organization=org).count() == 1


def test_the_defaults_skip_a_playbook_an_admin_wrote_at_that_moment_and_make_the_others(org, acme, monkeypatch):
    from django.db import IntegrityError

    create = Playbook.objects.create

    def admin_got_there_first(**fields):
        # The admin's own "band_drop / red", committed by another request, takes the unique rule and band.
        if (fields["rule"], fields["band"]) == ("band_drop", "red"):
            raise IntegrityError("alert_playbook_unique_rule_band")
        return create(**fields)

    monkeypatch.setattr(Playbook.objects, "create", admin_got_there_first)

    assert playbook_ensure_defaults(org.pk) is True
    made = set(Playbook.objects.filter(organization=org).values_list("rule", "band"))
    assert len(made) == 4 and ("band_drop", "red") not in made
    assert all(playbook.steps.exists() for playbook in Playbook.objects.filter(organization=org))


def test_the_account_manager_is_told_of_a_yellow_alert_and_the_heads_are_not(alice, carol, acme):
    recompute(acme, GREEN, YELLOW)

    told = list(Notification.objects.filter(kind="health_alert").values_list("recipient__name", flat=True))
    assert told == ["Alice"]


def test_on_red_the_heads_are_told_too(org, alice, carol, acme):
    other_head = member(org, Role.HEAD, "hector")

    (alert,) = recompute(acme, GREEN, RED)

    notes = Notification.objects.filter(kind="health_alert").order_by("recipient__name")
    assert [n.recipient for n in notes] == [alice, carol, other_head]
    assert {n.url for n in notes} == {f"/alerts/{alert.pk}/"}
    assert {n.title for n in notes} == {"Acme: Health band dropped"}
    assert {n.body for n in notes} == {"Health dropped from Healthy (78) to At risk (32)."}


def test_heads_of_another_organization_are_never_told(alice, carol, acme, mallory, other_org):
    member(other_org, Role.HEAD, "olga")

    recompute(acme, GREEN, RED)

    assert set(Notification.objects.values_list("organization_id", flat=True)) == {acme.organization_id}


def test_an_account_without_an_owner_still_gets_its_alert_and_tasks_for_nobody(org, carol):
    from keyaccount.core.tests.factories import AccountFactory

    orphan = AccountFactory(organization=org, name="Orphan", owner=None)

    (alert,) = recompute(orphan, GREEN, RED)

    assert alert.alert_tasks.count() == 3
    assert set(alert.alert_tasks.values_list("task__assignee", flat=True)) == {None}
    assert [n.recipient for n in Notification.objects.filter(kind="health_alert")] == [carol]


def test_nothing_changed_raises_nothing_and_writes_nothing(acme):
    assert alerts_raise(account=acme, previous=GREEN, current=GREEN, as_of=MARCH_1) == []
    assert not PlaybookSeed.objects.exists()


@pytest.mark.parametrize("outcome", ["resolved", "false_alarm", "churned"])
def test_the_account_manager_closes_an_alert_with_an_outcome(alice, acme, outcome):
    (alert,) = recompute(acme, GREEN, RED)

    alert_close(actor=alice, alert=alert, outcome=outcome, note="")

    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.closed_by) == ("closed", outcome, alice)
    assert alert.closed_at is not None


def test_a_recompute_where_nothing_fell_runs_no_query(acme, django_assert_num_queries):
    before = health("yellow", 60, contact_recency=50, overdue_work=70)
    same = health("yellow", 60, contact_recency=50, overdue_work=75)

    with django_assert_num_queries(0):
        assert alerts_raise(account=acme, previous=before, current=same, as_of=MARCH_1) == []


def test_a_recompute_where_a_measure_fell_above_its_threshold_reads_the_thresholds_once(
    org, acme, django_assert_num_queries
):
    HealthMeasure.objects.create(organization=org, key="contact_recency", alert_below=40)

    with django_assert_num_queries(1):
        assert (
            alerts_raise(
                account=acme,
                previous=health("green", 80, contact_recency=90),
                current=health("green", 78, contact_recency=60),
                as_of=MARCH_1,
            )
            == []
        )


def test_a_real_recompute_that_turns_an_account_red_raises_the_band_drop(org, alice, carol, acme):
    from django.utils import timezone

    from keyaccount.health import services as health_services
    from keyaccount.health.models import HealthScore, ManualAssessment

    today = timezone.localdate()
    acme.status = "active"  # scored accounts only
    acme.save()
    yesterday = today - datetime.timedelta(days=1)
    # Only the account manager's assessment counts (a new account counts as freshly contacted).
    HealthMeasure.objects.create(organization=org, key="contact_recency", enabled=False)
    HealthScore.objects.create(organization=org, account=acme, on=yesterday, score=80, band="green")
    ManualAssessment.objects.create(
        organization=org,
        account=acme,
        value=20,
        comment="The client is looking at other agencies",
        expires_on=today + datetime.timedelta(days=30),
        author=alice,
    )

    health_services.recompute(org, [acme.pk], today)

    alert = Alert.objects.get(account=acme, rule="band_drop")
    assert (alert.key, alert.previous_band, alert.previous_score, alert.band, alert.score) == (
        "red",
        "green",
        80,
        "red",
        20,
    )
    assert alert.alert_tasks.count() == 3
    assert Notification.objects.filter(kind="health_alert", subject_id=str(alert.pk)).count() == 2
