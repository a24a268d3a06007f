"""Rules that name other apps' tables and values by string (so imports point down); these keep the names true."""

from keyaccount.accounts.models import TeamRole
from keyaccount.tenancy import permissions


def test_the_account_manager_seat_it_names_is_the_account_teams():
    assert permissions.ACCOUNT_MANAGER == TeamRole.ACCOUNT_MANAGER


def test_every_table_it_names_exists():
    for label in ["accounts.Account", "accounts.AccountTeamMember", "accounts.HandoverBrief", "work.Task"]:
        assert permissions._model(label)._meta.label == label
    assert permissions._model("contacts.ContactAccountRole")._meta.label == "contacts.ContactAccountRole"


def test_the_portfolio_filters_by_the_health_apps_bands():
    from keyaccount.accounts.filtersets import UNKNOWN_BAND, _health_bands
    from keyaccount.health.base import Band

    assert UNKNOWN_BAND == Band.UNKNOWN
    assert _health_bands() == list(Band.choices)
