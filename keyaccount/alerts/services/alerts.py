"""Raising alerts when an account's health is stored (their playbook's tasks, telling the account manager
and the heads), and closing an alert with its outcome."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from keyaccount.alerts import rules
from keyaccount.alerts.models import Alert, AlertOutcome, AlertStatus, AlertTask
from keyaccount.alerts.selectors import alerts_visible_to, playbook_for
from keyaccount.alerts.services.playbooks import playbook_ensure_defaults
from keyaccount.alerts.text import describe
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import full_clean
from keyaccount.health import services as health_services
from keyaccount.health.base import Band
from keyaccount.tenancy.models import Membership, Role
from keyaccount.tenancy.permissions import can

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.health.base import Scored
    from keyaccount.tenancy.models import User

TASK_DUE_HOUR = 18
ALERT_AUDIT_FIELDS = ["account", "rule", "key", "status", "band", "score", "raised_on"]


# --- raising alerts ----------------------------------------------------------------------------------


def _active(user: User | None) -> User | None:
    return user if user is not None and user.is_active else None


def _due_at(user: User | None, day: datetime.date) -> datetime.datetime:

    zone = clock.user_zone(user)
    return datetime.datetime.combine(day, datetime.time(TASK_DUE_HOUR), tzinfo=zone)


def _claim(
    account: Account, trigger: rules.Trigger, previous: Scored | None, current: Scored, as_of: Any
) -> Alert | None:
    """Open the alert; None when it is open already (the unique constraint on open alerts decides)."""
    alert = Alert(
        organization_id=account.organization_id,
        account=account,
        rule=trigger.rule,
        key=trigger.key,
        status=AlertStatus.OPEN,
        raised_on=as_of,
        band=str(current.band),
        score=current.score,
        previous_band=str(previous.band) if previous is not None else "",
        previous_score=previous.score if previous is not None else None,
        facts=trigger.facts,
    )
    try:
        with transaction.atomic():
            full_clean(alert)
            alert.save()
    except ValidationError:
        if Alert.objects.filter(account=account, rule=trigger.rule, key=trigger.key, status=AlertStatus.OPEN).exists():
            return None
        raise
    except IntegrityError:
        return None
    return alert


def _set_tasks(alert: Alert, account: Account, as_of: datetime.date, description: str) -> list[AlertTask]:
    """The playbook's tasks for this alert, as the system (no actor), linked to the alert."""
    from keyaccount.work.models import Task, TaskPriority, TaskStatus, TaskStatusChange

    playbook = playbook_for(account.organization_id, alert.rule, alert.band)
    if playbook is None:
        return []
    owner = _active(account.owner)
    links = []
    for position, step in enumerate(playbook.steps.all()):
        assignee = _active(step.assignee) or owner
        task = Task.objects.create(
            organization_id=account.organization_id,
            account=account,
            title=step.title[:200],
            description=description,
            assignee=assignee,
            priority=TaskPriority.HIGH if alert.band == Band.RED else TaskPriority.NORMAL,
            due_at=_due_at(assignee, as_of + datetime.timedelta(days=step.days_until_due)),
            status=TaskStatus.NEW,
        )
        TaskStatusChange.objects.create(
            organization_id=task.organization_id, task=task, from_status="", to_status=TaskStatus.NEW
        )
        audit_create(
            actor=None, instance=task, fields=["title", "account", "assignee", "due_at"], account_id=account.pk
        )
        links.append(AlertTask(organization_id=account.organization_id, alert=alert, task=task, position=position))
        if assignee is not None and assignee != owner:
            _tell_assignee(task, assignee)
    AlertTask.objects.bulk_create(links)
    return links


def _tell_assignee(task: Any, assignee: User) -> None:
    from keyaccount.notifications.models import NotificationKind
    from keyaccount.notifications.services import notify

    with translation.override(assignee.language or django_settings.LANGUAGE_CODE):
        notify(
            recipient=assignee,
            kind=NotificationKind.TASK_ASSIGNED,
            title=_("New task for you: %(title)s") % {"title": task.title},
            body=_("Set by a health alert on %(account)s.") % {"account": task.account.name},
            subject=task,
            url=reverse("work:task_detail", args=[task.pk]),
        )


def _tell(alert: Alert, account: Account) -> int:
    """The account manager hears of every alert; the heads too when the account is red. Returns how many."""
    from keyaccount.notifications.models import NotificationKind
    from keyaccount.notifications.services import notify

    people: list[User] = []
    owner = _active(account.owner)
    if owner is not None:
        people.append(owner)
    if alert.band == Band.RED:
        heads = Membership.objects.filter(
            organization_id=account.organization_id, role=Role.HEAD, user__is_active=True
        ).select_related("user")
        people.extend(m.user for m in heads if m.user_id != getattr(owner, "pk", None))
    url = reverse("alerts:detail", args=[alert.pk])
    for person in people:
        with translation.override(person.language or django_settings.LANGUAGE_CODE):
            notify(
                recipient=person,
                kind=NotificationKind.HEALTH_ALERT,
                title=_("%(account)s: %(rule)s") % {"account": account.name, "rule": alert.get_rule_display()},
                body=describe(alert.rule, alert.key, alert.facts),
                subject=alert,
                url=url,
            )
    return len(people)


