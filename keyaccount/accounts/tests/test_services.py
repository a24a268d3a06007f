import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from keyaccount.accounts.models import (
    Account,
    AccountStatus,
    AccountStatusChange,
    AccountTeamMember,
    BusinessGoalRevision,
    HandoverBrief,
    OnboardingItem,
    TeamRole,
)
from keyaccount.accounts.services import (
    DEFAULT_ONBOARDING_ITEMS,
    account_assign_owner,
    account_change_status,
    account_create,
    account_delete,
    account_update,
    goal_revise,
    handover_save,
    onboarding_item_update,
    onboarding_template_set,
    team_member_add,
    team_member_remove,
)
from keyaccount.core.models import AuditEvent
from keyaccount.core.services import ConflictError


def test_an_account_manager_who_creates_an_account_becomes_its_owner_and_account_manager(alice):
    account = account_create(actor=alice, name="Rosa Khutor")
    assert account.owner == alice
    assert AccountTeamMember.objects.filter(account=account, user=alice, role=TeamRole.ACCOUNT_MANAGER).exists()
    assert account.status == AccountStatus.ONBOARDING
    assert list(account.status_changes.values_list("from_status", "to_status")) == [("", "onboarding")]


def test_it_refuses_an_account_manager_creating_for_someone_else(alice, bob):
    with pytest.raises(ValidationError) as e:
        account_create(actor=alice, name="Rosa Khutor", owner=bob)
    assert "owner" in e.value.error_dict
    assert not Account.objects.filter(name="Rosa Khutor").exists()


def test_a_head_assigns_any_account_manager_as_owner(carol, bob):
    account = account_create(actor=carol, name="Rosa Khutor", owner=bob)
    assert account.owner == bob
    assert account.team.get().user == bob


def test_sales_who_create_an_account_keep_its_handover(org, sally, bob):
    account = account_create(actor=sally, name="Rosa Khutor", owner=bob)
    assert HandoverBrief.objects.get(account=account).sold_by == sally


def test_it_refuses_an_owner_from_another_organization(carol, mallory):
    with pytest.raises(ValidationError) as e:
        account_create(actor=carol, name="Rosa Khutor", owner=mallory)
    assert "owner" in e.value.error_dict


def test_specialists_and_clients_cannot_create_accounts(sam, clint):
    for actor in (sam, clint):
        with pytest.raises(PermissionDenied):
            account_create(actor=actor, name="Nope")
    assert not Account.objects.filter(name="Nope").exists()


def test_a_new_account_gets_the_default_onboarding_checklist(alice):
    account = account_create(actor=alice, name="Rosa Khutor")
    assert list(account.onboarding_items.values_list("title", flat=True)) == DEFAULT_ONBOARDING_ITEMS


def test_an_edited_organization_checklist_applies_to_new_accounts_only(alice, dave, acme):
    onboarding_template_set(actor=dave, titles=["Kick-off call", "Access to analytics"])
    account = account_create(actor=alice, name="Rosa Khutor")
    assert list(account.onboarding_items.values_list("title", flat=True)) == ["Kick-off call", "Access to analytics"]
    assert not OnboardingItem.objects.filter(account=acme).exists()


def test_only_an_admin_edits_the_checklist_template(alice):
    with pytest.raises(PermissionDenied):
        onboarding_template_set(actor=alice, titles=["x"])


def test_it_refuses_a_duplicate_account_name_naming_the_field(alice, acme):
    with pytest.raises(ValidationError) as e:
        account_create(actor=alice, name="acme")
    assert "name" in e.value.error_dict


def test_the_same_name_is_fine_in_another_organization(mallory, acme):
    assert account_create(actor=mallory, name="Acme").organization_id == mallory.membership.organization_id


def test_it_records_each_changed_field_before_and_after(alice, acme):
    account_update(actor=alice, account=acme, data={"industry": "Retail", "tier": "key"})
    event = AuditEvent.objects.get(object_type="accounts.account", action="update")
    assert event.changes == {"industry": ["", "Retail"], "tier": ["standard", "key"]}
    assert event.actor == alice
    assert event.account_id == acme.pk


