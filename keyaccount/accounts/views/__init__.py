"""The account pages: the portfolio, the account page with its sections, and the account forms.

Views read through selectors and write through services; they never touch a tenant model's manager.
"""

from keyaccount.accounts.views.edits import (
    account_create,
    account_delete,
    account_edit,
    account_owner,
    account_status,
    force_add,
    force_delete,
    force_edit,
    goal_revise,
    handover_edit,
    onboarding_add,
    onboarding_delete,
    onboarding_toggle,
    team_add,
    team_remove,
)
from keyaccount.accounts.views.page import account_detail
from keyaccount.accounts.views.portfolio import portfolio

__all__ = [
    "account_create",
    "account_delete",
    "account_detail",
    "account_edit",
    "account_owner",
    "account_status",
    "force_add",
    "force_delete",
    "force_edit",
    "goal_revise",
    "handover_edit",
    "onboarding_add",
    "onboarding_delete",
    "onboarding_toggle",
    "portfolio",
    "team_add",
    "team_remove",
]
