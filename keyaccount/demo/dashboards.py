"""Demo teams for the dashboards: the account managers split into two teams, each led by a head (or an
admin when there is no head), so the team average and the team scope have something to show."""

from __future__ import annotations

import random
from typing import Any

from keyaccount.tenancy.models import Membership, Role, Team

TEAM_NAMES = ("North", "South")


def seed(organization: Any, rng: random.Random) -> dict[str, int]:
    """Create the two teams (once) and put every account manager without a team in one of them, about
    half in each. Returns {"teams": created, "members": placed}."""
    leads = list(
        Membership.objects.filter(organization=organization, role__in=[Role.HEAD, Role.ADMIN])
        .order_by("user__email")
        .values_list("user_id", "role")
    )
    heads = [uid for uid, role in leads if role == Role.HEAD] or [uid for uid, _role in leads]
    created = 0
    teams = []
    for i, name in enumerate(TEAM_NAMES):
        team, was_created = Team.objects.get_or_create(
            organization=organization,
            name=name,
            defaults={"lead_id": heads[i % len(heads)] if heads else None},
        )
        created += int(was_created)
        teams.append(team)
    managers = list(
        Membership.objects.filter(organization=organization, role=Role.ACCOUNT_MANAGER, team__isnull=True).order_by(
            "user__email"
        )
    )
    rng.shuffle(managers)
    for i, membership in enumerate(managers):
        membership.team = teams[i % len(teams)]
    Membership.objects.bulk_update(managers, ["team"])
    return {"teams": created, "members": len(managers)}
