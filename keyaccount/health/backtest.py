"""Backtest: how well the health score would have told, from the organization's own history, which
accounts were about to be lost or to shrink.

- A *sample* is a month-end HealthSnapshot (its day is the last day of a month) whose 90 days after it
  have fully passed (its day is before today − 90 days), scored with the organization's **current**
  health model: its stored measure values weighed with today's weights and switches, so an admin can
  change the weights and see at once whether they would have told the lost accounts apart better. (The
  measures' own settings, such as windows, stay as they were when the snapshot was taken; a snapshot
  stored without its measures keeps its stored score.) A snapshot whose score is then unknown is not a
  sample.
- Its *outcome* is positive when, within the 90 days after the snapshot's day (day + 1 … day + 90),
  the account churned (a status change to "churned" dated then, in the organization's time zone), or
  its recurring revenue went down: in some currency its MRR on day + 90 is below its MRR on the day
  (`billing.calc.movements` calls that a contraction, or a churn when it falls to nothing).
- *ROC AUC*: the chance that a random positive sample has a lower score than a random negative one,
  ties counted half — computed by ranks (Mann–Whitney U ÷ positives × negatives). 1 is a perfect
  separation, 0.5 no better than chance, 0 exactly inverted. None when either class is empty.
- The *confusion table* at the organization's red threshold: a sample is predicted at risk when its
  score is below `red_below`. Precision = true positives ÷ predicted at risk; recall = true positives
  ÷ positives; None on a zero denominator.

`backtest(organization, accounts=None, today=None)` runs a constant number of queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Min
from django.utils import timezone

from keyaccount.accounts.models import AccountStatus, AccountStatusChange
from keyaccount.billing import calc
from keyaccount.billing.models import BINDING_STATUSES, BillingModel, Contract
from keyaccount.core.clock import organization_zone
from keyaccount.health.models import HealthMeasure, HealthModel, HealthSnapshot

WINDOW_DAYS = 90
DEFAULT_RED_BELOW = 40
PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Sample:
    account_id: int
    on: datetime.date
    score: int
    positive: bool


@dataclass(frozen=True)
class Backtest:
    """The backtest's answer: how many samples, how many turned bad, and how well the score separated them."""

    as_of: datetime.date
    window_days: int
    red_below: int
    samples: int
    positives: int
    negatives: int
    auc: Decimal | None
    true_positives: int
    false_positives: int
    true_negatives: int
    false_negatives: int
    precision: Decimal | None
    recall: Decimal | None
    first_month_end: datetime.date | None = None
    last_month_end: datetime.date | None = None


