"""The demo agency's staff: who works there for N accounts (roles, head counts, disciplines) and the
login lines the loader prints."""

from __future__ import annotations

import math
import re

from keyaccount.accounts.models import Account
from keyaccount.demo import data as d
from keyaccount.tenancy.models import Membership, Organization, Role

# (email prefix, role) in the order the logins are printed.
STAFF_ROLES = [
    ("admin", Role.ADMIN),
    ("head", Role.HEAD),
    ("am", Role.ACCOUNT_MANAGER),
    ("assistant", Role.ASSISTANT),
    ("specialist", Role.SPECIALIST),
    ("sales", Role.SALES),
]
ROLE_LABELS = {
    "admin": "administrator",
    "head": "head of client service",
    "am": "account manager",
    "assistant": "assistant account manager",
    "specialist": "specialist",
    "sales": "sales",
}


def staff_counts(accounts: int) -> dict[str, int]:
    """About one account manager per 8 accounts (at least 3), and a team around them."""
    ams = max(3, round(accounts / 8))
    return {
        "admin": 1,
        "head": 1,
        "am": ams,
        "assistant": max(1, math.ceil(ams / 2)),
        "specialist": len(d.DISCIPLINES) * max(1, math.ceil(ams / 4)),
        "sales": max(1, math.ceil(ams / 3)),
    }


def specialist_discipline(n: int) -> str:
    return d.DISCIPLINES[(n - 1) % len(d.DISCIPLINES)]


def _login_sort_key(membership: Membership) -> tuple[int, int, str]:
    prefix, number = re.match(r"([a-z]+)(\d*)", membership.user.email).groups()  # type: ignore[union-attr]  # demo emails match the pattern
    order = [p for p, _r in STAFF_ROLES]
    return (order.index(prefix) if prefix in order else len(order), int(number or 0), membership.user.email)


def login_lines(organization: Organization) -> list[str]:
    """One line per person of the organization: email, role, name (and portfolio size for managers)."""
    memberships = list(Membership.objects.filter(organization=organization).select_related("user"))
    owned: dict[int, int] = {}
    for owner_id in Account.objects.filter(organization=organization).values_list("owner_id", flat=True):
        owned[owner_id] = owned.get(owner_id, 0) + 1
    lines = []
    for m in sorted(memberships, key=_login_sort_key):
        prefix, number = re.match(r"([a-z]+)(\d*)", m.user.email).groups()  # type: ignore[union-attr]  # demo emails match the pattern
        label = ROLE_LABELS.get(prefix, m.get_role_display())
        if prefix == "specialist" and number:
            label = f"{label}, {d.DISCIPLINE_LABELS[specialist_discipline(int(number))]}"
        if m.role == Role.ACCOUNT_MANAGER:
            label = f"{label}, {owned.get(m.user_id, 0)} accounts"
        lines.append(f"  {m.user.email:<36} {label:<36} {m.user.name}")
    return lines