def _fell(previous: Scored | None, current: Scored) -> set[str]:
    """Measures that may have crossed a threshold: known now, and unknown or higher before."""
    before = {m.key: m.value for m in previous.measures} if previous is not None else {}
    return {
        m.key for m in current.measures if m.value is not None and ((was := before.get(m.key)) is None or m.value < was)
    }


def _thresholds(organization_id: int, candidates: set[str]) -> dict[str, int]:
    from keyaccount.health.models import HealthMeasure

    if not candidates - rules.OWN_RULES:
        return {}
    rows = HealthMeasure.objects.filter(
        organization_id=organization_id, enabled=True, alert_below__isnull=False, key__in=sorted(candidates)
    ).values_list("key", "alert_below")
    return {key: below for key, below in rows if below is not None}  # the filter leaves no None; narrows the type


def alerts_raise(
    *,
    account: Account,
    previous: Scored | None,
    current: Scored,
    as_of: datetime.date,
    thresholds: dict[str, int] | None = None,
) -> list[Alert]:
    """The alerts this recompute raises (none when their alert is still open), with their tasks and
    notifications. Written by the system; called from the `health_recomputed` receiver.

    `thresholds` (measure key → alert_below) may come with the signal; otherwise they are read, and only
    when a measure fell, so a recompute that changes nothing runs no query here.
    """
    if thresholds is None:
        thresholds = _thresholds(account.organization_id, _fell(previous, current))
    triggers = rules.evaluate(previous, current, thresholds)
    if not triggers:
        return []  # the common case: no transaction, no query
    return _raise(account, triggers, previous, current, as_of)


@transaction.atomic
def _raise(
    account: Account, triggers: list[rules.Trigger], previous: Scored | None, current: Scored, as_of: datetime.date
) -> list[Alert]:
    open_now = set(Alert.objects.filter(account=account, status=AlertStatus.OPEN).values_list("rule", "key"))
    triggers = [t for t in triggers if (t.rule, t.key) not in open_now]
    if not triggers:
        return []
    playbook_ensure_defaults(account.organization_id)
    raised = []
    # The playbook's tasks do not mark the account's health out of date again: this runs inside its
    # recompute (or the demo's loading); the next change or the morning job counts them.
    with health_services.paused():
        for trigger in triggers:
            alert = _raise_one(account, trigger, previous, current, as_of)
            if alert is not None:
                raised.append(alert)
    return raised


def _raise_one(
    account: Account, trigger: rules.Trigger, previous: Scored | None, current: Scored, as_of: datetime.date
) -> Alert | None:
    alert = _claim(account, trigger, previous, current, as_of)
    if alert is None:
        return None
    audit_create(actor=None, instance=alert, fields=ALERT_AUDIT_FIELDS, account_id=account.pk)
    with translation.override(_language_of(account)):
        _set_tasks(alert, account, as_of, describe(alert.rule, alert.key, alert.facts))
    _tell(alert, account)
    return alert


def _language_of(account: Account) -> str:
    owner = _active(account.owner)
    return (owner.language if owner is not None else "") or django_settings.LANGUAGE_CODE


def on_health_recomputed(
    sender: Any, *, account: Account, previous: Scored | None, current: Scored, as_of: Any, **kwargs: Any
) -> None:
    """The receiver of `health_recomputed` (connected in AlertsConfig.ready); sent by the recompute, which
    runs in the task worker (health's `recompute_marked_health` and daily jobs)."""
    alerts_raise(account=account, previous=previous, current=current, as_of=as_of, thresholds=kwargs.get("thresholds"))


# --- closing -----------------------------------------------------------------------------------------


@transaction.atomic
def alert_close(*, actor: User, alert: Alert, outcome: str, note: str = "") -> Alert:
    """The account manager or a head closes an alert with how it ended; the rule may raise it again later.
    Its tasks stay as they are. Closing an alert already closed is refused."""
    if not can(actor, "close_alerts"):
        raise PermissionDenied(_("Only the account manager or a head closes an alert."))
    if not alerts_visible_to(actor).filter(pk=alert.pk).exists():
        raise PermissionDenied(_("You cannot close this alert."))
    if outcome not in AlertOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome: resolved, false alarm, the client left or other.")})
    note = (note or "").strip()
    if outcome == AlertOutcome.OTHER and not note:
        raise ValidationError({"note": _("Say what happened when the outcome is “other”.")})
    now = clock.now()
    closed = Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
        status=AlertStatus.CLOSED, outcome=outcome, note=note, closed_at=now, closed_by=actor, updated_at=now
    )
    if closed != 1:
        raise ValidationError({"status": _("This alert is closed already.")})
    alert.status, alert.outcome, alert.note, alert.closed_at, alert.closed_by = (
        AlertStatus.CLOSED,
        outcome,
        note,
        now,
        actor,
    )
    audit_record(
        actor=actor,
        organization_id=alert.organization_id,
        action=AuditAction.UPDATE,
        instance=alert,
        changes={"status": [AlertStatus.OPEN, AlertStatus.CLOSED], "outcome": ["", outcome], "note": ["", note]},
        account_id=alert.account_id,
    )
    return alert
