import pytest

from keyaccount.accounts.selectors import accounts_visible_to, audit_events_visible_to
from keyaccount.contacts.selectors import contacts_visible_to
from keyaccount.core.tests.factories import ContactFactory


@pytest.fixture
def everyone(alice, bob, ann, sam, sally, carol, dave, clint, mallory, acme, globex, initech):
    return locals()


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("alice", {"Acme"}),
        ("bob", {"Globex"}),
        ("ann", {"Acme"}),
        ("sam", {"Acme"}),
        ("sally", {"Acme"}),
        ("carol", {"Acme", "Globex"}),
        ("dave", {"Acme", "Globex"}),
        ("clint", {"Acme"}),
        ("mallory", {"Initech"}),
    ],
)
def test_each_role_sees_exactly_its_accounts(everyone, person, expected):
    assert {a.name for a in accounts_visible_to(everyone[person])} == expected


def test_client_and_outsiders_see_no_contacts(everyone, acme, initech):
    ContactFactory(account=acme, name="Ivan")
    ContactFactory(account=initech, name="Peter")
    assert list(contacts_visible_to(everyone["clint"])) == []
    assert [c.name for c in contacts_visible_to(everyone["alice"])] == ["Ivan"]
    assert [c.name for c in contacts_visible_to(everyone["bob"])] == []
    assert [c.name for c in contacts_visible_to(everyone["mallory"])] == ["Peter"]


def test_a_user_without_membership_sees_nothing(everyone, django_user_model):
    stranger = django_user_model.objects.create_user("stranger@example.com", "x")
    assert list(accounts_visible_to(stranger)) == []
    assert list(audit_events_visible_to(stranger)) == []
