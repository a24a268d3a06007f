"""What the delivery side's API modules share: the actor's time zone for date-times, scoped foreign keys,
the 409 answer."""

from __future__ import annotations

import datetime
import zoneinfo

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.core.api import Scope, ServiceModelSerializer, actor_of
from keyaccount.tenancy.models import User
from keyaccount.tenancy.selectors import team_candidates
from keyaccount.work.models import Project, Task
from keyaccount.work.selectors import projects_visible_to, tasks_visible_to

ACCOUNT_SCOPE: Scope = {"model": Account, "scope": accounts_visible_to}
PROJECT_SCOPE: Scope = {"model": Project, "scope": projects_visible_to}
TASK_SCOPE: Scope = {"model": Task, "scope": tasks_visible_to}
COLLEAGUE_SCOPE: Scope = {"model": User, "scope": team_candidates}
CONFLICT = OpenApiResponse(description="Someone else saved the record first (stale `version`); nothing changed.")
VERSION_HELP = _("The version you read; a stale one is refused with 409.")


class ActorDateTimeField(serializers.DateTimeField):
    """ISO 8601 date-time; a time without a zone is read in the signed-in user's time zone, and times
    are shown in it."""

    def default_timezone(self) -> datetime.tzinfo | None:  # type: ignore[override]  # DRF returns a tzinfo; the stubs say str
        actor = actor_of(self)
        name = getattr(actor, "timezone", None)
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
        return super().default_timezone()  # type: ignore[return-value]  # a tzinfo, whatever the stubs say


class WorkSerializer(ServiceModelSerializer):
    """Every date-time of the delivery side is read and shown in the user's zone."""

    serializer_field_mapping = {
        **ServiceModelSerializer.serializer_field_mapping,
        models.DateTimeField: ActorDateTimeField,
    }
