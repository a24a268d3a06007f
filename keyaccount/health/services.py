"""Changes to account health: the organization's model, the account manager's assessment, and the
computation that stores each account's score and its daily snapshot.

When health is recomputed (docs/metrics.md, "Account health"):
- after a change to what it reads — interactions, contacts, tasks, requests, invoices, payment
  allocations, contracts, renewals, surveys, assessments, the model: the change marks the account
  (`schedule`, from the receivers connected in HealthConfig.ready()) in its own transaction, and one job
  per marked account recomputes it in the task worker, seconds later, with its alerts and their
  notifications (`recompute_marked`);
- every morning by the scheduler (`daily_health`), for every organization: that also writes the day's
  snapshot of every account, so history has one row per account and day;
- by `backfill` (demo data, or an admin after installing) for past days.

The request that made the change does not wait for the recompute: the account's page shows the last
computed score until the worker has run. A failing job is retried a few minutes later, and never undoes
the user's change. Accounts in these statuses are scored: onboarding, active, at risk and paused.
A churned account keeps the last score it had and gets no new snapshots.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, AccountStatus
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_record
from keyaccount.core.clock import organization_today
from keyaccount.core.models import AuditAction
from keyaccount.core.services import claim_version, full_clean
from keyaccount.core.tasks import enqueue_with_change
from keyaccount.health import measures as health_measures
from keyaccount.health import scoring
from keyaccount.health.base import Scored
from keyaccount.health.models import (
    HealthMeasure,
    HealthModel,
    HealthRecompute,
    HealthScore,
    HealthSnapshot,
    ManualAssessment,
)
from keyaccount.health.signals import health_recomputed
from keyaccount.tenancy.permissions import require, require_on_account

if TYPE_CHECKING:
    from keyaccount.tenancy.models import Organization, User

logger = logging.getLogger(__name__)

SCORED_STATUSES = [AccountStatus.ONBOARDING, AccountStatus.ACTIVE, AccountStatus.AT_RISK, AccountStatus.PAUSED]
BATCH = 500
MEASURE_FIELDS = ["weight", "enabled", "params", "alert_below"]


# --- the model ----------------------------------------------------------------------------------------


def model_for(organization: Organization | Any) -> HealthModel:
    """The organization's health model, created with the built-in measures' defaults on first use; a
    measure added to the code later is added to every model the next time it is read."""
    org_id = organization if isinstance(organization, int) else organization.pk
    with paused():  # the defaults change no score that was computed with them
        model, _created = HealthModel.objects.get_or_create(organization_id=org_id)
    have = set(HealthMeasure.objects.filter(organization_id=org_id).values_list("key", flat=True))
    missing = [
        HealthMeasure(
            organization_id=org_id,
            key=key,
            weight=default.weight,
            enabled=True,
            params=dict(default.params),
            alert_below=default.alert_below,
        )
        for key, default in health_measures.DEFAULTS.items()
        if str(key) not in have
    ]
    if missing:
        HealthMeasure.objects.bulk_create(missing, ignore_conflicts=True)
    return model


def measures_of(organization_id: int) -> list[HealthMeasure]:
    return list(HealthMeasure.objects.filter(organization_id=organization_id).order_by("key"))


def _check_params(key: str, params: Any) -> str | None:
    """None when `params` fits the measure's settings (known names, whole numbers ≥ 1); else the message."""
    if not isinstance(params, dict):
        return _("Settings must be an object of names and whole numbers.")
    known = health_measures.DEFAULTS[key].params
    for name, value in params.items():
        if name not in known:
            return _("%(measure)s has no setting %(name)s.") % {"measure": key, "name": name}
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return _("%(name)s must be a whole number of at least 1.") % {"name": name}
    return None


