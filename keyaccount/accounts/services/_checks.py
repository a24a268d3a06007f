"""What the changes to an account's records share: the actor's right to edit the account, and who may own one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyaccount.accounts.models import Account
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import require_on_account

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

OWNER_ROLES = {Role.ACCOUNT_MANAGER, Role.HEAD, Role.ADMIN}


def check_editable(actor: User, account: Account, capability: str = "edit_account") -> None:
    require_on_account(actor, account.pk, capability)
