"""Scopes of a KPI request: "team:<id>" is the accounts owned by the team's account managers, for heads
and admins only; nothing outside the actor's organization."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from keyaccount.core.tests.factories import AccountFactory, member
from keyaccount.kpis.scope import frame_from
from keyaccount.tenancy.models import Role, Team

MARCH = {"period_start": "2026-03-01", "period_end": "2026-03-28"}


@pytest.fixture
def north(org, alice, carol):
    team = Team.objects.create(organization=org, name="North", lead=carol)
    alice.membership.team = team
    alice.membership.save()
    return team


def scope_error(actor, scope):
    with pytest.raises(ValidationError) as caught:
        frame_from(actor, {**MARCH, "scope": scope})
    return caught.value.message_dict


def test_a_team_scope_covers_the_accounts_its_account_managers_own(org, carol, north, acme, globex, alice):
    other = AccountFactory(organization=org, name="Other of alice", owner=alice)
    frame = frame_from(carol, {**MARCH, "scope": f"team:{north.pk}"})
    assert set(frame.accounts.values_list("name", flat=True)) == {"Acme", other.name}
    assert frame.user_id is None


def test_a_team_without_account_managers_has_no_accounts(org, dave, acme):
    empty = Team.objects.create(organization=org, name="Empty")
    assert not frame_from(dave, {**MARCH, "scope": f"team:{empty.pk}"}).accounts.exists()


@pytest.mark.parametrize("who", ["alice", "bob", "ann", "sally"])
def test_it_refuses_a_team_scope_to_roles_that_do_not_see_the_whole_organization(request, north, who):
    assert "scope" in scope_error(request.getfixturevalue(who), f"team:{north.pk}")


def test_it_refuses_another_organizations_team(other_org, carol):
    theirs = Team.objects.create(organization=other_org, name="Theirs")
    assert "scope" in scope_error(carol, f"team:{theirs.pk}")


@pytest.mark.parametrize("scope", ["team", "team:", "team:x", "team:999999"])
def test_it_refuses_a_malformed_or_unknown_team(carol, scope):
    assert "scope" in scope_error(carol, scope)


def test_moving_an_account_manager_to_another_team_moves_their_accounts(org, carol, north, acme, alice):
    south = Team.objects.create(organization=org, name="South")
    alice.membership.team = south
    alice.membership.save()
    assert not frame_from(carol, {**MARCH, "scope": f"team:{north.pk}"}).accounts.exists()
    assert frame_from(carol, {**MARCH, "scope": f"team:{south.pk}"}).accounts.get() == acme


def test_a_head_who_owns_accounts_is_not_in_a_team_scope(org, carol, north):
    head2 = member(org, Role.HEAD, "hank")
    AccountFactory(organization=org, owner=head2)
    assert not frame_from(carol, {**MARCH, "scope": f"team:{north.pk}"}).accounts.exists()
