"""Two administrators naming a team at the same moment (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from keyaccount.core.tests.concurrency import POSTGRES_ONLY, at_the_same_moment
from keyaccount.tenancy import services
from keyaccount.tenancy.models import Team

pytestmark = POSTGRES_ONLY


@pytest.mark.django_db(transaction=True)
def test_two_admins_creating_one_name_at_once_get_one_team_and_a_message_on_name(dave, org):
    from keyaccount.core.tests.factories import member
    from keyaccount.tenancy.models import Role

    erin = member(org, Role.ADMIN, "erin")

    def create(actor):
        def call():
            try:
                return services.team_create(actor=actor, name="North")
            except ValidationError as error:
                return error.message_dict

        return call

    outcomes = at_the_same_moment(create(dave), create(erin))

    assert Team.objects.filter(organization=org, name="North").count() == 1
    refused = [o for o in outcomes if isinstance(o, dict)]
    assert refused == [{"name": ["A team with this name already exists."]}]
