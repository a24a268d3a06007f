"""Sending satisfaction surveys and taking their answers.

A survey goes to one contact by email with a link only they hold (a random token). The link answers once,
until it expires; the answer is claimed with a conditional UPDATE, so two submissions at the same moment
store exactly one. Sending locks the account's row, so two sends at once do not give one person two links.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.contacts.models import Contact
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import full_clean
from keyaccount.core.tasks import enqueue_with_change
from keyaccount.surveys.models import Survey, SurveyKind
from keyaccount.surveys.selectors import SURVEY_CAPABILITY, open_survey_contact_ids
from keyaccount.tenancy.permissions import require_on_account

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

SCORE_RANGE = {SurveyKind.CSAT: (1, 5), SurveyKind.NPS: (0, 10)}
MAX_EXPIRY_DAYS = 90
MAX_COMMENT = 5000
AUDITED_FIELDS = ["account", "contact", "kind", "email", "expires_at"]


class SurveyClosed(Exception):
    """The link cannot take an answer: `reason` is "unknown" (no such token), "answered" or "expired"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _recipients(account: Account, contacts: Iterable[Contact], kind: str, now: datetime.datetime) -> list[Contact]:
    """The chosen people, each once: of this account (home or a role on it), with an email, still there, and
    without a survey of this kind already waiting for them."""
    chosen = {c.pk: c for c in contacts}
    if not chosen:
        raise ValidationError({"contacts": _("Choose at least one contact.")})
    of_account = {
        c.pk: c
        for c in Contact.objects.filter(organization_id=account.organization_id, pk__in=list(chosen))
        .filter(Q(account_id=account.pk) | Q(other_roles__account_id=account.pk))
        .distinct()
    }
    if set(chosen) - set(of_account):
        raise ValidationError({"contacts": _("Choose people who work at this account or have a role on it.")})
    problems = []
    waiting = open_survey_contact_ids(account.pk, kind, now)
    for contact in sorted(of_account.values(), key=lambda c: c.name):
        if not contact.email:
            problems.append(_("%(name)s has no email address.") % {"name": contact.name})
        elif contact.left_on is not None and contact.left_on <= timezone.localdate(now):
            problems.append(_("%(name)s has left the company.") % {"name": contact.name})
        elif contact.pk in waiting:
            problems.append(
                _("%(name)s already has a survey of this kind waiting for an answer.") % {"name": contact.name}
            )
    if problems:
        raise ValidationError({"contacts": problems})
    return sorted(of_account.values(), key=lambda c: c.pk)


@transaction.atomic
def send_surveys(
    *,
    actor: User,
    account: Account,
    contacts: Iterable[Contact],
    kind: str,
    expires_in_days: int = 14,
) -> list[Survey]:
    """Send a CSAT or NPS question to each chosen contact of the account: one survey and one email each.

    Account managers, assistants, heads and admins on the account may send. The emails are queued in the
    same transaction, so they go out exactly when the surveys exist. Nothing is sent unless every contact
    qualifies.
    """
    require_on_account(actor, account.pk, SURVEY_CAPABILITY, message=_("You cannot send surveys for this account."))
    if kind not in SurveyKind.values:
        raise ValidationError({"kind": _("Choose CSAT or NPS.")})
    if not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationError(
            {"expires_in_days": _("The link works from 1 to %(max)d days.") % {"max": MAX_EXPIRY_DAYS}}
        )
    # Two sends for the account at once (a double click) wait for each other here, so the second sees the
    # first one's surveys as waiting and is refused instead of emailing the same person twice.
    Account.objects.select_for_update().filter(pk=account.pk).values_list("pk", flat=True).first()
    now = clock.now()
    recipients = _recipients(account, contacts, kind, now)
    from keyaccount.surveys.tasks import send_survey_email

    surveys = []
    for contact in recipients:
        survey = Survey(
            organization_id=account.organization_id,
            account=account,
            contact=contact,
            kind=kind,
            email=contact.email,
            sent_at=now,
            expires_at=now + datetime.timedelta(days=expires_in_days),
            sent_by=actor,
        )
        full_clean(survey)
        survey.save()
        audit_create(actor=actor, instance=survey, fields=AUDITED_FIELDS, account_id=account.pk)
        enqueue_with_change(send_survey_email, survey.pk)
        surveys.append(survey)
    return surveys


def _score(kind: str, score: object) -> int:
    low, high = SCORE_RANGE[SurveyKind(kind)]
    message = _("Choose a score from %(low)d to %(high)d.") % {"low": low, "high": high}
    if isinstance(score, bool):
        raise ValidationError({"score": message})
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError):
        raise ValidationError({"score": message}) from None
    if not low <= value <= high:
        raise ValidationError({"score": message})
    return value


@transaction.atomic
def answer(*, token: str, score: object, comment: str = "") -> Survey:
    """The contact's answer through the public link; no sign-in. One answer per link, before it expires.

    A forged, used or expired link raises SurveyClosed and stores nothing; a score out of the kind's range
    (CSAT 1–5, NPS 0–10) or an over-long comment raises ValidationError naming the field.
    """
    from keyaccount.surveys.selectors import survey_by_token

    survey = survey_by_token(token)
    if survey is None:
        raise SurveyClosed("unknown")
    now = clock.now()
    if survey.answered_at is not None:
        raise SurveyClosed("answered")
    if survey.expires_at <= now:
        raise SurveyClosed("expired")
    value = _score(survey.kind, score)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("Keep the comment under %(max)d characters.") % {"max": MAX_COMMENT}})
    # The claim: only a link still unanswered and unexpired at this moment takes the answer.
    claimed = Survey.objects.filter(pk=survey.pk, answered_at__isnull=True, expires_at__gt=now).update(
        score=value, comment=comment, answered_at=now, updated_at=now
    )
    if claimed != 1:
        fresh = Survey.objects.filter(pk=survey.pk).values_list("answered_at", flat=True).first()
        raise SurveyClosed("answered" if fresh is not None else "expired")
    survey.score, survey.comment, survey.answered_at, survey.updated_at = value, comment, now, now
    audit_record(
        actor=None,
        organization_id=survey.organization_id,
        action=AuditAction.UPDATE,
        instance=survey,
        changes={"score": [None, value], "answered_at": [None, now.isoformat()]},
        account_id=survey.account_id,
    )
    # The UPDATE above bypasses save(); tell listeners (account health) the survey changed, as a save would.
    post_save.send(
        sender=Survey,
        instance=survey,
        created=False,
        update_fields=frozenset({"score", "comment", "answered_at", "updated_at"}),
        raw=False,
        using=Survey.objects.db,
    )
    return survey
