"""Periodic jobs of the communications log: the morning digest of contacts due by cadence."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from keyaccount.comms.selectors import contacts_due, due_rows
from keyaccount.core import clock
from keyaccount.notifications.models import NotificationKind
from keyaccount.notifications.services import notify
from keyaccount.tenancy.models import Role, User

# The digest names this many contacts; the day page lists them all.
DIGEST_NAMES = 15


def _line(contact) -> str:
    if contact.days_overdue is None:
        when = _("never contacted")
    elif contact.days_overdue > 0:
        when = ngettext("%(days)d day overdue", "%(days)d days overdue", contact.days_overdue) % {
            "days": contact.days_overdue
        }
    else:
        when = _("due today")
    return _("%(name)s (%(account)s): %(when)s") % {"name": contact.name, "account": contact.account.name, "when": when}


def send_digest_to(am: User) -> bool:
    """Tell one account manager which contacts of their accounts are due today; False when none are."""
    today = timezone.localdate(timezone=clock.user_zone(am))
    due = contacts_due(am, today)
    total = due.count()
    if not total:
        return False
    rows = due_rows(am, due[:DIGEST_NAMES], today)
    with translation.override(am.language or settings.LANGUAGE_CODE):
        lines = [_line(c) for c in rows]
        if total > len(rows):
            lines.append(_("…and %(count)d more.") % {"count": total - len(rows)})
        notify(
            recipient=am,
            kind=NotificationKind.CONTACTS_DUE,
            title=ngettext("%(count)d contact is due today", "%(count)d contacts are due today", total)
            % {"count": total},
            body="\n".join(lines),
            url=reverse("home"),
        )
    return True


@task()
def send_contacts_due_digest() -> int:
    """Each morning (08:00 on weekdays, by the scheduler): every account manager gets their contacts due."""
    managers = User.objects.filter(is_active=True, membership__role=Role.ACCOUNT_MANAGER).select_related("membership")
    return sum(send_digest_to(am) for am in managers)
