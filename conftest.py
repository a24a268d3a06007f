"""Shared fixtures: one organization with its people, and mallory in another organization.

alice   — account manager, owns `acme`
bob     — account manager, owns `globex`
ann     — assistant on acme's team
sam     — specialist on acme's team
sally   — sales, sold acme
carol   — head of client service
dave    — admin
clint   — client representative of acme
mallory — account manager of another organization, owns `initech`
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from keyaccount.accounts.models import HandoverBrief, TeamRole
from keyaccount.core.tests.factories import AccountFactory, OrganizationFactory, member, on_team
from keyaccount.tenancy.models import Role


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Demo Agency", slug="demo-agency")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Other Agency", slug="other-agency")


@pytest.fixture
def alice(org):
    return member(org, Role.ACCOUNT_MANAGER, "alice")


@pytest.fixture
def bob(org):
    return member(org, Role.ACCOUNT_MANAGER, "bob")


@pytest.fixture
def carol(org):
    return member(org, Role.HEAD, "carol")


@pytest.fixture
def dave(org):
    return member(org, Role.ADMIN, "dave")


@pytest.fixture
def ann(org, acme):
    user = member(org, Role.ASSISTANT, "ann")
    on_team(acme, user, TeamRole.ASSISTANT)
    return user


@pytest.fixture
def sam(org, acme):
    user = member(org, Role.SPECIALIST, "sam")
    on_team(acme, user, TeamRole.SPECIALIST)
    return user


@pytest.fixture
def sally(org, acme):
    user = member(org, Role.SALES, "sally")
    HandoverBrief.objects.create(organization=org, account=acme, sold_by=user, what_was_sold="SEO")
    return user


@pytest.fixture
def clint(org, acme):
    return member(org, Role.CLIENT, "clint", client_account=acme)


@pytest.fixture
def mallory(other_org):
    return member(other_org, Role.ACCOUNT_MANAGER, "mallory")


@pytest.fixture
def acme(org, alice):
    account = AccountFactory(organization=org, name="Acme", owner=alice)
    on_team(account, alice)
    return account


@pytest.fixture
def globex(org, bob):
    account = AccountFactory(organization=org, name="Globex", owner=bob)
    on_team(account, bob)
    return account


@pytest.fixture
def initech(other_org, mallory):
    account = AccountFactory(organization=other_org, name="Initech", owner=mallory)
    on_team(account, mallory)
    return account


@pytest.fixture
def api():
    """An API client; `api.force_authenticate(user)` signs a person in."""
    return APIClient()
