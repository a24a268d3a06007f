"""Background work of the tenancy app."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from keyaccount.tenancy.models import Invitation


@task()
def send_invitation_email(invitation_id: int, accept_url: str) -> None:
    """Email the invitation link; runs in the worker after the invitation is committed."""
    invitation = Invitation.objects.select_related("organization", "invited_by").get(pk=invitation_id)
    with translation.override(getattr(invitation.invited_by, "language", None) or settings.LANGUAGE_CODE):
        context = {"invitation": invitation, "accept_url": accept_url}
        subject = render_to_string("tenancy/email/invitation_subject.txt", context).strip()
        body = render_to_string("tenancy/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
