"""Background work of the surveys app."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from keyaccount.surveys.models import Survey


def answer_url(survey: Survey) -> str:
    """The public link of a survey, on the address the installation is reached at (SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + reverse("surveys:answer", args=[survey.token])


@task()
def send_survey_email(survey_id: int) -> None:
    """Email the survey's link to the contact; runs in the worker after the survey is committed.

    Written in the sender's language (the team knows the client's language best). An already answered
    survey is not emailed again.
    """
    survey = Survey.objects.select_related("organization", "contact", "sent_by").filter(pk=survey_id).first()
    if survey is None or survey.answered_at is not None:
        return
    with translation.override(getattr(survey.sent_by, "language", None) or settings.LANGUAGE_CODE):
        context = {"survey": survey, "organization": survey.organization, "answer_url": answer_url(survey)}
        subject = render_to_string("surveys/email/survey_subject.txt", context).strip()
        body = render_to_string("surveys/email/survey.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [survey.email])
