"""The private calendar feed: a person's open tasks with a deadline and their planned interactions, as iCalendar.

Calendar apps subscribe to `/calendar/<token>.ics` without signing in, so the token is the key: it is
long and random, and revoking it (or leaving the organization) makes the address answer 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import icalendar
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from keyaccount.comms.models import Interaction, InteractionState
from keyaccount.core import clock
from keyaccount.tenancy.models import User
from keyaccount.tenancy.permissions import membership_of, scoped_to_accounts_q, visible_tasks_q
from keyaccount.work.models import Task

# Planned interactions older than this are left out: the feed is for what is coming.
PAST_WINDOW = datetime.timedelta(days=30)
TASK_BLOCK = datetime.timedelta(minutes=30)
DEFAULT_MEETING = datetime.timedelta(minutes=30)


def user_by_calendar_token(token: str) -> User:
    """The active member whose feed this is, or 404 (unknown, revoked, or no longer a member)."""
    if not token:
        raise Http404
    user = User.objects.filter(calendar_token=token, is_active=True).select_related("membership").first()
    if user is None or membership_of(user) is None:
        raise Http404
    return user


def feed_tasks(user: User) -> list[Task]:
    """Open tasks assigned to the person that have a deadline, within what they may see."""
    return list(
        Task.objects.filter(visible_tasks_q(user), assignee_id=user.pk, due_at__isnull=False)
        .open()
        .select_related("account")
        .order_by("due_at", "pk")
    )


def feed_interactions(user: User, now: datetime.datetime) -> list[Interaction]:
    """Planned interactions the person takes part in or planned, from a month ago on."""
    taking_part = Interaction.users.through.objects.filter(user_id=user.pk).values("interaction_id")
    return list(
        Interaction.objects.filter(
            scoped_to_accounts_q(user, "see_interactions"),
            Q(pk__in=taking_part) | Q(logged_by_id=user.pk),
            state=InteractionState.PLANNED,
            occurred_at__gte=now - PAST_WINDOW,
        )
        .select_related("account")
        .prefetch_related("contacts")
        .order_by("occurred_at", "pk")
    )


def calendar_feed(user: User, absolute: Callable[[str], str], host: str) -> bytes:
    """The person's feed as iCalendar bytes; `absolute` turns a path into a full link."""
    now = clock.now()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Keyaccount//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Keyaccount: %(name)s") % {"name": user.get_full_name()})
    cal.add("x-wr-timezone", user.timezone)
    for task in feed_tasks(user):
        event = icalendar.Event()
        event.add("uid", f"task-{task.pk}@{host}")
        event.add("dtstamp", task.updated_at)
        event.add("dtstart", task.due_at - TASK_BLOCK)  # type: ignore[operator]  # feed_tasks() has due times only
        event.add("dtend", task.due_at)
        event.add("summary", _("Due: %(title)s (%(account)s)") % {"title": task.title, "account": task.account.name})
        if task.description:
            event.add("description", task.description)
        event.add("url", absolute(reverse("work:task_detail", args=[task.pk])))
        event.add("categories", [_("Task")])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    for meeting in feed_interactions(user, now):
        event = icalendar.Event()
        event.add("uid", f"interaction-{meeting.pk}@{host}")
        event.add("dtstamp", meeting.updated_at)
        event.add("dtstart", meeting.occurred_at)
        length = datetime.timedelta(minutes=meeting.duration_minutes) if meeting.duration_minutes else DEFAULT_MEETING
        event.add("dtend", meeting.occurred_at + length)
        title = meeting.subject or meeting.get_kind_display()
        event.add("summary", _("%(title)s (%(account)s)") % {"title": title, "account": meeting.account.name})
        people = ", ".join(c.name for c in meeting.contacts.all())
        if people or meeting.summary:
            event.add("description", "\n".join(part for part in (people, meeting.summary) if part))
        event.add("url", absolute(reverse("comms:interaction_detail", args=[meeting.pk])))
        event.add("categories", [meeting.get_kind_display()])
        cal.add_component(event)
    return cal.to_ical()
