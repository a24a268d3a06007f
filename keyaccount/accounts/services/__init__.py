"""Every change to an account and its records: permission, validation, the write and its audit event, one
module per subject (`accounts`: the account itself, its tags, status, owner and deletion; `team`; `handover`;
`onboarding`; `context`: driving forces and business goals). Every public name is imported here, so
`from keyaccount.accounts import services` and `services.account_create` keep working.
"""

from keyaccount.accounts.services._checks import OWNER_ROLES
from keyaccount.accounts.services.accounts import (
    ACCOUNT_FIELDS,
    DeletionGuard,
    account_assign_owner,
    account_change_status,
    account_create,
    account_delete,
    account_update,
    register_deletion_guard,
    tag_create,
)
from keyaccount.accounts.services.context import (
    DRIVING_FORCE_FIELDS,
    driving_force_create,
    driving_force_delete,
    driving_force_update,
    goal_revise,
    goal_revision_delete,
    goal_revision_update,
)
from keyaccount.accounts.services.handover import HANDOVER_FIELDS, handover_save
from keyaccount.accounts.services.onboarding import (
    DEFAULT_ONBOARDING_ITEMS,
    onboarding_item_add,
    onboarding_item_delete,
    onboarding_item_update,
    onboarding_template_set,
    onboarding_template_titles,
)
from keyaccount.accounts.services.team import team_member_add, team_member_remove

__all__ = [
    "ACCOUNT_FIELDS",
    "DEFAULT_ONBOARDING_ITEMS",
    "DRIVING_FORCE_FIELDS",
    "HANDOVER_FIELDS",
    "OWNER_ROLES",
    "DeletionGuard",
    "account_assign_owner",
    "account_change_status",
    "account_create",
    "account_delete",
    "account_update",
    "driving_force_create",
    "driving_force_delete",
    "driving_force_update",
    "goal_revise",
    "goal_revision_delete",
    "goal_revision_update",
    "handover_save",
    "onboarding_item_add",
    "onboarding_item_delete",
    "onboarding_item_update",
    "onboarding_template_set",
    "onboarding_template_titles",
    "register_deletion_guard",
    "tag_create",
    "team_member_add",
    "team_member_remove",
]
