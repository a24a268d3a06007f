"""The money side's daily lifecycle of contracts: a signed contract becomes active on its start date, an
auto-renewing one renews itself for another term unless notice was given, the rest expire or end; and the
account manager hears of each notice deadline a month ahead. Safe to run twice or concurrently."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Collection
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext

from keyaccount.billing.models import (
    LIVE_STATUSES,
    NOTICE_WINDOW_DAYS,
    Amendment,
    AmendmentKind,
    Contract,
    ContractStatus,
    Renewal,
    RenewalOutcome,
)
from keyaccount.billing.services._contract_checks import ONE_DAY, set_status
from keyaccount.billing.services.renewals import renewal_record

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


def _next_term_end(contract: Contract) -> datetime.date:
    """The end of a new term as long as the last one: the last renewal's term, or the contract's first."""
    assert contract.end_date is not None
    renewals = Amendment.objects.filter(contract=contract, kind=AmendmentKind.RENEWAL).values_list(
        "effective_date", flat=True
    )
    term_start = max(renewals, default=contract.start_date)
    length = relativedelta(contract.end_date + ONE_DAY, term_start)
    if not any((length.years, length.months, length.days)):
        length = relativedelta(days=1)
    next_start: datetime.date = contract.end_date + ONE_DAY + length
    return next_start - ONE_DAY


def _auto_renew(contract: Contract, today: datetime.date) -> int:
    """Renew the contract's terms that ended before today, each once; returns how many terms renewed."""
    renewed = 0
    while contract.end_date is not None and contract.end_date < today:
        term_end = contract.end_date
        new_end = _next_term_end(contract)
        try:
            with transaction.atomic():
                renewal_record(
                    actor=None,
                    contract=contract,
                    outcome=RenewalOutcome.RENEWED,
                    decided_on=term_end,
                    new_end_date=new_end,
                    note=gettext("Renewed automatically: no notice was given."),
                    automatic=True,
                    term_end=term_end,
                )
                contract.refresh_from_db()
                # Told in the same transaction: the renewal and its notice are kept together or not at all.
                _tell_renewed(contract, term_end)
        except (IntegrityError, ValidationError):
            # Another run renewed this term first (or it was decided meanwhile): nothing more to do here.
            return renewed
        renewed += 1
    return renewed


def _tell_renewed(contract: Contract, term_end: datetime.date) -> None:
    from keyaccount.notifications.services import notify

    owner = contract.account.owner
    if owner is None or not owner.is_active:
        return
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        notify(
            recipient=owner,
            kind="contract_renewed",
            title=gettext("Contract %(number)s renewed automatically") % {"number": contract.number},
            body=gettext("%(account)s · the term after %(end)s runs to %(new_end)s")
            % {
                "account": contract.account.name,
                "end": formats.date_format(term_end, "SHORT_DATE_FORMAT"),
                "new_end": formats.date_format(contract.end_date, "SHORT_DATE_FORMAT"),  # type: ignore[arg-type]  # renewed: it ends
            },
            subject=contract,
            url=reverse("billing:contract_detail", args=[contract.pk]),
        )


# A contract comes up for renewal this many days before its notice deadline: the account manager is told.
RENEWAL_REMINDER_DAYS = NOTICE_WINDOW_DAYS


