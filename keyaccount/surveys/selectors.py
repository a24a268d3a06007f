"""Reads of satisfaction surveys: the ones the actor may see, a survey by its public token, the latest answers
per account (for health), and the thanks and complaints logged with interactions.

Surveys are seen by the people who look after the client relationship (admins, heads, account managers and
assistants on the account's team); specialists, sales and clients never see them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from keyaccount.comms.models import Feedback, Interaction, InteractionState
from keyaccount.core import clock
from keyaccount.core.arithmetic import ratio
from keyaccount.surveys.models import Survey
from keyaccount.tenancy.actors import Actor
from keyaccount.tenancy.permissions import can, scoped_to_accounts_q

# The roles that send and read surveys are exactly those that edit an account's records: admin, head,
# account manager, assistant. One capability, so the rule stays in tenancy/permissions.py.
SURVEY_CAPABILITY = "edit_account"


def may_see_surveys(actor: Actor) -> bool:
    return can(actor, SURVEY_CAPABILITY)


def surveys_visible_to(actor: Actor) -> QuerySet[Survey]:
    """Surveys of the accounts the actor sees, if their role reads surveys; with what a list shows."""
    return Survey.objects.filter(scoped_to_accounts_q(actor, SURVEY_CAPABILITY)).select_related(
        "account", "contact", "sent_by"
    )


def survey_get_for(actor: Actor, pk: object) -> Survey:
    """One survey the actor sees; 404 otherwise (another organization's, or a role that never sees surveys)."""
    try:
        return surveys_visible_to(actor).get(pk=int(str(pk)))
    except (Survey.DoesNotExist, ValueError):
        raise Http404 from None


def survey_by_token(token: str) -> Survey | None:
    """The survey behind a public link, with the organization's name for the page; None for a forged token."""
    if not token or len(token) > 64:
        return None
    return Survey.objects.select_related("organization", "sent_by").filter(token=token).first()


def _zone(account_ids: list[int]) -> datetime.tzinfo:
    from keyaccount.accounts.models import Account

    name = Account.objects.filter(pk=account_ids[0]).values_list("organization__timezone", flat=True).first()
    return clock.zone_named(name)


def latest_answers(
    account_ids: Iterable[int], as_of: datetime.date, *, tz: datetime.tzinfo | None = None
) -> dict[int, dict[str, tuple[int, datetime.date]]]:
    """The latest answer of each kind per account, answered by the end of `as_of`.

    {account_id: {"csat": (score, answered_on), "nps": (score, answered_on)}}; a kind never answered is
    absent, an account with no answers too. Days are in `tz`, by default the accounts' organization's
    time zone. Two queries at most, whatever the number of accounts.
    """
    ids = list(account_ids)
    if not ids:
        return {}
    zone = tz or _zone(ids)
    end = datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    rows = (
        Survey.objects.filter(account_id__in=ids, answered_at__lt=end, score__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("account_id"), F("kind")],
                order_by=[F("answered_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values_list("account_id", "kind", "score", "answered_at")
    )
    result: dict[int, dict[str, tuple[int, datetime.date]]] = {}
    for account_id, kind, score, answered_at in rows:
        result.setdefault(account_id, {})[kind] = (score, answered_at.astimezone(zone).date())  # type: ignore[assignment,union-attr]  # answered: score and time set
    return result


def feedback_from_interactions(actor: Actor, start: datetime.datetime, end: datetime.datetime) -> QuerySet[Interaction]:
    """Held interactions in [start, end) where the client thanked us or complained, on the accounts whose
    surveys the actor sees; newest first. Not scored answers: the CSAT and NPS KPIs never count them."""
    if not may_see_surveys(actor):
        return Interaction.objects.none()
    return (
        Interaction.objects.filter(
            scoped_to_accounts_q(actor, "see_interactions"),
            state=InteractionState.DONE,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .exclude(feedback=Feedback.NONE)
        .select_related("account", "logged_by")
        .order_by("-occurred_at", "-pk")
    )


def open_survey_contact_ids(account_id: int, kind: str, now: datetime.datetime) -> set[int]:
    """Contacts of the account who already have a survey of this kind waiting for their answer."""
    return set(
        Survey.objects.filter(
            Q(account_id=account_id, kind=kind, answered_at__isnull=True, expires_at__gt=now)
        ).values_list("contact_id", flat=True)
    )


# --- scores -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """A satisfaction score over the answers of a period: numerator ÷ denominator, None without answers."""

    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        return ratio(self.numerator, self.denominator)


def answers_between(
    account_ids: QuerySet[Any], kind: str, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Survey]:
    """Answers of `kind` given in [start, end) on those accounts (by the time of the answer)."""
    return Survey.objects.filter(
        account__in=account_ids, kind=kind, answered_at__gte=start, answered_at__lt=end, score__isnull=False
    )


def csat_of(answers: QuerySet[Survey]) -> Score:
    """CSAT: answers of 4 or 5 ÷ all answers (the response count is the denominator)."""
    counts = answers.aggregate(total=Count("pk"), satisfied=Count("pk", filter=Q(score__gte=4)))
    return Score(counts["satisfied"], counts["total"])


def nps_of(answers: QuerySet[Survey]) -> Score:
    """NPS: (promoters, 9–10, − detractors, 0–6) ÷ all answers, from −1 to 1; passives (7–8) count below only."""
    counts = answers.aggregate(
        total=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=9)),
        detractors=Count("pk", filter=Q(score__lte=6)),
    )
    return Score(counts["promoters"] - counts["detractors"], counts["total"])
