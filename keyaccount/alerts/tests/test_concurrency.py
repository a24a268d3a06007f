"""Two recomputes of the same account at the same moment (PostgreSQL): one alert, one set of tasks,
one set of default playbooks, one round of notifications — also when two workers run the same job."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from keyaccount.accounts.models import Account
from keyaccount.alerts.models import Alert, AlertTask, Playbook, PlaybookSeed
from keyaccount.alerts.tests.helpers import MARCH_1, health
from keyaccount.core.tests.concurrency import POSTGRES_ONLY, at_the_same_moment
from keyaccount.health.signals import health_recomputed
from keyaccount.notifications.models import Notification

pytestmark = POSTGRES_ONLY


@pytest.mark.django_db(transaction=True)
def test_two_recomputes_at_once_raise_one_alert(alice, carol, acme):
    def recompute():
        with transaction.atomic():
            account = Account.objects.select_related("owner").get(pk=acme.pk)
            health_recomputed.send(
                sender=None, account=account, previous=health("green", 78), current=health("red", 32), as_of=MARCH_1
            )
        return Alert.objects.filter(account=acme).count()

    at_the_same_moment(recompute, recompute, recompute)

    (alert,) = Alert.objects.filter(account=acme, rule="band_drop", key="red")
    assert alert.status == "open"
    assert AlertTask.objects.filter(alert=alert).count() == 3
    assert PlaybookSeed.objects.count() == 1
    assert Playbook.objects.count() == 5
    told = Notification.objects.filter(kind="health_alert", subject_id=str(alert.pk))
    assert sorted(told.values_list("recipient__name", flat=True)) == ["Alice", "Carol"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_recompute_job_of_a_change_at_once_raise_its_alert_once(alice, carol, org, acme):
    from keyaccount.health import services as health_services
    from keyaccount.health.models import HealthMeasure, HealthRecompute, HealthScore
    from keyaccount.health.tasks import recompute_marked_health

    today = timezone.localdate()
    with health_services.paused():
        acme.status = "active"  # scored accounts only
        acme.save()
        # Only the account manager's assessment counts (a new account counts as freshly contacted).
        health_services.model_for(org)
        HealthMeasure.objects.filter(organization=org, key="contact_recency").update(enabled=False)
        HealthScore.objects.create(
            organization=org, account=acme, on=today - datetime.timedelta(days=1), score=80, band="green"
        )
    health_services.record_assessment(
        actor=alice,
        account=acme,
        value=20,
        comment="The client is looking at other agencies",
        expires_on=today + datetime.timedelta(days=30),
    )
    assert not Alert.objects.exists()  # the request raised nothing: the worker does

    outcomes = at_the_same_moment(*[lambda: recompute_marked_health.call(org.pk, acme.pk)] * 2)

    assert sorted(outcomes) == [0, 1]
    assert (HealthScore.objects.get(account=acme).score, HealthScore.objects.get(account=acme).band) == (20, "red")
    (alert,) = Alert.objects.filter(account=acme)
    assert (alert.rule, alert.key, alert.previous_score, alert.score) == ("band_drop", "red", 80, 20)
    assert AlertTask.objects.filter(alert=alert).count() == 3
    told = Notification.objects.filter(kind="health_alert", subject_id=str(alert.pk))
    assert sorted(told.values_list("recipient__name", flat=True)) == ["Alice", "Carol"]
    # The playbook's tasks did not mark the account again.
    assert not HealthRecompute.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_admins_adding_the_same_playbook_at_once_get_one_and_a_clear_refusal(dave, carol):
    from django.core.exceptions import ValidationError

    from keyaccount.alerts.services import playbook_create, playbook_ensure_defaults

    playbook_ensure_defaults(dave.membership.organization_id)

    def add(actor):
        def call() -> str:
            try:
                playbook_create(actor=actor, rule="champion_left", band="red", steps=[{"title": "Call the CEO"}])
                return "created"
            except ValidationError as refused:
                assert "band" in refused.message_dict
                return "refused"

        return call

    assert sorted(at_the_same_moment(add(dave), add(carol))) == ["created", "refused"]
    assert Playbook.objects.filter(rule="champion_left", band="red").count() == 1
