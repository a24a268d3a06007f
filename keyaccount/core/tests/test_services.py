import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.accounts.models import AccountTeamMember, TeamRole
from keyaccount.accounts.services import team_member_add
from keyaccount.contacts.models import Contact
from keyaccount.core.services import full_clean


def test_a_loaded_foreign_key_is_not_looked_up_again(acme):
    contact = Contact(organization_id=acme.organization_id, account=acme, name="Ivan")
    with CaptureQueriesContext(connection) as queries:
        full_clean(contact)
    assert not any('"accounts_account"' in q["sql"] for q in queries.captured_queries)


def test_a_foreign_key_given_by_id_is_still_checked(acme):
    contact = Contact(organization_id=acme.organization_id, account_id=acme.pk + 1000, name="Ivan")
    with pytest.raises(ValidationError) as e:
        full_clean(contact)
    assert "account" in e.value.error_dict


def test_unique_rules_over_loaded_foreign_keys_still_answer_with_the_field(alice, acme, sam):
    with pytest.raises(ValidationError) as e:
        team_member_add(actor=alice, account=acme, user=sam, role=TeamRole.SPECIALIST)
    assert e.value.error_dict
    assert AccountTeamMember.objects.filter(account=acme, user=sam).count() == 1