def run_renewal_reminders(today: datetime.date, organization_ids: Collection[int] | None = None) -> int:
    """Tell each account manager, once per term, that a contract's notice deadline is 30 days away or less.

    Live contracts with an end date, no notice given and no outcome recorded for the term qualify. The
    reminder is claimed with a conditional UPDATE of `renewal_reminded_for` before anyone is told, so two
    runs at once remind once; a renewal (a new term, a new end date) re-arms it.
    """
    from django.db.models import Exists, OuterRef

    decided = Renewal.objects.filter(contract_id=OuterRef("pk"), term_end=OuterRef("end_date"))
    candidates = (
        Contract.objects.filter(
            status__in=LIVE_STATUSES,
            end_date__isnull=False,
            end_date__gte=today,
            notice_given_on__isnull=True,
            terminated_on__isnull=True,
        )
        .exclude(Exists(decided))
        .exclude(renewal_reminded_for=F("end_date"))
        .select_related("account", "account__owner")
    )
    if organization_ids is not None:
        candidates = candidates.filter(organization_id__in=organization_ids)
    sent = 0
    for contract in candidates:
        deadline = contract.notice_deadline
        assert deadline is not None
        if (deadline - today).days > RENEWAL_REMINDER_DAYS:
            continue
        with transaction.atomic():
            claimed = (
                Contract.objects.filter(pk=contract.pk, end_date=contract.end_date)
                .exclude(renewal_reminded_for=contract.end_date)
                .update(renewal_reminded_for=contract.end_date)
            )
            if claimed != 1:
                continue
            _tell_renewal_due(contract, deadline, today)
        sent += 1
    return sent


def _tell_renewal_due(contract: Contract, deadline: datetime.date, today: datetime.date) -> None:
    from keyaccount.notifications.services import notify

    owner = contract.account.owner
    if owner is None or not owner.is_active:
        return
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        if deadline < today:
            body = gettext("%(account)s · the notice deadline %(deadline)s has passed; the term ends %(end)s")
        else:
            body = gettext("%(account)s · notice deadline %(deadline)s; the term ends %(end)s")
        notify(
            recipient=owner,
            kind="renewal_due",
            title=gettext("Contract %(number)s comes up for renewal") % {"number": contract.number},
            body=body
            % {
                "account": contract.account.name,
                "deadline": formats.date_format(deadline, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(contract.end_date, "SHORT_DATE_FORMAT"),  # type: ignore[arg-type]  # reminded: it ends
            },
            subject=contract,
            url=reverse("billing:renewal_list"),
        )


def run_contract_lifecycle(today: datetime.date, organization_ids: Collection[int] | None = None) -> dict[str, int]:
    """Move every organization's contracts along on `today`; safe to run twice or concurrently.

    Signed contracts become active on their start date; an active auto-renewing contract whose end passed
    without notice or a recorded outcome renews for a term as long as its last one (and its account
    manager is told); other contracts past their last day expire or, when terminated early, end.
    `organization_ids` limits it to the organizations whose today it is.
    """
    counts = {"activated": 0, "renewed": 0, "expired": 0, "terminated": 0}
    contracts = Contract.objects.all()
    if organization_ids is not None:
        contracts = contracts.filter(organization_id__in=organization_ids)
    for contract in contracts.filter(status=ContractStatus.SIGNED, start_date__lte=today).exclude(
        terminated_on__lt=today
    ):
        with transaction.atomic():
            if set_status(contract, ContractStatus.ACTIVE, actor=None):
                counts["activated"] += 1

    due = contracts.filter(
        status=ContractStatus.ACTIVE,
        auto_renew=True,
        end_date__lt=today,
        notice_given_on__isnull=True,
        terminated_on__isnull=True,
    ).select_related("account", "account__owner")
    for contract in due:
        if Renewal.objects.filter(contract=contract, term_end=contract.end_date).exists():  # type: ignore[misc]  # due ones end (end_date__lt)
            continue
        counts["renewed"] += _auto_renew(contract, today)

    for contract in contracts.filter(status__in=LIVE_STATUSES, terminated_on__lt=today):
        with transaction.atomic():
            if set_status(contract, ContractStatus.TERMINATED, actor=None):
                counts["terminated"] += 1
    for contract in contracts.filter(status=ContractStatus.ACTIVE, end_date__lt=today):
        with transaction.atomic():
            if set_status(contract, ContractStatus.EXPIRED, actor=None):
                counts["expired"] += 1
    logger.info("contract lifecycle %s: %s", today.isoformat(), counts)
    return counts