def test_it_refuses_a_stale_edit_and_keeps_the_first(alice, acme):
    version = acme.version
    account_update(
        actor=alice, account=Account.objects.get(pk=acme.pk), data={"industry": "Retail"}, expected_version=version
    )
    with pytest.raises(ConflictError):
        account_update(
            actor=alice, account=Account.objects.get(pk=acme.pk), data={"industry": "Banks"}, expected_version=version
        )
    assert Account.objects.get(pk=acme.pk).industry == "Retail"


def test_it_refuses_a_parent_that_would_make_a_cycle(alice, acme):
    child = account_create(actor=alice, name="Acme Kazan", parent=acme)
    with pytest.raises(ValidationError) as e:
        account_update(actor=alice, account=acme, data={"parent": child})
    assert "parent" in e.value.error_dict


def test_it_refuses_a_parent_from_another_organization(alice, acme, initech):
    with pytest.raises(ValidationError) as e:
        account_update(actor=alice, account=acme, data={"parent": initech})
    assert "parent" in e.value.error_dict
    assert Account.objects.get(pk=acme.pk).parent is None


def test_an_account_manager_cannot_change_a_colleagues_account(alice, globex):
    with pytest.raises(PermissionDenied):
        account_update(actor=alice, account=globex, data={"industry": "Retail"})


def test_churn_needs_a_reason_and_is_kept_in_the_history(alice, acme):
    with pytest.raises(ValidationError) as e:
        account_change_status(actor=alice, account=acme, to_status=AccountStatus.CHURNED)
    assert "churn_reason" in e.value.error_dict
    account_change_status(actor=alice, account=acme, to_status=AccountStatus.CHURNED, churn_reason="bankruptcy")
    change = AccountStatusChange.objects.get(account=acme, to_status="churned")
    assert (change.from_status, change.churn_reason, change.changed_by) == ("onboarding", "bankruptcy", alice)


def test_two_status_moves_from_the_same_page_keep_the_first_without_a_version(alice, acme):
    first, second = Account.objects.get(pk=acme.pk), Account.objects.get(pk=acme.pk)
    account_change_status(actor=alice, account=first, to_status=AccountStatus.ACTIVE)

    with pytest.raises(ConflictError):
        account_change_status(actor=alice, account=second, to_status=AccountStatus.CHURNED, churn_reason="price")

    assert Account.objects.get(pk=acme.pk).status == AccountStatus.ACTIVE
    assert list(AccountStatusChange.objects.filter(account=acme).values_list("to_status", flat=True)) == ["active"]


def test_it_refuses_a_move_that_is_not_allowed_and_lists_the_allowed_ones(alice, acme):
    account_change_status(actor=alice, account=acme, to_status=AccountStatus.CHURNED, churn_reason="price")
    with pytest.raises(ValidationError) as e:
        account_change_status(actor=alice, account=acme, to_status=AccountStatus.AT_RISK)
    assert "active" in str(e.value.error_dict["status"])
    assert Account.objects.get(pk=acme.pk).status == AccountStatus.CHURNED


def test_reassignment_moves_the_account_manager_seat_and_keeps_the_history(carol, alice, bob, acme):
    account_update(actor=alice, account=acme, data={"industry": "Retail"})
    account_assign_owner(actor=carol, account=acme, owner=bob)
    acme.refresh_from_db()
    assert acme.owner == bob
    assert set(acme.team.values_list("user__name", "role")) == {("Bob", "account_manager")}
    assert AuditEvent.objects.filter(account_id=acme.pk).count() == 2


def test_only_a_head_or_admin_reassigns(alice, bob, acme):
    with pytest.raises(PermissionDenied):
        account_assign_owner(actor=alice, account=acme, owner=bob)


def test_team_members_are_added_and_removed_with_audit(alice, acme, org):
    from keyaccount.core.tests.factories import member
    from keyaccount.tenancy.models import Role

    seo = member(org, Role.SPECIALIST, "sergey")
    m = team_member_add(actor=alice, account=acme, user=seo, role=TeamRole.SPECIALIST)
    team_member_remove(actor=alice, member=m)
    assert list(
        AuditEvent.objects.filter(object_type="accounts.accountteammember").values_list("action", flat=True)
    ) == ["delete", "create"]


def test_the_owner_seat_is_not_removed_by_hand(alice, acme):
    seat = acme.team.get(user=alice)
    with pytest.raises(ValidationError):
        team_member_remove(actor=alice, member=seat)


