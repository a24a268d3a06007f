"""The backtest against hand-computed separations and a small hand-built history."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.accounts.models import AccountStatusChange
from keyaccount.billing.models import Amendment
from keyaccount.billing.tests.factories import ContractFactory
from keyaccount.core.tests.factories import AccountFactory
from keyaccount.health.backtest import auc_fraction, backtest
from keyaccount.health.models import HealthModel, HealthSnapshot
from keyaccount.health.tests.fixtures_measures import D, created

TODAY = D(2026, 6, 1)  # month-ends up to 2026-03-02 have had their 90 days


@pytest.mark.parametrize(
    ("positives", "negatives", "auc"),
    [
        ([10, 20], [50, 60], Fraction(1)),  # perfect: every account lost scored lower
        ([50, 60], [10, 20], Fraction(0)),  # inverted
        ([30, 50], [50, 70], Fraction(7, 8)),  # (1 + 1 + ½ + 1) ÷ 4, the tie counted half
        ([50], [50], Fraction(1, 2)),  # all tied
        ([20, 60], [40, 80, 10], Fraction(1, 2)),  # 20<40, 20<80, 60<80: 3 of 6 pairs
    ],
)
def test_auc_is_the_share_of_pairs_where_the_lost_account_scored_lower(positives, negatives, auc):
    assert auc_fraction(positives, negatives) == auc


def test_auc_is_none_when_a_class_is_empty():
    assert auc_fraction([], [10]) is None
    assert auc_fraction([10], []) is None


def _snap(account, on, score):
    return HealthSnapshot.objects.create(
        organization=account.organization, account=account, on=on, score=score, band="unknown", measures=[]
    )


@pytest.fixture
def history(org, acme, globex, initech):
    """Samples (month-ends to 2026-02-28; 2026-03-31 has not had its 90 days by 2026-06-01):
    acme     01-31 30 lost, 02-28 35 lost   — churned on 04-10
    globex   01-31 80 kept, 02-28 45 lost   — its retainer went from 100 000 to 60 000 on 05-15
    wayne    01-31 90 kept, 02-28 30 kept, 02-27 score unknown
    Not samples: acme 01-15 (not a month-end), acme 03-31 (too recent), an unknown score, initech
    (another organization)."""
    HealthModel.objects.create(organization=org, red_below=40, green_from=70)
    wayne = AccountFactory(organization=org, name="Wayne")
    for account, rows in (
        (acme, [(D(2026, 1, 15), 10), (D(2026, 1, 31), 30), (D(2026, 2, 28), 35), (D(2026, 3, 31), 20)]),
        (globex, [(D(2026, 1, 31), 80), (D(2026, 2, 28), 45)]),
        (wayne, [(D(2026, 1, 31), 90), (D(2026, 2, 28), 30), (D(2026, 2, 27), None)]),
        (initech, [(D(2026, 1, 31), 10)]),
    ):
        for on, score in rows:
            _snap(account, on, score)
    churn = AccountStatusChange.objects.create(
        organization=org, account=acme, from_status="active", to_status="churned"
    )
    created(churn, D(2026, 4, 10))
    retainer = ContractFactory(account=globex, start_date=D(2025, 1, 1), end_date=None, value=Decimal("100000"))
    Amendment.objects.create(
        organization=org, contract=retainer, effective_date=D(2026, 5, 15), new_value=Decimal("60000")
    )
    other = AccountStatusChange.objects.create(
        organization=initech.organization, account=initech, from_status="active", to_status="churned"
    )
    created(other, D(2026, 2, 10))
    return {"acme": acme, "globex": globex, "wayne": wayne}


def test_backtest_scores_the_organizations_history(org, history):
    result = backtest(org, today=TODAY)
    assert (result.samples, result.positives, result.negatives) == (6, 3, 3)
    # lost 30, 35, 45 against kept 80, 90, 30: 2.5 + 2 + 2 of 9 pairs
    assert result.auc == Decimal("0.7222")
    # red below 40: lost 30, 35 (caught), 45 (missed); kept 30 (false alarm), 80, 90
    assert (result.true_positives, result.false_negatives, result.false_positives, result.true_negatives) == (
        2,
        1,
        1,
        2,
    )
    assert (result.precision, result.recall) == (Decimal("0.6667"), Decimal("0.6667"))
    assert (result.first_month_end, result.last_month_end) == (D(2026, 1, 31), D(2026, 2, 28))


def test_backtest_of_some_accounts(org, history):
    result = backtest(org, accounts=[history["globex"]], today=TODAY)
    assert (result.samples, result.positives, result.auc) == (2, 1, Decimal("1.0000"))
    assert (result.true_positives, result.true_negatives, result.precision, result.recall) == (0, 1, None, Decimal("0"))


def test_backtest_counts_what_happened_within_the_90_days_only(org, history):
    # on 2026-05-02 only January has had its 90 days (to 05-01): acme churned 04-10, 69 days after it
    # (lost); globex shrank 05-15, 104 days after it (kept)
    result = backtest(org, today=D(2026, 5, 2))
    assert (result.samples, result.positives) == (3, 1)


def test_backtest_without_history_answers_no_auc(org, acme):
    result = backtest(org, today=TODAY)
    assert (result.samples, result.auc, result.precision, result.recall) == (0, None, None, None)


def test_backtest_runs_the_same_queries_for_2_and_20_accounts(org):
    accounts = []
    for i in range(20):
        account = AccountFactory(organization=org, name=f"A{i}")
        _snap(account, D(2026, 1, 31), 10 * (i % 10))
        ContractFactory(account=account, start_date=D(2025, 1, 1), end_date=None)
        accounts.append(account)
    counts = []
    for some in (accounts[:2], accounts):
        with CaptureQueriesContext(connection) as queries:
            result = backtest(org, accounts=some, today=TODAY)
        assert result.samples == len(some)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_backtest_weighs_the_stored_measures_with_the_current_model_so_new_weights_show_at_once(org, acme, globex):
    """acme churned after 2026-01-31; globex did not. On that day acme's contact recency was 20 and its
    satisfaction 90; globex's 80 and 30. Stored scores (equal weights): acme 55, globex 55: a tie."""
    from keyaccount.health.models import HealthMeasure

    HealthModel.objects.create(organization=org, red_below=40, green_from=70)
    weights = {"contact_recency": 1, "satisfaction": 1}
    for key, weight in weights.items():
        HealthMeasure.objects.create(organization=org, key=key, weight=weight)
    for account, recency, satisfaction in ((acme, 20, 90), (globex, 80, 30)):
        HealthSnapshot.objects.create(
            organization=org,
            account=account,
            on=D(2026, 1, 31),
            score=55,
            band="yellow",
            measures=[{"key": "contact_recency", "value": recency}, {"key": "satisfaction", "value": satisfaction}],
        )
    created(
        AccountStatusChange.objects.create(organization=org, account=acme, from_status="active", to_status="churned"),
        D(2026, 3, 1),
    )

    assert backtest(org, today=TODAY).auc == Decimal("0.5000")  # 55 against 55

    # Contact recency alone: acme 20 < globex 80, and 20 is red: a perfect catch.
    HealthMeasure.objects.filter(organization=org, key="satisfaction").update(enabled=False)
    result = backtest(org, today=TODAY)
    assert (result.auc, result.true_positives, result.false_positives) == (Decimal("1.0000"), 1, 0)

    # Satisfaction alone: acme 90 > globex 30: exactly inverted, and globex is the false alarm.
    HealthMeasure.objects.filter(organization=org).update(enabled=True)
    HealthMeasure.objects.filter(organization=org, key="contact_recency").update(enabled=False)
    result = backtest(org, today=TODAY)
    assert (result.auc, result.true_positives, result.false_positives) == (Decimal("0.0000"), 0, 1)

    # Nothing that counts is known: no samples.
    HealthMeasure.objects.filter(organization=org).update(enabled=False)
    HealthMeasure.objects.filter(organization=org, key="overdue_work").delete()
    HealthMeasure.objects.create(organization=org, key="overdue_work", weight=1)
    assert backtest(org, today=TODAY).samples == 0
