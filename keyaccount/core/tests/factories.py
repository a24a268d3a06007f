"""Factories for tests: named people in named organizations, built through the services' own models."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from keyaccount.accounts.models import Account, AccountTeamMember, TeamRole
from keyaccount.contacts.models import Contact
from keyaccount.tenancy.models import Membership, Organization, Role, User

PASSWORD = "correct horse battery staple"
_HASH: dict[str, str] = {}


def password_hash() -> str:
    if "h" not in _HASH:
        _HASH["h"] = make_password(PASSWORD)
    return _HASH["h"]


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"User {n}")
    password = factory.LazyFunction(password_hash)


def member(org: Organization, role: str, name: str, client_account: Account | None = None) -> User:
    """A user of `org` with `role`, e.g. member(org, Role.ACCOUNT_MANAGER, "alice")."""
    user = UserFactory(email=f"{name}@{org.slug}.example", name=name.capitalize())
    Membership.objects.create(organization=org, user=user, role=role, client_account=client_account)
    return user


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Client {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    organization = factory.SelfAttribute("account.organization")
    name = factory.Sequence(lambda n: f"Contact {n}")


def on_team(account: Account, user: User, role: str = TeamRole.ACCOUNT_MANAGER) -> AccountTeamMember:
    return AccountTeamMember.objects.create(
        organization_id=account.organization_id, account=account, user=user, role=role
    )


__all__ = ["PASSWORD", "AccountFactory", "ContactFactory", "OrganizationFactory", "Role", "member", "on_team"]
