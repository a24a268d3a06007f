import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyaccount.contacts.models import Contact
from keyaccount.contacts.services import contact_create, contact_role_add, contact_update
from keyaccount.core.models import AuditEvent
from keyaccount.core.services import ConflictError


def test_an_account_manager_adds_a_contact_with_an_audit_event(alice, acme):
    ivan = contact_create(actor=alice, account=acme, name="Ivan Petrov", decision_role="decision_maker", influence=5)
    event = AuditEvent.objects.get(object_type="contacts.contact")
    assert event.changes["name"] == [None, "Ivan Petrov"]
    assert event.account_id == acme.pk
    assert ivan.organization_id == acme.organization_id


def test_it_refuses_reports_to_from_another_account(alice, acme, globex, carol):
    boss = contact_create(actor=carol, account=globex, name="Boss")
    with pytest.raises(ValidationError) as e:
        contact_create(actor=alice, account=acme, name="Ivan", reports_to=boss)
    assert "reports_to" in e.value.error_dict
    assert not Contact.objects.filter(name="Ivan").exists()


def test_it_refuses_a_reporting_loop(alice, acme):
    ceo = contact_create(actor=alice, account=acme, name="CEO")
    cmo = contact_create(actor=alice, account=acme, name="CMO", reports_to=ceo)
    with pytest.raises(ValidationError) as e:
        contact_update(actor=alice, contact=ceo, data={"reports_to": cmo})
    assert "reports_to" in e.value.error_dict


def test_influence_outside_one_to_five_is_refused_naming_the_field(alice, acme):
    with pytest.raises(ValidationError) as e:
        contact_create(actor=alice, account=acme, name="Ivan", influence=9)
    assert "influence" in e.value.error_dict


def test_a_stale_contact_edit_is_refused(alice, acme):
    ivan = contact_create(actor=alice, account=acme, name="Ivan")
    contact_update(actor=alice, contact=Contact.objects.get(pk=ivan.pk), data={"title": "CMO"}, expected_version=1)
    with pytest.raises(ConflictError):
        contact_update(actor=alice, contact=Contact.objects.get(pk=ivan.pk), data={"title": "CEO"}, expected_version=1)
    assert Contact.objects.get(pk=ivan.pk).title == "CMO"


def test_specialists_and_other_account_managers_cannot_change_contacts(sam, bob, alice, acme):
    ivan = contact_create(actor=alice, account=acme, name="Ivan")
    for actor in (sam, bob):
        with pytest.raises(PermissionDenied):
            contact_update(actor=actor, contact=ivan, data={"title": "x"})


def test_a_contact_can_have_a_role_on_another_account(carol, acme, globex):
    ivan = contact_create(actor=carol, account=acme, name="Ivan")
    role = contact_role_add(actor=carol, contact=ivan, account=globex, decision_role="economic_buyer")
    assert role.account == globex
    with pytest.raises(ValidationError):
        contact_role_add(actor=carol, contact=ivan, account=globex)
    with pytest.raises(ValidationError):
        contact_role_add(actor=carol, contact=ivan, account=acme)
