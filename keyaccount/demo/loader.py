"""Loads a demo organization: plans it for a seed and today, then writes it in one transaction.

The same seed gives the same organization: first the whole organization is planned with one seeded
random generator (`planner`), then written through the services (`writer`); dates are counted back
from today.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from keyaccount.demo.planner import Planner
from keyaccount.demo.writer import Writer
from keyaccount.tenancy.models import Organization


def load(*, name: str, accounts: int, seed: int, password: str, today: datetime.date) -> tuple[Organization, Writer]:
    """Plan and write the demo organization `name`; the writer keeps the plan and the counts written."""
    plan = Planner(accounts, seed, today).plan()
    writer = Writer(plan, name, password, today, seed=seed)
    with transaction.atomic():
        org = writer.write()
    return org, writer
