"""Every API list: a constant number of queries whatever its length, scoped filters, and the docs pages."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from keyaccount.accounts.models import (
    AccountStatusChange,
    BusinessGoalRevision,
    DrivingForce,
    HandoverBrief,
    OnboardingItem,
    Tag,
    TeamRole,
)
from keyaccount.comms.models import Interaction
from keyaccount.contacts.models import ContactAccountRole
from keyaccount.core.models import AuditEvent
from keyaccount.core.tests.factories import AccountFactory, ContactFactory, member, on_team
from keyaccount.notifications.models import Notification
from keyaccount.tenancy.models import Invitation, Role
from keyaccount.work.models import Project, ProjectGoal, Request, Service, Task, TaskChecklistItem, TaskComment

serial = count()


def _account(w: Any) -> Any:
    """An account with everything a list row shows: owner, parent, tags, team."""
    n = next(serial)
    account = AccountFactory(organization=w.org, name=f"Client {n}", owner=w.alice, parent=w.acme)
    account.tags.set(w.tags)
    on_team(account, w.alice)
    return account


def _user(w: Any, role: str = Role.SPECIALIST) -> Any:
    return member(w.org, role, f"person{next(serial)}")


def _interaction(w: Any) -> Any:
    """A held call with everything a list row shows: participants on both sides, who logged it, a follow-up."""
    interaction = Interaction.objects.create(
        organization=w.org,
        account=w.acme,
        kind="call",
        occurred_at=timezone.now() - datetime.timedelta(hours=next(serial)),
        logged_by=w.alice,
        follow_up=Interaction.objects.create(
            organization=w.org, account=w.acme, kind="meeting", state="planned", occurred_at=timezone.now()
        ),
    )
    interaction.contacts.set([w.boss, ContactFactory(account=w.acme)])
    interaction.users.set([w.alice, w.carol])
    return interaction


def _project(w: Any) -> Any:
    """A project of acme with what a row shows: service, team, goals."""
    n = next(serial)
    service = Service.objects.create(organization=w.org, name=f"Service {n}")
    project = Project.objects.create(organization=w.org, account=w.acme, name=f"Project {n}", service=service)
    project.team.set([w.alice, w.carol])
    ProjectGoal.objects.create(organization=w.org, project=project, description="Top-10")
    return project


def _request(w: Any) -> Any:
    """A triaged request with its contact, project, people and a task made from it."""
    now = timezone.now()
    request = Request.objects.create(
        organization=w.org,
        account=w.acme,
        project=_project(w),
        contact=w.boss,
        channel="email",
        text="Add a banner",
        received_at=now,
        logged_by=w.alice,
        status="accepted",
        triaged_at=now,
        triaged_by=w.alice,
    )
    Task.objects.create(organization=w.org, account=w.acme, request=request, title="Banner")
    return request


def _task(w: Any) -> Any:
    """A task with project, request, assignee, author and a checklist."""
    request = _request(w)
    task = Task.objects.create(
        organization=w.org,
        account=w.acme,
        project=request.project,
        request=request,
        title="Meta tags",
        assignee=w.alice,
        created_by=w.carol,
        due_at=timezone.now() + datetime.timedelta(hours=3),
    )
    TaskChecklistItem.objects.create(organization=w.org, task=task, title="Titles", done_at=timezone.now())
    return task


BUILDERS: dict[str, Callable[[Any], Any]] = {
    "notifications": lambda w: Notification.objects.bulk_create(
        Notification(organization=w.org, recipient=person, kind="task_overdue", title="Late")
        for person in (w.alice, w.carol, w.dave)
    )[0],
    "accounts": _account,
    "tags": lambda w: Tag.objects.create(organization=w.org, name=f"tag {next(serial)}"),
    "contacts": lambda w: ContactFactory(account=w.acme, reports_to=w.boss),
    "contact-roles": lambda w: ContactAccountRole.objects.create(
        organization=w.org, contact=ContactFactory(account=w.acme), account=_account(w)
    ),
    "team-members": lambda w: on_team(w.acme, _user(w), TeamRole.SPECIALIST),
    "driving-forces": lambda w: DrivingForce.objects.create(
        organization=w.org, account=w.acme, kind="supplier", change="Prices up", impact="negative"
    ),
    "goal-revisions": lambda w: BusinessGoalRevision.objects.create(
        organization=w.org, account=w.acme, goal="Grow", revised_on=datetime.date(2026, 1, 1), author=w.alice
    ),
    "handovers": lambda w: HandoverBrief.objects.create(
        organization=w.org, account=_account(w), sold_by=w.alice, deal_value="100.00"
    ),
    "onboarding-items": lambda w: OnboardingItem.objects.create(
        organization=w.org, account=w.acme, title="Step", done_by=w.alice, done_at=timezone.now()
    ),
    "status-changes": lambda w: AccountStatusChange.objects.create(
        organization=w.org, account=w.acme, from_status="onboarding", to_status="active", changed_by=w.alice
    ),
    "audit-events": lambda w: AuditEvent.objects.create(
        organization=w.org,
        actor=w.alice,
        action="update",
        object_type="accounts.account",
        object_id=str(w.acme.pk),
        object_repr="Acme",
        account=w.acme,
        changes={"notes": ["", "x"]},
    ),
    "services": lambda w: Service.objects.create(organization=w.org, name=f"Service {next(serial)}"),
    "projects": _project,
    "project-goals": lambda w: ProjectGoal.objects.create(organization=w.org, project=_project(w), description="x"),
    "requests": _request,
    "tasks": _task,
    "task-checklist-items": lambda w: TaskChecklistItem.objects.create(organization=w.org, task=_task(w), title="x"),
    "task-comments": lambda w: TaskComment.objects.create(organization=w.org, task=_task(w), author=w.alice, text="x"),
    "users": _user,
    "interactions": _interaction,
    "contacts-due": lambda w: ContactFactory(account=w.acme, cadence_days=7),
    "invitations": lambda w: Invitation.objects.create(
        organization=w.org,
        email=f"new{next(serial)}@demo-agency.example",
        role=Role.CLIENT,
        client_account=w.acme,
        invited_by=w.dave,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    ),
}


@pytest.fixture
def w(org, alice, carol, dave, acme):
    class World:
        pass

    world = World()
    world.__dict__.update(org=org, alice=alice, carol=carol, dave=dave, acme=acme)
    world.tags = [Tag.objects.create(organization=org, name=name) for name in ("retail", "holding")]
    world.boss = ContactFactory(account=acme, name="The boss")
    return world


def list_queries(client: APIClient, url: str) -> tuple[int, list[str], int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.data
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries], response.data["count"]


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("viewer", ["alice", "carol", "dave"])
def test_a_list_runs_the_same_queries_for_2_and_20_rows(w, name, viewer):
    if name == "invitations" and viewer != "dave":
        pytest.skip("only administrators list invitations")
    client = APIClient()
    client.force_authenticate(getattr(w, viewer))
    url = f"/api/v1/{name}/"
    client.get(url)  # warm-up: per-process caches are not what this measures
    for _ in range(2):
        BUILDERS[name](w)
    few, _, few_rows = list_queries(client, url)

    for _ in range(18):
        BUILDERS[name](w)
    many, many_sql, many_rows = list_queries(client, url)

    assert many_rows >= few_rows + 18, "the rows are not visible to the viewer, so this measures nothing"
    assert many == few, "\n".join(many_sql)


ACCOUNT_FILTERED = [
    "contacts",
    "contact-roles",
    "team-members",
    "driving-forces",
    "goal-revisions",
    "handovers",
    "onboarding-items",
    "status-changes",
    "audit-events",
    "projects",
    "requests",
    "tasks",
    "interactions",
    "contacts-due",
]


@pytest.mark.parametrize("name", ACCOUNT_FILTERED)
def test_another_organizations_account_in_the_filter_matches_nothing(w, name, initech, mallory):
    record = BUILDERS[name](w)
    client = APIClient()
    client.force_authenticate(w.carol)

    own = client.get(f"/api/v1/{name}/", {"account": record.account_id})
    foreign = client.get(f"/api/v1/{name}/", {"account": initech.pk})

    assert own.data["count"] >= 1
    assert foreign.status_code == 200
    assert foreign.data["results"] == []


@pytest.mark.parametrize("name", ACCOUNT_FILTERED)
def test_a_malformed_account_filter_answers_400_naming_it(w, name):
    client = APIClient()
    client.force_authenticate(w.carol)

    response = client.get(f"/api/v1/{name}/", {"account": "acme"})

    assert response.status_code == 400
    assert "account" in response.data


def test_lists_are_ordered_on_request(w):
    for goal, day in (("Old goal", 1), ("New goal", 20)):
        BusinessGoalRevision.objects.create(
            organization=w.org, account=w.acme, goal=goal, revised_on=datetime.date(2026, 1, day), author=w.alice
        )
    client = APIClient()
    client.force_authenticate(w.alice)

    newest_first = client.get("/api/v1/goal-revisions/").data["results"]
    oldest_first = client.get("/api/v1/goal-revisions/", {"ordering": "revised_on"}).data["results"]

    assert [g["goal"] for g in newest_first] == ["New goal", "Old goal"]
    assert [g["goal"] for g in oldest_first] == ["Old goal", "New goal"]


# --- schema and docs --------------------------------------------------------------------------------


def test_the_openapi_schema_is_served(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/accounts/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_the_api_docs_load_nothing_from_outside_the_site(client, db):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""<(?:script|link|img)\b[^>]*?(?:src|href)=["']([^"']+)["']""", html, re.I)
    assert assets, "no scripts or styles found: the page changed shape"
    assert [a for a in assets if re.match(r"^(https?:)?//", a)] == []
    assert not re.search(r"""import\s*\(?\s*["'](https?:)?//""", html)
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise send the schema's address to swagger.io


def test_the_committed_schema_matches_the_code_and_generates_without_warnings(tmp_path, db):
    generated = tmp_path / "openapi.yaml"

    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")

    committed = settings.BASE_DIR / "docs" / "openapi.yaml"
    assert generated.read_text() == committed.read_text(), (
        "regenerate it: DEBUG=1 .venv/bin/python manage.py spectacular --file docs/openapi.yaml --validate"
    )