def _ratio(numerator: Fraction | int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    f = Fraction(numerator) / denominator
    return (Decimal(f.numerator) / Decimal(f.denominator)).quantize(PLACES, rounding=ROUND_HALF_UP)


def auc_fraction(scores_positive: Sequence[int], scores_negative: Sequence[int]) -> Fraction | None:
    """ROC AUC of "a lower score means at risk", exactly, by the rank (Mann–Whitney) method.

    The samples are ranked by risk (the lowest score is the highest risk and gets the highest rank),
    tied scores sharing the mean of their ranks; AUC = (sum of the positives' ranks − P(P + 1)/2) ÷ (P × N).
    """
    p, n = len(scores_positive), len(scores_negative)
    if not p or not n:
        return None
    labelled = sorted([(-s, True) for s in scores_positive] + [(-s, False) for s in scores_negative])
    rank_sum = Fraction(0)
    i = 0
    while i < len(labelled):
        j = i
        while j < len(labelled) and labelled[j][0] == labelled[i][0]:
            j += 1
        shared = Fraction((i + 1) + j, 2)  # the mean of ranks i + 1 … j
        rank_sum += shared * sum(1 for k in range(i, j) if labelled[k][1])
        i = j
    return (rank_sum - Fraction(p * (p + 1), 2)) / (p * n)


def evaluate(samples: Iterable[Sample], red_below: int, as_of: datetime.date) -> Backtest:
    """AUC and the confusion table of samples whose outcomes are known."""
    rows = list(samples)
    pos = [s.score for s in rows if s.positive]
    neg = [s.score for s in rows if not s.positive]
    tp = sum(1 for s in rows if s.positive and s.score < red_below)
    fp = sum(1 for s in rows if not s.positive and s.score < red_below)
    fn = len(pos) - tp
    tn = len(neg) - fp
    auc = auc_fraction(pos, neg)
    days = sorted(s.on for s in rows)
    return Backtest(
        as_of=as_of,
        window_days=WINDOW_DAYS,
        red_below=red_below,
        samples=len(rows),
        positives=len(pos),
        negatives=len(neg),
        auc=_ratio(auc, 1) if auc is not None else None,
        true_positives=tp,
        false_positives=fp,
        true_negatives=tn,
        false_negatives=fn,
        precision=_ratio(tp, tp + fp),
        recall=_ratio(tp, tp + fn),
        first_month_end=days[0] if days else None,
        last_month_end=days[-1] if days else None,
    )


def _month_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    result = []
    day = calc.month_end(first)
    while day <= last:
        result.append(day)
        day = calc.month_end(day + datetime.timedelta(days=1))
    return result


def _current_model_score(organization: Any) -> Any:
    """`(account_id, on, stored measures) -> score` under the organization's current weights (two queries)."""
    from keyaccount.health import scoring
    from keyaccount.health.base import MeasureValue

    model = HealthModel.objects.filter(organization=organization).first() or HealthModel(
        red_below=DEFAULT_RED_BELOW, green_from=70
    )
    measures = list(HealthMeasure.objects.filter(organization=organization))

    def rescore(account_id: int, on: datetime.date, stored: list[dict[str, Any]]) -> int | None:
        values = {m["key"]: MeasureValue(m["key"], m.get("value"), m.get("facts") or {}) for m in stored}
        return scoring.score(account_id, on, values, model, measures).score

    return rescore


def samples_of(
    organization: Any, accounts: Iterable[Any] | None = None, today: datetime.date | None = None
) -> list[Sample]:
    """The month-end snapshots with a known score under the current model, and their outcomes (see the
    module's definitions). Seven queries, whatever the history's size."""
    zone = organization_zone(organization)
    today = today or timezone.localdate(timezone=zone)
    last = today - datetime.timedelta(days=WINDOW_DAYS + 1)  # day + 90 < today
    snapshots = HealthSnapshot.objects.filter(organization=organization, on__lte=last)
    if accounts is not None:
        snapshots = snapshots.filter(account_id__in=[getattr(a, "pk", a) for a in accounts])
    first = snapshots.aggregate(first=Min("on"))["first"]
    if first is None:
        return []
    rows = list(
        snapshots.filter(on__in=_month_ends(first, last))
        .order_by("account_id", "on")
        .values_list("account_id", "on", "score", "measures")
    )
    rescore = _current_model_score(organization)
    ids = sorted({r[0] for r in rows})
    churned_on: dict[int, list[datetime.date]] = defaultdict(list)
    for account_id, moment in AccountStatusChange.objects.filter(
        organization=organization, account_id__in=ids, to_status=AccountStatus.CHURNED
    ).values_list("account_id", "created_at"):
        churned_on[account_id].append(timezone.localtime(moment, zone).date())
    contracts: dict[int, list[Contract]] = defaultdict(list)
    for contract in Contract.objects.filter(
        organization=organization,
        account_id__in=ids,
        status__in=BINDING_STATUSES,
        billing_model=BillingModel.RETAINER,
    ).prefetch_related("amendments"):
        contracts[contract.account_id].append(contract)

    samples = []
    for account_id, on, stored_score, stored_measures in rows:
        score = rescore(account_id, on, stored_measures) if stored_measures else stored_score
        if score is None:
            continue
        end = on + datetime.timedelta(days=WINDOW_DAYS)
        churned = any(on < d <= end for d in churned_on.get(account_id, []))
        own = contracts.get(account_id, [])
        shrank = any(
            m.kind in (calc.Movement.CONTRACTION, calc.Movement.CHURN)
            for m in calc.movements(calc.mrr_by_account(own, on), calc.mrr_by_account(own, end))
        )
        samples.append(Sample(account_id=account_id, on=on, score=score, positive=churned or shrank))
    return samples


def backtest(organization: Any, accounts: Iterable[Any] | None = None, today: datetime.date | None = None) -> Backtest:
    """How the organization's month-end health scores would have separated the accounts that churned or
    shrank within 90 days from those that did not (module docstring), at its current red threshold."""
    zone = organization_zone(organization)
    today = today or timezone.localdate(timezone=zone)
    model = HealthModel.objects.filter(organization=organization).values_list("red_below", flat=True).first()
    red_below = model if model is not None else DEFAULT_RED_BELOW
    return evaluate(samples_of(organization, accounts, today), red_below, today)