@transaction.atomic
def update_model(
    *,
    actor: User,
    red_below: int,
    green_from: int,
    measures: list[dict[str, Any]],
    expected_version: int | None = None,
) -> HealthModel:
    """Change the organization's thresholds and its measures' weights, switches, settings and alert
    levels (admins and heads). Measures not listed keep their settings. Every error names its field —
    `red_below`, `green_from`, or `measures.<key>.<field>` — and nothing is changed. Scores are
    recomputed by one job in the worker after the commit."""
    membership = require(actor, "manage_health_model")
    org_id = membership.organization_id
    # Locked before the measures are read: two changes at once are checked one after the other, so
    # together they cannot switch every weight off.
    model = HealthModel.objects.select_for_update().get(pk=model_for(org_id).pk)
    current = {m.key: m for m in measures_of(org_id)}
    errors: dict[str, str] = {}
    for name, value in (("red_below", red_below), ("green_from", green_from)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            errors[name] = _("Enter a whole number from 0 to 100.")
    if not errors and red_below >= green_from:
        errors["green_from"] = _("Green must start above the red threshold.")

    proposed: dict[str, dict[str, Any]] = {
        key: {name: getattr(m, name) for name in MEASURE_FIELDS} for key, m in current.items()
    }
    seen: set[str] = set()
    for item in measures:
        key = str(item.get("key", ""))
        if key not in current:
            errors[f"measures.{key}"] = _("There is no measure %(key)s.") % {"key": key}
            continue
        if key in seen:
            errors[f"measures.{key}"] = _("This measure is listed twice.")
            continue
        seen.add(key)
        unknown_fields = set(item) - {"key", *MEASURE_FIELDS}
        for name in sorted(unknown_fields):
            errors[f"measures.{key}.{name}"] = _("This field cannot be changed here.")
        row = proposed[key]
        if "weight" in item:
            weight = item["weight"]
            if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 1000:
                errors[f"measures.{key}.weight"] = _("Enter a whole number from 0 to 1000.")
            row["weight"] = weight
        if "enabled" in item:
            if not isinstance(item["enabled"], bool):
                errors[f"measures.{key}.enabled"] = _("Enter true or false.")
            row["enabled"] = item["enabled"]
        if "params" in item:
            problem = _check_params(key, item["params"])
            if problem:
                errors[f"measures.{key}.params"] = problem
            row["params"] = item["params"]
        if "alert_below" in item:
            level = item["alert_below"]
            if level is not None and (isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100):
                errors[f"measures.{key}.alert_below"] = _("Enter a whole number from 0 to 100, or nothing.")
            row["alert_below"] = level
    if not any(k.endswith(".weight") or k.endswith(".enabled") for k in errors):
        total = sum(row["weight"] for row in proposed.values() if row["enabled"])
        if total <= 0:
            errors["measures"] = _("The weights of the measures that count must add up to more than zero.")
    if errors:
        raise ValidationError(errors)

    before = {"red_below": model.red_below, "green_from": model.green_from}
    model.red_below, model.green_from = red_below, green_from
    full_clean(model)
    claim_version(model, expected_version)
    model.save(update_fields=["red_below", "green_from", "updated_at"])
    changes = {name: [before[name], getattr(model, name)] for name in before if before[name] != getattr(model, name)}
    for key, row in proposed.items():
        measure = current[key]
        diff = {
            name: [getattr(measure, name), row[name]] for name in MEASURE_FIELDS if getattr(measure, name) != row[name]
        }
        if not diff:
            continue
        for name, value in row.items():
            setattr(measure, name, value)
        full_clean(measure)
        measure.save(update_fields=[*MEASURE_FIELDS, "updated_at"])
        changes.update({f"measures.{key}.{name}": pair for name, pair in diff.items()})
    if changes:
        audit_record(actor=actor, organization_id=org_id, action=AuditAction.UPDATE, instance=model, changes=changes)
        schedule_organization(org_id)
    return model


# --- the account manager's assessment ---------------------------------------------------------------


@transaction.atomic
def record_assessment(
    *, actor: User, account: Account, value: int, comment: str, expires_on: datetime.date
) -> ManualAssessment:
    """The account team's own reading of the account, 0–100, with the reason; it counts in the score
    ("manual assessment") until it expires, and the newest one replaces the earlier ones."""
    require_on_account(actor, account.pk, "assess_health")
    errors: dict[str, str] = {}
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = _("Say why: the comment explains the assessment to the team.")
    if expires_on is None or expires_on <= organization_today(account.organization):
        errors["expires_on"] = _("The assessment must expire after today.")
    if errors:
        raise ValidationError(errors)
    assessment = ManualAssessment(
        organization_id=account.organization_id,
        account=account,
        value=value,
        comment=comment,
        expires_on=expires_on,
        author=actor,
    )
    full_clean(assessment)
    assessment.save()
    audit_create(
        actor=actor, instance=assessment, fields=["account", "value", "comment", "expires_on"], account_id=account.pk
    )
    return assessment


# --- computing -----------------------------------------------------------------------------------------


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _accounts(organization_id: int, account_ids: Iterable[int] | None) -> list[Account]:
    qs = Account.objects.filter(organization_id=organization_id, status__in=SCORED_STATUSES).order_by("pk")
    if account_ids is not None:
        qs = qs.filter(pk__in=list(account_ids))
    return list(qs)


def _score_batch(
    organization: Any, accounts: list[Account], as_of: datetime.date, model: HealthModel, measures: list[HealthMeasure]
) -> list[Scored]:
    params = {m.key: dict(m.params or {}) for m in measures}
    values = health_measures.measure_values(organization, accounts, as_of, params)
    return [scoring.score(a.pk, as_of, values.get(a.pk, {}), model, measures) for a in accounts]


def _upsert_snapshots(organization_id: int, scored: list[Scored]) -> None:
    HealthSnapshot.objects.bulk_create(
        [
            HealthSnapshot(
                organization_id=organization_id,
                account_id=s.account_id,
                on=s.on,
                score=s.score,
                band=s.band,
                measures=scoring.measures_json(s),
            )
            for s in scored
        ],
        update_conflicts=True,
        unique_fields=["account", "on"],
        update_fields=["score", "band", "measures", "updated_at"],
    )


def _organization(organization: Organization | int) -> Organization:
    from keyaccount.tenancy.models import Organization

    return organization if isinstance(organization, Organization) else Organization.objects.get(pk=organization)


def recompute(
    organization: Organization | int, account_ids: Iterable[int] | None = None, as_of: datetime.date | None = None
) -> list[Scored]:
    """Compute the health of the organization's scored accounts (all, or `account_ids`) for `as_of`
    (default today in the organization's time zone), store each one's current score and the day's snapshot, and send
    `health_recomputed` per account. A score computed for a day before the stored one does not
    replace it (only the snapshot is written). Batched: a constant number of queries per 500 accounts."""
    with paused():  # what the recompute writes (and what alerts write in reply) needs no recompute
        organization = _organization(organization)
        return _recompute(organization, account_ids, as_of or organization_today(organization))


def _recompute(organization: Any, account_ids: Iterable[int] | None, as_of: datetime.date) -> list[Scored]:
    model = model_for(organization)
    measures = measures_of(organization.pk)
    results: list[Scored] = []
    with transaction.atomic():
        for batch in _chunks(_accounts(organization.pk, account_ids), BATCH):
            scored = _score_batch(organization, batch, as_of, model, measures)
            by_id = {a.pk: a for a in batch}
            stored = {row.account_id: row for row in HealthScore.objects.filter(account_id__in=list(by_id))}
            current = [s for s in scored if s.account_id not in stored or stored[s.account_id].on <= as_of]
            HealthScore.objects.bulk_create(
                [
                    HealthScore(
                        organization_id=organization.pk,
                        account_id=s.account_id,
                        on=s.on,
                        score=s.score,
                        band=s.band,
                        measures=scoring.measures_json(s),
                    )
                    for s in current
                ],
                update_conflicts=True,
                unique_fields=["account"],
                update_fields=["on", "score", "band", "measures", "updated_at"],
            )
            _upsert_snapshots(organization.pk, scored)
            for s in current:
                before = stored.get(s.account_id)
                previous = (
                    scoring.from_stored(before.account_id, before.on, before.score, before.band, before.measures)
                    if before is not None
                    else None
                )
                health_recomputed.send(
                    sender=HealthScore, account=by_id[s.account_id], previous=previous, current=s, as_of=as_of
                )
            results.extend(scored)
    return results


def month_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The last day of every month from `start` to `end`, both included."""
    days = []
    year, month = start.year, start.month
    while True:
        first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
        last = first_of_next - datetime.timedelta(days=1)
        if last > end:
            break
        if last >= start:
            days.append(last)
        year, month = first_of_next.year, first_of_next.month
    return days


BACKFILL_DAILY_DAYS = 35


def backfill_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Month-ends from `start` to `end`, and every one of the last 35 days up to `end`: enough for the
    monthly history, the backtest (month-ends) and the 30-day trend, at a fraction of daily rows."""
    daily_from = max(start, end - datetime.timedelta(days=BACKFILL_DAILY_DAYS - 1))
    days = set(month_ends(start, end))
    day = daily_from
    while day <= end:
        days.add(day)
        day += datetime.timedelta(days=1)
    return sorted(days)


def backfill(organization: Organization | int, start: datetime.date, end: datetime.date) -> int:
    """Snapshots for each day of `backfill_days(start, end)`, each computed as of that day; the last day
    (`end`, usually today) is a full recompute (current score, alerts). Past days cover every account
    of the organization — one churned since still has its history before it left, which the backtest
    needs — except that a day on which such an account had no known measure is not stored. Returns
    the number of snapshots written."""
    if end < start:
        raise ValidationError({"end": _("The period cannot end before it starts.")})
    organization = _organization(organization)
    with paused():
        model = model_for(organization)
        measures = measures_of(organization.pk)
        accounts = list(Account.objects.filter(organization_id=organization.pk).order_by("pk"))
        scored_now = {a.pk for a in accounts if a.status in SCORED_STATUSES}
        written = 0
        for day in backfill_days(start, end):
            if day == end:
                written += len(_recompute(organization, None, end))
                continue
            with transaction.atomic():
                for batch in _chunks(accounts, BATCH):
                    scored = [
                        s
                        for s in _score_batch(organization, batch, day, model, measures)
                        if s.score is not None or s.account_id in scored_now
                    ]
                    _upsert_snapshots(organization.pk, scored)
                    written += len(scored)
    return written


def recompute_all(as_of: datetime.date | None = None) -> dict[str, int]:
    """Every organization's health for `as_of` (default today); the daily job. Returns accounts scored
    per organization slug. One organization failing does not stop the others."""
    from keyaccount.tenancy.models import Organization

    done: dict[str, int] = {}
    failed: list[str] = []
    for organization in Organization.objects.order_by("pk"):
        try:
            done[organization.slug] = len(recompute(organization, as_of=as_of))
        except Exception:
            logger.exception("daily health: %s failed", organization.slug)
            failed.append(organization.slug)
    if failed:
        raise RuntimeError(f"daily health: {', '.join(failed)} failed; the rest ran")
    return done


# --- recompute on change ---------------------------------------------------------------------------
#
# A change marks the account (`schedule`) in its own transaction: a `HealthRecompute` row, and one job
# when the row is new. The job (`recompute_marked`, in the worker) locks the mark, recomputes, and deletes
# the mark in the transaction that stores the score; a change that marks the account meanwhile waits for
# that commit and then writes a new mark and a new job, so no change is left uncounted and none is counted
# by two jobs at once.

RETRY_AFTER = datetime.timedelta(minutes=5)
MAX_RETRIES = 3  # then the morning job tries again
STALE_AFTER = datetime.timedelta(minutes=30)

_paused: contextvars.ContextVar[int] = contextvars.ContextVar("health_paused", default=0)


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Changes made inside do not mark health out of date (bulk loading, e.g. seed_demo, and what a
    recompute writes itself); recompute or backfill the organization afterwards."""
    token = _paused.set(_paused.get() + 1)
    try:
        yield
    finally:
        _paused.reset(token)


def is_paused() -> bool:
    return bool(_paused.get())


def _marks(organization_id: int, account_id: int | None) -> QuerySet[HealthRecompute]:
    """The mark of the account, or of the whole organization (`account_id` None: `account IS NULL`)."""
    marks = HealthRecompute.objects.filter(organization_id=organization_id)
    return marks.filter(account__isnull=True) if account_id is None else marks.filter(account_id=account_id)


def _mark(organization_id: int, account_id: int | None) -> None:
    from keyaccount.health.tasks import recompute_marked_health

    marks = _marks(organization_id, account_id)
    now = clock.now()
    for _attempt in range(3):
        # A mark exists: its job has not finished yet. Updating it holds its row until this transaction
        # commits, so a worker about to claim it waits and then sees this change.
        if marks.update(requested_at=now):
            return
        try:
            with transaction.atomic():
                HealthRecompute.objects.create(
                    organization_id=organization_id, account_id=account_id, requested_at=now, enqueued_at=now
                )
        except IntegrityError:
            continue  # another change marked it at this moment: hold that mark instead
        enqueue_with_change(recompute_marked_health, organization_id, account_id)
        return
    raise RuntimeError(f"health: could not mark account {account_id} of organization {organization_id}")


def schedule(organization_id: int, account_id: int | None) -> None:
    """Mark this account's health out of date, in the current transaction: one job recomputes it in the
    worker after the commit, however many changes mark it before that job runs."""
    if is_paused() or account_id is None:
        return
    _mark(organization_id, account_id)


def schedule_organization(organization_id: int) -> None:
    """Mark every account of the organization out of date (its model changed): one job for all of them."""
    if is_paused():
        return
    _mark(organization_id, None)


def recompute_marked(organization_id: int, account_id: int | None) -> int:
    """The job of a mark: recompute the account (or the whole organization), its alerts and their
    notifications, and delete the mark, all in one transaction; the number of accounts scored.

    The mark is locked first, so a second run of the same job (a retry, another worker) waits, then finds
    no mark and does nothing: the score is written and the alerts raised once."""
    with transaction.atomic():
        mark = _marks(organization_id, account_id).select_for_update().first()
        if mark is None:
            return 0  # done already
        from keyaccount.tenancy.models import Organization

        organization = Organization.objects.filter(pk=organization_id).first()
        scored = (
            recompute(organization, None if account_id is None else [account_id]) if organization is not None else []
        )
        mark.delete()
    return len(scored)


def retry_marked(organization_id: int, account_id: int | None) -> bool:
    """After a failed job: try the mark again a few minutes later, at most MAX_RETRIES times; then it waits
    for the morning job (`requeue_stale_marks`). True when a retry was enqueued."""
    from keyaccount.health.tasks import recompute_marked_health

    with transaction.atomic():
        mark = _marks(organization_id, account_id).select_for_update().first()
        if mark is None:
            return False
        mark.attempts += 1
        now = clock.now()
        if mark.attempts > MAX_RETRIES:
            mark.save(update_fields=["attempts"])
            logger.error("health: recompute of %s/%s failed %s times", organization_id, account_id, mark.attempts)
            return False
        mark.enqueued_at = now
        mark.save(update_fields=["attempts", "enqueued_at"])
        retry = recompute_marked_health.using(run_after=now + RETRY_AFTER * mark.attempts)
        enqueue_with_change(retry, organization_id, account_id)
    return True


def requeue_stale_marks() -> int:
    """A new job for every mark whose job was enqueued long ago and has not deleted it (it failed every
    attempt, or its worker died); run by the morning job. A mark whose job is merely late gets a second
    one, which finds the mark gone and does nothing. Returns the number of jobs enqueued."""
    from keyaccount.health.tasks import recompute_marked_health

    now = clock.now()
    with transaction.atomic():
        stale = list(
            HealthRecompute.objects.select_for_update(skip_locked=True)
            .filter(enqueued_at__lt=now - STALE_AFTER)
            .values_list("pk", "organization_id", "account_id")
        )
        HealthRecompute.objects.filter(pk__in=[pk for pk, _org, _acc in stale]).update(enqueued_at=now, attempts=0)
        for _pk, organization_id, account_id in stale:
            enqueue_with_change(recompute_marked_health, organization_id, account_id)
    return len(stale)
