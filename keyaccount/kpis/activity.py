"""The working-loop KPIs: how often the team is in touch with clients, how often with a decision maker,
whether tasks are done on time, and how satisfied clients are (CSAT and NPS survey answers).

Periods are whole days in the organization's time zone, both ends included (docs/metrics.md).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from keyaccount.comms.models import TOUCH_KINDS, Direction, Interaction, InteractionState
from keyaccount.contacts.models import Contact, DecisionRole
from keyaccount.kpis.base import Frame, Metric, Unit, ratio, zone_of
from keyaccount.surveys.models import Survey, SurveyKind
from keyaccount.surveys.selectors import Score, answers_between, csat_of, nps_of
from keyaccount.work.models import Task, TaskStatus


def period_bounds(frame: Frame) -> tuple[datetime.datetime, datetime.datetime]:
    """[start of the first day, start of the day after the last) in the organization's time zone."""
    tz = zone_of(frame)
    start = datetime.datetime.combine(frame.period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(frame.period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def touches(frame: Frame) -> QuerySet[Interaction]:
    """Held client touches in the period on the frame's accounts; for an AM scope, those the AM logged or
    took part in."""
    start, end = period_bounds(frame)
    rows = Interaction.objects.filter(
        account__in=frame.accounts.values("pk"),
        state=InteractionState.DONE,
        kind__in=TOUCH_KINDS,
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).exclude(direction=Direction.INTERNAL)
    if frame.user_id is not None:
        rows = rows.filter(Q(logged_by_id=frame.user_id) | Q(users__id=frame.user_id)).distinct()
    return rows


def touches_per_week(frame: Frame) -> Metric:
    """Held client touches in the period ÷ (days in the period ÷ 7)."""
    count = touches(frame).count()
    weeks = (Decimal(frame.period.days) / Decimal(7)).quantize(Decimal("0.0001"))
    return Metric(
        key="touches_per_week",
        unit=Unit.PER_WEEK,
        numerator=count,
        denominator=weeks,
        value=ratio(count, Decimal(frame.period.days) / Decimal(7), places=2),
    )


def decision_maker_touch_share(frame: Frame) -> Metric:
    """Of the held client touches, the share with at least one contact whose decision role is decision maker."""
    base = touches(frame)
    total = base.count()
    with_dm = (
        base.filter(
            Exists(
                Contact.objects.filter(
                    interactions=OuterRef("pk"),
                    decision_role=DecisionRole.DECISION_MAKER,
                )
            )
        ).count()
        if total
        else 0
    )
    return Metric(
        key="decision_maker_touch_share",
        unit=Unit.RATIO,
        numerator=with_dm,
        denominator=total,
        value=ratio(with_dm, total),
    )


def tasks_on_time_rate(frame: Frame) -> Metric:
    """Tasks done in the period that were completed by their due time ÷ tasks done in the period.

    Tasks of the frame's accounts, whoever did them (an AM answers for the portfolio's delivery). A task
    without a due date has no deadline to miss and counts as on time.
    """
    start, end = period_bounds(frame)
    done = Task.objects.filter(
        account__in=frame.accounts.values("pk"),
        status=TaskStatus.DONE,
        completed_at__gte=start,
        completed_at__lt=end,
    )
    total = done.count()
    on_time = done.filter(Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at"))).count() if total else 0
    return Metric(
        key="tasks_on_time_rate",
        unit=Unit.RATIO,
        numerator=on_time,
        denominator=total,
        value=ratio(on_time, total),
    )


def answers(frame: Frame, kind: str) -> QuerySet[Survey]:
    """Survey answers of `kind` given in the period on the frame's accounts (by the time of the answer)."""
    return answers_between(frame.accounts.values("pk"), kind, *period_bounds(frame))


def _metric(key: str, score: Score) -> Metric:
    return Metric(key=key, unit=Unit.RATIO, numerator=score.numerator, denominator=score.denominator, value=score.value)


def csat(frame: Frame) -> Metric:
    """CSAT answers of 4 or 5 ÷ CSAT answers given in the period (the response count is the denominator).

    Thanks and complaints logged with interactions are not scored answers and are not counted.
    """
    return _metric("csat", csat_of(answers(frame, SurveyKind.CSAT)))


def nps(frame: Frame) -> Metric:
    """(Promoters, 9–10, − detractors, 0–6) ÷ NPS answers given in the period, as a fraction from −1 to 1
    (× 100 for the usual NPS points). Passives (7–8) count in the denominator only."""
    return _metric("nps", nps_of(answers(frame, SurveyKind.NPS)))