def test_a_client_cannot_be_put_on_our_team(alice, acme, clint):
    with pytest.raises(ValidationError) as e:
        team_member_add(actor=alice, account=acme, user=clint, role=TeamRole.SPECIALIST)
    assert "user" in e.value.error_dict


def test_sales_write_the_handover_of_accounts_they_sold_only(sally, acme, globex):
    brief = handover_save(actor=sally, account=acme, data={"promises": "Top-10 in three months"})
    assert brief.promises == "Top-10 in three months"
    with pytest.raises(PermissionDenied):
        handover_save(actor=sally, account=globex, data={"promises": "x"})


def test_a_negative_deal_value_is_refused_naming_the_field(alice, acme):
    with pytest.raises(ValidationError) as e:
        handover_save(actor=alice, account=acme, data={"deal_value": -1})
    assert "deal_value" in e.value.error_dict
    assert not HandoverBrief.objects.filter(account=acme).exists()


def test_ticking_an_onboarding_step_records_who_and_when(alice):
    account = account_create(actor=alice, name="Rosa Khutor")
    item = account.onboarding_items.first()
    onboarding_item_update(actor=alice, item=item, data={"done": True})
    item.refresh_from_db()
    assert item.done_by == alice and item.done_at is not None
    onboarding_item_update(actor=alice, item=item, data={"done": False})
    item.refresh_from_db()
    assert item.done_by is None and item.done_at is None


def test_goal_revisions_keep_the_history_and_the_latest_is_current(alice, acme):
    import datetime

    goal_revise(actor=alice, account=acme, goal="More leads", revised_on=datetime.date(2026, 1, 10))
    goal_revise(actor=alice, account=acme, goal="Lower cost per lead", revised_on=datetime.date(2026, 6, 1))
    assert BusinessGoalRevision.objects.filter(account=acme).first().goal == "Lower cost per lead"
    assert BusinessGoalRevision.objects.filter(account=acme).count() == 2


def test_deleting_is_for_heads_and_leaves_an_audit_event(alice, carol, acme):
    with pytest.raises(PermissionDenied):
        account_delete(actor=alice, account=acme)
    pk = acme.pk
    account_delete(actor=carol, account=acme)
    assert not Account.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_type="accounts.account", object_id=str(pk), action="delete").exists()


def test_it_refuses_to_delete_an_account_with_an_issued_invoice_and_keeps_everything(carol, acme):
    from keyaccount.billing.tests.factories import invoice_with_lines

    invoice = invoice_with_lines(acme, [("1", "1000.00", "0")], number="2026-001", issue_date=datetime.date(2026, 1, 9))
    with pytest.raises(ValidationError, match="kept for accounting"):
        account_delete(actor=carol, account=acme)
    assert Account.objects.filter(pk=acme.pk).exists()
    assert invoice.lines.count() == 1
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_deleting_an_account_takes_its_draft_contracts_and_invoices_along(carol, acme):
    from keyaccount.billing.models import Contract, Invoice
    from keyaccount.billing.tests.factories import ContractFactory, invoice_with_lines

    ContractFactory(account=acme, status="draft")
    invoice_with_lines(
        acme, [("1", "1000.00", "0")], number="D-1", issue_date=datetime.date(2026, 1, 9), status="draft"
    )
    account_delete(actor=carol, account=acme)
    assert not Contract.objects.exists()
    assert not Invoice.objects.exists()


def test_a_failed_write_leaves_no_audit_event(alice, acme):
    with pytest.raises(ValidationError):
        account_update(actor=alice, account=acme, data={"website": "not a url"})
    assert not AuditEvent.objects.exists()
    assert Account.objects.get(pk=acme.pk).version == acme.version


def test_a_tag_name_is_unique_in_the_organization_whatever_the_case(alice, mallory):
    from keyaccount.accounts.services import tag_create

    tag_create(actor=alice, name="E-commerce")
    with pytest.raises(ValidationError) as e:
        tag_create(actor=alice, name="e-commerce ")
    assert "name" in e.value.error_dict
    assert tag_create(actor=mallory, name="e-commerce").name == "e-commerce"
    assert AuditEvent.objects.filter(object_type="accounts.tag", action="create").count() == 2
