"""The permission rules name other apps' tables and values by string; these keep the names true."""

from keyaccount.accounts.models import TeamRole
from keyaccount.tenancy import permissions


def test_the_account_manager_seat_it_names_is_the_account_teams():
    assert permissions.ACCOUNT_MANAGER == TeamRole.ACCOUNT_MANAGER


def test_every_table_it_names_exists():
    for label in ["accounts.Account", "accounts.AccountTeamMember", "accounts.HandoverBrief", "work.Task"]:
        assert permissions._model(label)._meta.label == label
    assert permissions._model("contacts.ContactAccountRole")._meta.label == "contacts.ContactAccountRole"
