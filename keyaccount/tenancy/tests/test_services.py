"""Rules of inviting people, changing roles and personal preferences, at the service level."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from keyaccount.core.models import AuditEvent
from keyaccount.tenancy import services
from keyaccount.tenancy.models import Invitation, Role, User

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def accept_url(invitation: Invitation) -> str:
    return f"https://keyaccount.example/invitations/{invitation.token}/"


def invite(actor, **fields) -> Invitation:
    return services.invitation_create(
        actor=actor, **{"email": "nina@example.com", "role": Role.SPECIALIST, "accept_url": accept_url, **fields}
    )


@pytest.mark.parametrize("person", ["alice", "carol", "ann", "sam", "sally", "clint"])
def test_only_an_admin_can_invite(request, person):
    with pytest.raises(PermissionDenied):
        invite(request.getfixturevalue(person))
    assert not Invitation.objects.exists()


def test_an_invitation_email_is_sent_only_after_commit(dave, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invite(dave, name="Nina")
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@example.com"]
    assert accept_url(invitation) in mail.outbox[0].body
    assert "&#x27;" not in mail.outbox[0].body


def test_the_invitation_email_does_not_escape_names(dave, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    User.objects.filter(pk=dave.pk).update(name="Dave O'Brien")
    dave.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invite(dave)
    assert "Dave O'Brien invites you" in mail.outbox[0].body


def test_an_invitation_is_audited(dave, org):
    invitation = invite(dave)
    event = AuditEvent.objects.get(object_id=str(invitation.pk))
    assert event.actor == dave
    assert event.organization == org


def test_a_client_invitation_needs_an_account_of_the_same_organization(dave, initech):
    with pytest.raises(ValidationError) as error:
        invite(dave, role=Role.CLIENT)
    assert "client_account" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        invite(dave, role=Role.CLIENT, client_account=initech)
    assert "client_account" in error.value.error_dict
    assert not Invitation.objects.exists()


def test_accepting_makes_a_member_of_the_inviters_organization(dave, org):
    invitation = invite(dave, role=Role.HEAD, name="Nina")
    user = services.invitation_accept(token=invitation.token, password="a long passphrase 77")
    assert user.membership.organization == org
    assert user.membership.role == Role.HEAD
    assert user.name == "Nina"
    assert user.check_password("a long passphrase 77")


def test_an_invitation_works_once(dave):
    invitation = invite(dave)
    services.invitation_accept(token=invitation.token, password="a long passphrase 77")
    with pytest.raises(ValidationError):
        services.invitation_accept(token=invitation.token, password="a long passphrase 77")


def test_an_expired_invitation_is_refused_and_nothing_is_created(dave):
    invitation = invite(dave)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError):
        services.invitation_accept(token=invitation.token, password="a long passphrase 77")
    assert not User.objects.filter(email="nina@example.com").exists()


def test_a_weak_password_is_refused_on_accept(dave):
    invitation = invite(dave)
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(token=invitation.token, password="123")
    assert "password" in error.value.error_dict
    assert not User.objects.filter(email="nina@example.com").exists()


def test_an_admin_changes_a_role_and_it_is_audited(dave, alice):
    services.membership_change_role(actor=dave, membership=alice.membership, role=Role.HEAD)
    alice.membership.refresh_from_db()
    assert alice.membership.role == Role.HEAD
    event = AuditEvent.objects.get(object_id=str(alice.membership.pk), action="update")
    assert event.changes == {"role": [Role.ACCOUNT_MANAGER, Role.HEAD]}


def test_an_admin_cannot_take_away_their_own_admin_role(dave):
    with pytest.raises(ValidationError):
        services.membership_change_role(actor=dave, membership=dave.membership, role=Role.HEAD)


def test_an_admin_cannot_change_roles_in_another_organization(dave, mallory):
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=dave, membership=mallory.membership, role=Role.HEAD)


def test_preferences_refuse_an_unknown_time_zone(alice):
    with pytest.raises(ValidationError) as error:
        services.user_update_preferences(actor=alice, name="Alice", timezone_name="Mars/Olympus", language="en")
    assert "timezone" in error.value.error_dict


def test_preferences_save_name_zone_and_language(alice):
    services.user_update_preferences(actor=alice, name="Alice Smith", timezone_name="Asia/Yekaterinburg", language="ru")
    alice.refresh_from_db()
    assert (alice.name, alice.timezone, alice.language) == ("Alice Smith", "Asia/Yekaterinburg", "ru")


def test_an_admin_withdraws_an_open_invitation_and_its_link_stops_working(dave, client):
    import datetime

    from django.utils import timezone

    from keyaccount.core.models import AuditEvent
    from keyaccount.tenancy.models import Invitation
    from keyaccount.tenancy.services import invitation_revoke

    invitation = Invitation.objects.create(
        organization_id=dave.membership.organization_id,
        email="nina@example.com",
        role="specialist",
        invited_by=dave,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    invitation_revoke(actor=dave, invitation=invitation)
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(object_type="tenancy.invitation", action="delete").exists()
    assert client.get(f"/invitations/{invitation.token}/").status_code == 404


def test_only_an_admin_of_the_same_organization_withdraws_and_never_an_accepted_one(dave, alice, mallory):
    import datetime

    import pytest
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import timezone

    from keyaccount.tenancy.models import Invitation
    from keyaccount.tenancy.services import invitation_revoke

    invitation = Invitation.objects.create(
        organization_id=dave.membership.organization_id,
        email="nina@example.com",
        role="specialist",
        invited_by=dave,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        accepted_at=timezone.now(),
    )
    for outsider in (alice, mallory):
        with pytest.raises(PermissionDenied):
            invitation_revoke(actor=outsider, invitation=invitation)
    with pytest.raises(ValidationError):
        invitation_revoke(actor=dave, invitation=invitation)
    assert Invitation.objects.filter(pk=invitation.pk).exists()
