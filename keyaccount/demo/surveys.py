"""Demo satisfaction data: a year of CSAT and NPS surveys to the decision makers of most accounts, and a few
thanks and complaints marked on logged interactions. Written in bulk (no audit trail), after the accounts,
contacts and interactions exist.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo
from typing import Any

from keyaccount.accounts.models import Account, AccountStatus
from keyaccount.comms.models import Direction, Feedback, Interaction, InteractionState
from keyaccount.contacts.models import Contact, DecisionRole
from keyaccount.surveys.models import Survey, SurveyKind

# (days before today the round is sent, kind); the latest round is recent, so some links still wait.
ROUNDS = [
    (350, SurveyKind.CSAT),
    (260, SurveyKind.NPS),
    (170, SurveyKind.CSAT),
    (80, SurveyKind.NPS),
    (6, SurveyKind.CSAT),
]
LINK_DAYS = 14
# How a client of each mood scores: weights of CSAT 1..5 and NPS 0..10.
CSAT_WEIGHTS = {"happy": [0, 1, 3, 10, 16], "fine": [1, 2, 6, 8, 3], "unhappy": [4, 6, 4, 2, 0]}
NPS_WEIGHTS = {
    "happy": [0, 0, 0, 0, 0, 1, 1, 3, 6, 9, 8],
    "fine": [0, 0, 1, 1, 2, 3, 4, 6, 5, 3, 1],
    "unhappy": [3, 2, 3, 4, 4, 3, 2, 1, 1, 0, 0],
}
COMMENTS = {
    "good": ["Reports are clear and on time.", "Отличная работа команды, спасибо!", "Quick answers, thank you."],
    "bad": ["Deadlines slipped twice this quarter.", "Хотелось бы быстрее получать ответы.", "Too many reminders."],
}
DECIDERS = [DecisionRole.DECISION_MAKER, DecisionRole.ECONOMIC_BUYER, DecisionRole.CHAMPION]


def _mood(account: Account, rng: random.Random) -> str:
    if account.status in (AccountStatus.AT_RISK, AccountStatus.CHURNED):
        return "unhappy" if rng.random() < 0.7 else "fine"
    return rng.choices(["happy", "fine", "unhappy"], weights=[55, 32, 13])[0]


def _recipients(contacts: list[Contact], rng: random.Random) -> list[Contact]:
    """One or two people with an email, decision makers first."""
    reachable = [c for c in contacts if c.email and c.left_on is None]
    deciders = [c for c in reachable if c.decision_role in DECIDERS]
    pool = deciders or reachable
    return pool[: rng.choice([1, 1, 2])]


def seed(organization: Any, rng: random.Random, today: datetime.date) -> dict[str, int]:
    """Surveys over the last year to the decision makers of about three accounts in four: most answered (a
    mix of scores by each client's mood, detractors included), some expired unanswered, the latest round
    partly still open; and about one held interaction in twenty marked as thanks or a complaint.

    Deterministic for a given `rng` and `today` (except the links' secret tokens). Returns the counts written.
    """
    zone = zoneinfo.ZoneInfo(organization.timezone)
    accounts = list(Account.objects.filter(organization=organization).order_by("pk"))
    contacts: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(organization=organization).order_by("pk"):
        contacts.setdefault(contact.account_id, []).append(contact)
    surveys: list[Survey] = []
    moods: dict[int, str] = {}
    for account in accounts:
        mood = moods[account.pk] = _mood(account, rng)
        if rng.random() > 0.75:
            continue
        people = _recipients(contacts.get(account.pk, []), rng)
        for days_ago, kind in ROUNDS:
            for contact in people:
                sent_day = today - datetime.timedelta(days=days_ago + rng.randint(0, 4))
                sent_at = datetime.datetime.combine(sent_day, datetime.time(10, rng.randint(0, 59)), tzinfo=zone)
                survey = Survey(
                    organization_id=organization.pk,
                    account=account,
                    contact=contact,
                    kind=kind,
                    email=contact.email,
                    sent_at=sent_at,
                    expires_at=sent_at + datetime.timedelta(days=LINK_DAYS),
                    sent_by_id=account.owner_id,
                )
                recent = days_ago < LINK_DAYS
                if rng.random() < (0.4 if recent else 0.75):
                    delay = datetime.timedelta(days=rng.randint(0, 5 if recent else 10), hours=rng.randint(1, 8))
                    survey.answered_at = sent_at + delay
                    survey.score = _score(kind, mood, rng)
                    if rng.random() < 0.35:
                        good = survey.score >= (4 if kind == SurveyKind.CSAT else 9)
                        survey.comment = rng.choice(COMMENTS["good" if good else "bad"])
                surveys.append(survey)
    Survey.objects.bulk_create(surveys, batch_size=500)
    marked = _mark_feedback(organization, rng, today, moods)
    return {"surveys": len(surveys), "answered": sum(1 for s in surveys if s.score is not None), "feedback": marked}


def _score(kind: str, mood: str, rng: random.Random) -> int:
    if kind == SurveyKind.CSAT:
        return rng.choices(range(1, 6), weights=CSAT_WEIGHTS[mood])[0]
    return rng.choices(range(0, 11), weights=NPS_WEIGHTS[mood])[0]


def _mark_feedback(organization: Any, rng: random.Random, today: datetime.date, moods: dict[int, str]) -> int:
    """Thanks from the happier clients and complaints from the unhappy ones, on held client interactions."""
    since = datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time.min, tzinfo=datetime.UTC)
    held = list(
        Interaction.objects.filter(organization=organization, state=InteractionState.DONE, occurred_at__gte=since)
        .exclude(direction=Direction.INTERNAL)
        .only("pk", "account_id")
        .order_by("pk")
    )
    marked = []
    for interaction in held:
        if rng.random() >= 0.05:
            continue
        mood = moods.get(interaction.account_id, "fine")
        complaint = rng.random() < {"happy": 0.15, "fine": 0.4, "unhappy": 0.8}[mood]
        interaction.feedback = Feedback.COMPLAINT if complaint else Feedback.THANKS
        marked.append(interaction)
    Interaction.objects.bulk_update(marked, ["feedback"], batch_size=500)
    return len(marked)
