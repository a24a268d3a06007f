"""Opening an organization with its first administrator from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from keyaccount.tenancy.models import Membership, Organization, Role


def create(monkeypatch, *args, password="a long and unusual phrase"):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create_organization", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_organization_and_its_administrator(db, monkeypatch):
    output = create(monkeypatch, "Acme Agency", "--admin-email", "Anna@Acme.example", "--admin-name", "Anna Petrova")
    org = Organization.objects.get(slug="acme-agency")
    membership = Membership.objects.select_related("user").get(organization=org)
    assert membership.role == Role.ADMIN
    assert membership.user.email == "anna@acme.example"
    assert membership.user.check_password("a long and unusual phrase")
    assert "anna@acme.example" in output


def test_it_refuses_a_weak_password_and_writes_nothing(db, monkeypatch):
    with pytest.raises(CommandError, match="password"):
        create(monkeypatch, "Acme Agency", "--admin-email", "anna@acme.example", password="12345")
    assert not Organization.objects.exists()


def test_it_refuses_an_existing_organization(org, monkeypatch):
    with pytest.raises(CommandError, match="already exists"):
        create(monkeypatch, "demo agency", "--admin-email", "anna@acme.example")
    assert Organization.objects.count() == 1


def test_it_refuses_an_email_already_in_use_and_writes_nothing(alice, monkeypatch):
    with pytest.raises(CommandError, match="email"):
        create(monkeypatch, "Acme Agency", "--admin-email", alice.email)
    assert not Organization.objects.filter(slug="acme-agency").exists()
