"""The Django admin is a superuser's window: domain records are read-only there, people are managed there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from keyaccount.tenancy.models import User


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root@example.com", "a long root passphrase")


def test_a_superuser_sees_accounts_but_cannot_change_them(client, root, acme):
    client.force_login(root)
    assert client.get(reverse("admin:accounts_account_changelist")).status_code == 200
    response = client.get(reverse("admin:accounts_account_change", args=[acme.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    assert client.get(reverse("admin:accounts_account_add")).status_code == 403
    assert client.post(reverse("admin:accounts_account_delete", args=[acme.pk]), {"post": "yes"}).status_code == 403


def test_a_superuser_manages_organizations_and_users(client, root, org, alice):
    client.force_login(root)
    assert client.get(reverse("admin:tenancy_organization_add")).status_code == 200
    assert client.get(reverse("admin:tenancy_user_add")).status_code == 200
    response = client.get(reverse("admin:tenancy_user_change", args=[alice.pk]))
    assert response.status_code == 200
    assert 'name="_save"' in response.text
    assert client.get(reverse("admin:tenancy_membership_add")).status_code == 403


@pytest.mark.parametrize(
    "url",
    ["admin:core_auditevent_changelist", "admin:contacts_contact_changelist", "admin:tenancy_invitation_changelist"],
)
def test_the_admin_lists_open_for_a_superuser(client, root, url):
    client.force_login(root)
    assert client.get(reverse(url)).status_code == 200


def test_staff_who_are_not_superusers_see_nothing(client, alice):
    User.objects.filter(pk=alice.pk).update(is_staff=True)
    client.force_login(alice)
    assert client.get(reverse("admin:accounts_account_changelist")).status_code == 403
    assert client.get(reverse("admin:tenancy_user_changelist")).status_code == 403
