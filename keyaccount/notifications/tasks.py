"""Background work of notifications: the email copy of a notification."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from keyaccount.core import clock
from keyaccount.notifications.models import Notification


@task()
def send_notification_email(notification_id: int) -> None:
    """Email one notification to its recipient, once: the claim on `emailed_at` stops a second worker."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or not notification.recipient.is_active:
        return
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=clock.now())
    if claimed != 1:
        return
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {"notification": notification, "recipient": recipient, "site_url": settings.SITE_URL.rstrip("/")}
        subject = render_to_string("notifications/email/notification_subject.txt", context).strip()
        body = render_to_string("notifications/email/notification.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
