"""The demo loader: a believable agency, the same for the same seed, written through the services."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from keyaccount.accounts.models import Account, AccountStatus, AccountStatusChange, HandoverBrief, OnboardingItem
from keyaccount.contacts.models import Contact, ContactAccountRole, DecisionRole
from keyaccount.core.models import AuditEvent
from keyaccount.tenancy.models import Membership, Organization, Role


def seed(name="Demo Agency", accounts=8, seed=7, **options):
    out = StringIO()
    call_command("seed_demo", organization=name, accounts=accounts, seed=seed, stdout=out, **options)
    return out.getvalue()


def accounts_of(slug):
    return Account.objects.filter(organization__slug=slug)


@pytest.fixture
def demo(db):
    output = seed(password="open sesame")
    return Organization.objects.get(slug="demo-agency"), output


def test_it_creates_the_same_organization_for_the_same_seed(db):
    seed("First Agency", seed=11)
    seed("Second Agency", seed=11)

    def shape(slug):
        return list(accounts_of(slug).order_by("name").values_list("name", "tier", "status", "currency"))

    assert shape("first-agency") == shape("second-agency")
    assert len(shape("first-agency")) == 8


def test_another_seed_gives_other_clients(db):
    seed("First Agency", seed=1)
    seed("Second Agency", seed=2)
    first = set(accounts_of("first-agency").values_list("name", flat=True))
    second = set(accounts_of("second-agency").values_list("name", flat=True))
    assert first != second


def test_a_second_organization_is_added_beside_the_first(demo):
    seed("Other Agency")
    assert set(Organization.objects.values_list("slug", flat=True)) == {"demo-agency", "other-agency"}
    assert accounts_of("demo-agency").count() == 8
    assert accounts_of("other-agency").count() == 8
    assert Membership.objects.filter(organization__slug="other-agency", user__email="am1@other-agency.example").exists()


def test_it_refuses_to_seed_an_existing_organization_again(demo):
    with pytest.raises(CommandError, match="already exists"):
        seed("demo agency")
    assert Organization.objects.count() == 1
    assert accounts_of("demo-agency").count() == 8


def test_if_empty_leaves_a_database_with_organizations_alone(demo):
    output = seed("Another Agency", if_empty=True)
    assert "no demo data loaded" in output
    assert Organization.objects.count() == 1


def test_if_empty_seeds_an_empty_database(db):
    output = seed(if_empty=True)
    assert "am1@demo-agency.example" in output
    assert Organization.objects.get().slug == "demo-agency"


def test_it_has_every_role_with_numbered_logins(demo):
    org, output = demo
    emails = set(Membership.objects.filter(organization=org).values_list("user__email", flat=True))
    for login in ["admin1", "head1", "am1", "am2", "am3", "assistant1", "specialist1", "specialist4", "sales1"]:
        assert f"{login}@demo-agency.example" in emails
        assert f"{login}@demo-agency.example" in output
    roles = set(Membership.objects.filter(organization=org).values_list("role", flat=True))
    assert roles == {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SPECIALIST, Role.SALES}


def test_the_printed_logins_sign_in_with_the_password(demo):
    request = RequestFactory().post("/login/")
    for login in ["am1", "head1", "admin1", "specialist1"]:
        user = authenticate(request, username=f"{login}@demo-agency.example", password="open sesame")
        assert user is not None, login
    assert authenticate(request, username="am1@demo-agency.example", password="demo") is None


def test_at_least_three_account_managers_each_have_their_own_portfolio(demo):
    org, _output = demo
    managers = Membership.objects.filter(organization=org, role=Role.ACCOUNT_MANAGER)
    assert managers.count() >= 3
    for membership in managers:
        owned = accounts_of("demo-agency").filter(owner=membership.user)
        assert owned.exists(), membership.user.email
        assert all(a.team.filter(user=membership.user, role="account_manager").exists() for a in owned)


def test_every_decision_role_is_on_some_account(demo):
    roles = set(Contact.objects.filter(organization__slug="demo-agency").values_list("decision_role", flat=True))
    assert roles == set(DecisionRole.values)


def test_each_account_has_an_org_chart_of_three_to_seven_people(demo):
    for account in accounts_of("demo-agency").prefetch_related("contacts"):
        contacts = list(account.contacts.all())
        assert 3 <= len(contacts) <= 7
        tops = [c for c in contacts if c.reports_to_id is None]
        assert [c.decision_role for c in tops] == [DecisionRole.DECISION_MAKER]
        assert all(c.reports_to is None or c.reports_to.account_id == account.pk for c in contacts)


def test_the_lifecycle_has_history_and_churn_reasons(demo):
    accounts = accounts_of("demo-agency")
    statuses = set(accounts.values_list("status", flat=True))
    assert {AccountStatus.ONBOARDING, AccountStatus.CHURNED, AccountStatus.AT_RISK} <= statuses
    assert all(a.churn_reason for a in accounts.filter(status=AccountStatus.CHURNED))
    churned = accounts.filter(status=AccountStatus.CHURNED).first()
    assert AccountStatusChange.objects.filter(account=churned, to_status=AccountStatus.CHURNED).exists()


def test_handovers_checklists_and_links_are_there(demo):
    accounts = accounts_of("demo-agency")
    assert HandoverBrief.objects.filter(account__in=accounts, deal_value__gt=0).count() == accounts.count()
    assert HandoverBrief.objects.filter(account__in=accounts, sold_by__isnull=False).exists()
    onboarding = accounts.filter(status=AccountStatus.ONBOARDING).first()
    items = OnboardingItem.objects.filter(account=onboarding)
    assert 0 < items.filter(done_at__isnull=False).count() < items.count()
    assert ContactAccountRole.objects.filter(organization__slug="demo-agency").exists()
    assert accounts.filter(parent__isnull=False).exists()


def test_everything_was_written_through_the_services(demo):
    org, _output = demo
    events = AuditEvent.objects.filter(organization=org)
    assert events.filter(object_type="accounts.account", action="create").count() == 8
    assert events.filter(object_type="contacts.contact").count() == Contact.objects.filter(organization=org).count()
    assert events.filter(actor__isnull=False).exists()
