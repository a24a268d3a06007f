"""The demo teams: two teams led by a head, every account manager placed, the same on every run."""

from __future__ import annotations

import random

from keyaccount.core.tests.factories import member
from keyaccount.demo import dashboards as demo
from keyaccount.tenancy.models import Role, Team


def test_the_demo_splits_account_managers_into_two_led_teams(org, alice, bob, carol, dave):
    cleo = member(org, Role.ACCOUNT_MANAGER, "cleo")
    assert demo.seed(org, random.Random(1)) == {"teams": 2, "members": 3}
    teams = list(Team.objects.filter(organization=org).order_by("name"))
    assert [(t.name, t.lead) for t in teams] == [("North", carol), ("South", carol)]
    sizes = sorted(t.memberships.count() for t in teams)
    assert sizes == [1, 2]
    for person in (alice, bob, cleo):
        person.membership.refresh_from_db()
        assert person.membership.team is not None
    # A second run changes nothing.
    assert demo.seed(org, random.Random(1)) == {"teams": 0, "members": 0}
