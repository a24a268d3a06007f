"""Teams: administrators form them, name a head as lead and put account managers in them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyaccount.core.models import AuditEvent
from keyaccount.tenancy import services
from keyaccount.tenancy.models import Role, Team


def test_an_admin_creates_a_team_led_by_a_head(dave, carol):
    team = services.team_create(actor=dave, name="  North ", lead=carol)
    assert (team.name, team.lead, team.organization_id) == ("North", carol, dave.membership.organization_id)
    assert AuditEvent.objects.filter(action="create", object_id=str(team.pk)).exists()


@pytest.mark.parametrize("who", ["alice", "carol", "ann", "sam", "sally", "clint"])
def test_only_an_admin_forms_teams(request, who):
    with pytest.raises(PermissionDenied):
        services.team_create(actor=request.getfixturevalue(who), name="North")
    assert not Team.objects.exists()


def test_it_refuses_a_lead_who_is_not_a_head_or_admin(dave, alice):
    with pytest.raises(ValidationError) as caught:
        services.team_create(actor=dave, name="North", lead=alice)
    assert "lead" in caught.value.message_dict
    assert not Team.objects.exists()


def test_it_refuses_a_lead_from_another_organization(dave, mallory):
    with pytest.raises(ValidationError) as caught:
        services.team_create(actor=dave, name="North", lead=mallory)
    assert "lead" in caught.value.message_dict


def test_it_refuses_an_empty_or_taken_name(dave):
    with pytest.raises(ValidationError) as caught:
        services.team_create(actor=dave, name="  ")
    assert "name" in caught.value.message_dict
    services.team_create(actor=dave, name="North")
    with pytest.raises(ValidationError) as caught:
        services.team_create(actor=dave, name="north")
    assert "name" in caught.value.message_dict
    assert Team.objects.count() == 1


def test_an_admin_renames_a_team_and_names_another_lead(dave, carol):
    team = services.team_create(actor=dave, name="North", lead=carol)
    services.team_update(actor=dave, team=team, name="North-East", lead=dave)
    team.refresh_from_db()
    assert (team.name, team.lead) == ("North-East", dave)


def test_an_account_manager_joins_and_leaves_a_team(dave, alice):
    team = services.team_create(actor=dave, name="North")
    services.membership_set_team(actor=dave, membership=alice.membership, team=team)
    alice.membership.refresh_from_db()
    assert alice.membership.team == team
    services.membership_set_team(actor=dave, membership=alice.membership, team=None)
    alice.membership.refresh_from_db()
    assert alice.membership.team is None


def test_only_account_managers_are_put_in_teams(dave, carol, ann):
    team = services.team_create(actor=dave, name="North")
    for person in (carol, ann):
        with pytest.raises(ValidationError) as caught:
            services.membership_set_team(actor=dave, membership=person.membership, team=team)
        assert "team" in caught.value.message_dict
        person.membership.refresh_from_db()
        assert person.membership.team is None


def test_it_refuses_another_organizations_team_or_person(dave, alice, mallory, other_org):
    theirs = Team.objects.create(organization=other_org, name="Theirs")
    with pytest.raises(ValidationError):
        services.membership_set_team(actor=dave, membership=alice.membership, team=theirs)
    ours = services.team_create(actor=dave, name="North")
    with pytest.raises(PermissionDenied):
        services.membership_set_team(actor=dave, membership=mallory.membership, team=ours)
    with pytest.raises(PermissionDenied):
        services.team_delete(actor=dave, team=theirs)


def test_dissolving_a_team_keeps_its_account_managers(dave, alice):
    team = services.team_create(actor=dave, name="North")
    services.membership_set_team(actor=dave, membership=alice.membership, team=team)
    services.team_delete(actor=dave, team=team)
    alice.membership.refresh_from_db()
    assert alice.membership.team is None


def test_an_account_manager_who_becomes_head_leaves_the_team(dave, alice):
    team = services.team_create(actor=dave, name="North")
    services.membership_set_team(actor=dave, membership=alice.membership, team=team)
    services.membership_change_role(actor=dave, membership=alice.membership, role=Role.HEAD)
    alice.membership.refresh_from_db()
    assert alice.membership.team is None


# --- the page --------------------------------------------------------------------------------------


def test_the_teams_page_lists_teams_and_account_managers(client, dave, carol, alice, bob):
    team = services.team_create(actor=dave, name="North", lead=carol)
    services.membership_set_team(actor=dave, membership=alice.membership, team=team)
    client.force_login(dave)
    response = client.get("/people/teams/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="team-{team.pk}"' in html and "North" in html
    assert f'id="member-{alice.membership.pk}"' in html and f'id="member-{bob.membership.pk}"' in html


@pytest.mark.parametrize("who", ["alice", "carol", "sam", "clint"])
def test_the_teams_page_is_for_admins(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/people/teams/").status_code == 403


def test_an_admin_creates_a_team_on_the_page(client, dave, carol):
    client.force_login(dave)
    response = client.post("/people/teams/", {"name": "North", "lead": carol.pk})
    assert response.status_code == 302
    assert Team.objects.get().lead == carol


def test_the_page_shows_a_bad_lead_on_the_field(client, dave, alice):
    client.force_login(dave)
    response = client.post("/people/teams/", {"name": "North", "lead": alice.pk})
    assert response.status_code == 400
    assert not Team.objects.exists()


def test_an_admin_puts_an_account_manager_in_a_team_on_the_page(client, dave, alice):
    team = services.team_create(actor=dave, name="North")
    client.force_login(dave)
    m = alice.membership
    response = client.post(f"/people/teams/members/{m.pk}/", {f"m{m.pk}-team": team.pk})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.team == team


def test_the_page_refuses_someone_elses_person(client, dave, mallory):
    client.force_login(dave)
    assert client.post(f"/people/teams/members/{mallory.membership.pk}/", {}).status_code == 404


def test_the_page_dissolves_a_team(client, dave):
    team = services.team_create(actor=dave, name="North")
    client.force_login(dave)
    assert client.post(f"/people/teams/{team.pk}/delete/").status_code == 302
    assert not Team.objects.exists()
