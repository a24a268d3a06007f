"""The permission matrix of the API: every endpoint × action × person, and nothing changes when refused.

Each row below reads across the people of conftest.py, in this order:

    anonymous  alice   bob        ann        sam         sally  carol  dave   clint          mallory
               AM of   AM, not    assistant  specialist  sold   head   admin  client of      AM of another
               acme    on acme    on acme    on acme     acme                  acme           organization

The target record always belongs to acme. Rules behind the numbers (DESIGN.md rule 2):
- a role that may never make a change gets 403 before anything is read;
- a record the person may not see answers 404, exactly like a missing one (bob, mallory, and
  specialists/clients for what their role never shows);
- a foreign key to something the person may not see is refused with 400 naming the field.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from keyaccount.accounts.models import (
    Account,
    AccountStatusChange,
    AccountTeamMember,
    BusinessGoalRevision,
    DrivingForce,
    HandoverBrief,
    OnboardingItem,
    Tag,
    TeamRole,
)
from keyaccount.alerts.tests import matrix as alerts_matrix
from keyaccount.billing.tests.matrix import BILLING_ENDPOINTS, BILLING_MODELS, billing_records
from keyaccount.comms.models import Interaction
from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.core.models import AuditEvent
from keyaccount.core.tests.factories import AccountFactory, ContactFactory, member, on_team
from keyaccount.core.tests.matrix_support import Endpoint
from keyaccount.health.tests import matrix as health_matrix
from keyaccount.notifications.models import Notification
from keyaccount.surveys.tests import matrix as surveys_matrix
from keyaccount.tenancy.models import Invitation, Membership, Role, User
from keyaccount.work.models import (
    Project,
    ProjectGoal,
    Request,
    Service,
    Task,
    TaskChecklistItem,
    TaskComment,
    TaskDueChange,
    TaskStatusChange,
)

PEOPLE = ["anonymous", "alice", "bob", "ann", "sam", "sally", "carol", "dave", "clint", "mallory"]
EVERY_MODEL = [
    Account,
    AccountStatusChange,
    AccountTeamMember,
    BusinessGoalRevision,
    DrivingForce,
    HandoverBrief,
    OnboardingItem,
    Tag,
    Contact,
    ContactAccountRole,
    Interaction,
    AuditEvent,
    Invitation,
    Membership,
    User,
    Service,
    Project,
    ProjectGoal,
    Request,
    Task,
    TaskStatusChange,
    TaskDueChange,
    TaskChecklistItem,
    TaskComment,
    *BILLING_MODELS,
    *(model for app in (health_matrix, alerts_matrix, surveys_matrix) for model in app.MODELS),
]


def work_records(org: Any, acme: Any, alice: Any, sam: Any) -> dict[str, Any]:
    """acme's delivery side: a project with a goal, a request waiting and one quoted, sam's task."""
    now = timezone.now()
    project = Project.objects.create(organization=org, account=acme, name="SEO 2026", budget="120000.00")
    task = Task.objects.create(
        organization=org,
        account=acme,
        title="Fix meta tags",
        assignee=sam,
        created_by=alice,
        due_at=now + datetime.timedelta(days=3),
    )
    return {
        "extra_works": Service.objects.create(organization=org, name="Extra works"),
        "seo_project": project,
        "project_goal": ProjectGoal.objects.create(organization=org, project=project, description="Top-10"),
        "client_request": Request.objects.create(
            organization=org, account=acme, channel="email", text="Add a banner", received_at=now, logged_by=alice
        ),
        "quoted_request": Request.objects.create(
            organization=org,
            account=acme,
            channel="call",
            text="A promo video",
            received_at=now,
            status="quoted",
            quote_amount="45000.00",
            quote_currency="RUB",
            triaged_at=now,
        ),
        "sams_task": task,
        "task_step": TaskChecklistItem.objects.create(organization=org, task=task, title="Titles"),
        "task_comment": TaskComment.objects.create(organization=org, task=task, author=alice, text="Please start"),
    }


@pytest.fixture
def world(org, alice, bob, ann, sam, sally, carol, dave, clint, mallory, acme, globex, initech):
    """acme with one record of every kind, and Acme Labs: the same team as acme, without sales or client."""
    labs = AccountFactory(organization=org, name="Acme Labs", owner=alice)
    on_team(labs, alice)
    on_team(labs, ann, TeamRole.ASSISTANT)
    on_team(labs, sam, TeamRole.SPECIALIST)
    pete = member(org, Role.SPECIALIST, "pete")
    today = datetime.date(2026, 3, 1)
    return SimpleNamespace(
        **locals(),
        **work_records(org, acme, alice, sam),
        **billing_records(org, acme, alice),
        **health_matrix.records(org, acme, alice),
        **alerts_matrix.records(org, acme, alice),
        **surveys_matrix.records(org, acme, alice),
        ivan=ContactFactory(account=acme, name="Ivan"),
        role_on_acme=ContactAccountRole.objects.create(
            organization=org, contact=ContactFactory(account=labs, name="Hanna"), account=acme
        ),
        pete_seat=on_team(acme, pete, TeamRole.PROJECT_MANAGER),
        force=DrivingForce.objects.create(
            organization=org, account=acme, kind="competitor", change="A new agency", impact="negative"
        ),
        goal=BusinessGoalRevision.objects.create(
            organization=org, account=acme, goal="Grow online sales 20%", revised_on=today, author=alice
        ),
        handover=HandoverBrief.objects.get(account=acme),
        step=OnboardingItem.objects.create(organization=org, account=acme, title="Introduce the team"),
        status_change=AccountStatusChange.objects.create(
            organization=org, account=acme, to_status="onboarding", changed_by=alice
        ),
        event=AuditEvent.objects.create(
            organization=org,
            actor=alice,
            action="update",
            object_type="accounts.account",
            object_id=str(acme.pk),
            object_repr="Acme",
            account=acme,
        ),
        invitation=Invitation.objects.create(
            organization=org,
            email="nina@demo-agency.example",
            role=Role.SPECIALIST,
            invited_by=dave,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
        tag=Tag.objects.create(organization=org, name="e-commerce"),
        note=Notification.objects.create(
            organization=org, recipient=alice, kind="task_overdue", title="Overdue: Fix meta tags"
        ),
        planned_call=Interaction.objects.create(
            organization=org,
            account=acme,
            kind="call",
            state="planned",
            occurred_at=timezone.now() + datetime.timedelta(days=2),
            subject="Monthly report call",
        ),
    )


ENDPOINTS = [
    Endpoint(
        "accounts",
        target=lambda w: w.acme,
        create=lambda w: {"name": "Umbrella"},
        update=lambda w: {"notes": "Prefers calls"},
        actions={"status": lambda w: {"to": "active"}, "owner": lambda w: {"owner": w.bob.pk}},
        expect={
            #            anon alice bob ann sam sally carol dave clint mallory
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  200  404",
            "create": "  401  201  201  403  403  201  201  201  403  201",
            "update": "  401  200  404  200  403  403  200  200  403  404",
            # acme has issued invoices and payments: kept for accounting, so even a head is refused.
            "delete": "  401  403  403  403  403  403  400  400  403  403",
            "status": "  401  200  404  200  403  403  200  200  403  404",
            "owner": "   401  403  403  403  403  403  200  200  403  403",
        },
    ),
    Endpoint(
        "contacts",
        target=lambda w: w.ivan,
        create=lambda w: {"account": w.acme.pk, "name": "Olga"},
        update=lambda w: {"title": "CEO"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  404  404",
            "create": "  401  201  400  201  403  201  201  201  403  400",
            "update": "  401  200  404  200  403  200  200  200  403  404",
            "delete": "  401  204  404  204  403  204  204  204  403  404",
        },
    ),
    Endpoint(
        "contact-roles",
        target=lambda w: w.role_on_acme,
        create=lambda w: {"contact": w.ivan.pk, "account": w.labs.pk, "decision_role": "influencer"},
        update=lambda w: {"influence": 5},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  404  404",
            "create": "  401  201  400  201  403  400  201  201  403  400",
            "update": "  401  200  404  200  403  200  200  200  403  404",
            "delete": "  401  204  404  204  403  204  204  204  403  404",
        },
    ),
    Endpoint(
        "interactions",
        target=lambda w: w.planned_call,
        create=lambda w: {
            "account": w.acme.pk,
            "kind": "call",
            "occurred_at": "2026-03-01T10:00:00+03:00",
            "contacts": [w.ivan.pk],
            "summary": "Agreed the March plan",
        },
        update=lambda w: {"subject": "Quarterly review"},
        actions={"complete": lambda w: {"summary": "Went well", "sentiment": 1}, "cancel": lambda w: {}},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  404  404",
            "create": "  401  201  400  201  403  201  201  201  403  400",
            "update": "  401  200  404  200  403  200  200  200  403  404",
            "delete": "  401  204  404  204  403  204  204  204  403  404",
            "complete": "401  200  404  200  403  200  200  200  403  404",
            "cancel": "  401  200  404  200  403  200  200  200  403  404",
        },
    ),
    Endpoint(
        "contacts-due",
        target=lambda w: w.ivan,
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  200  200  200  404  404",
        },
    ),
    Endpoint(
        "team-members",
        target=lambda w: w.pete_seat,
        create=lambda w: {"account": w.acme.pk, "user": w.carol.pk, "role": "executive_sponsor"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  200  404",
            "create": "  401  201  400  403  403  403  201  201  403  400",
            "delete": "  401  204  404  403  403  403  204  204  403  404",
        },
    ),
    Endpoint(
        "driving-forces",
        target=lambda w: w.force,
        create=lambda w: {"account": w.acme.pk, "kind": "customer", "change": "Buyers go online", "impact": "positive"},
        update=lambda w: {"subject": "Agency X"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "update": "  401  200  404  200  403  403  200  200  403  404",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
        },
    ),
    Endpoint(
        "goal-revisions",
        target=lambda w: w.goal,
        create=lambda w: {"account": w.acme.pk, "goal": "Open 3 new regions"},
        update=lambda w: {"goal": "Grow online sales 25%"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "update": "  401  200  404  200  403  403  200  200  403  404",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
        },
    ),
    Endpoint(
        "handovers",
        target=lambda w: w.handover,
        create=lambda w: {"account": w.labs.pk, "what_was_sold": "Contextual ads", "deal_value": "90000.00"},
        update=lambda w: {"promises": "First leads in two weeks"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  200  200  200  404  404",
            "create": "  401  201  400  201  403  400  201  201  403  400",
            "update": "  401  200  404  200  403  200  200  200  403  404",
        },
    ),
    Endpoint(
        "onboarding-items",
        target=lambda w: w.step,
        create=lambda w: {"account": w.acme.pk, "title": "Agree the reporting cadence"},
        update=lambda w: {"done": True},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "update": "  401  200  404  200  403  403  200  200  403  404",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
        },
    ),
    Endpoint(
        "status-changes",
        target=lambda w: w.status_change,
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  200  404",
        },
    ),
    Endpoint(
        "audit-events",
        target=lambda w: w.event,
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  404  200  200  404  404",
        },
    ),
    Endpoint(
        "tags",
        target=lambda w: w.tag,
        create=lambda w: {"name": "holding"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  200  200  200  200  200  200  200  404",
            "create": "  401  201  201  201  403  403  201  201  403  201",
        },
    ),
    Endpoint(
        "services",
        target=lambda w: w.extra_works,
        create=lambda w: {"name": "Design"},
        update=lambda w: {"description": "Small jobs outside the scope"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  200  200  200  200  200  200  200  404",
            "create": "  401  403  403  403  403  403  403  201  403  403",
            "update": "  401  403  403  403  403  403  403  200  403  403",
            "delete": "  401  403  403  403  403  403  403  204  403  403",
        },
    ),
    Endpoint(
        "projects",
        target=lambda w: w.seo_project,
        create=lambda w: {"account": w.acme.pk, "name": "SMM", "team": [w.sam.pk]},
        update=lambda w: {"scope": "30 queries"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "update": "  401  200  404  200  403  403  200  200  403  404",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
        },
    ),
    Endpoint(
        "project-goals",
        target=lambda w: w.project_goal,
        create=lambda w: {"project": w.seo_project.pk, "description": "Traffic +20%"},
        update=lambda w: {"achieved_on": "2026-05-20"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  200  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "update": "  401  200  404  200  403  403  200  200  403  404",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
        },
    ),
    Endpoint(
        "requests",
        target=lambda w: w.client_request,
        create=lambda w: {"account": w.acme.pk, "channel": "messenger", "text": "Change the phone number"},
        update=lambda w: {"text": "Add a spring banner"},
        actions={"triage": lambda w: {"decision": "reject", "reason": "absurd", "explanation": "Hurts conversion"}},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  404  404  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "update": "  401  200  404  200  403  403  200  200  403  404",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
            "triage": "  401  200  404  200  403  403  200  200  403  404",
        },
    ),
    Endpoint(
        "requests",
        target=lambda w: w.quoted_request,
        actions={"quote-answer": lambda w: {"accepted": False}},
        expect={"quote-answer": "401  200  404  200  403  403  200  200  403  404"},
    ),
    Endpoint(
        "tasks",
        target=lambda w: w.sams_task,
        create=lambda w: {"account": w.acme.pk, "title": "Audit", "assignee": w.sam.pk},
        update=lambda w: {"priority": "high"},
        actions={
            "transition": lambda w: {"to": "in_progress"},
            "move-due": lambda w: {"due_at": "2030-01-01T10:00:00Z", "reason": "The client is away"},
        },
        expect={
            "list": "      401  200  200  200  200  200  200  200  200  200",
            "retrieve": "  401  200  404  200  200  404  200  200  404  404",
            "create": "    401  201  400  201  403  403  201  201  403  400",
            "update": "    401  200  404  200  403  403  200  200  403  404",
            "transition": "401  200  404  200  200  403  200  200  403  404",
            "move-due": "  401  200  404  200  403  403  200  200  403  404",
        },
    ),
    Endpoint(
        "task-checklist-items",
        target=lambda w: w.task_step,
        create=lambda w: {"task": w.sams_task.pk, "title": "Descriptions"},
        update=lambda w: {"done": True},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  404  200  200  404  404",
            "create": "  401  201  400  201  403  403  201  201  403  400",
            "update": "  401  200  404  200  200  403  200  200  403  404",
            "delete": "  401  204  404  204  403  403  204  204  403  404",
        },
    ),
    Endpoint(
        "task-comments",
        target=lambda w: w.task_comment,
        create=lambda w: {"task": w.sams_task.pk, "text": "On it"},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  200  200  404  200  200  404  404",
            "create": "  401  201  400  201  201  403  201  201  403  400",
        },
    ),
    Endpoint(
        "users",
        target=lambda w: w.alice,
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  200  200  200  200  200  200  404  404",
        },
    ),
    Endpoint(
        "invitations",
        target=lambda w: w.invitation,
        create=lambda w: {"email": "oleg@demo-agency.example", "role": "sales"},
        expect={
            "list": "    401  403  403  403  403  403  403  200  403  403",
            "retrieve": "401  403  403  403  403  403  403  200  403  403",
            "create": "  401  403  403  403  403  403  403  201  403  403",
            "delete": "  401  403  403  403  403  403  403  204  403  403",
        },
    ),
]

# Notifications are personal: only the recipient lists, opens and marks them read, whatever their role.
EVERY_MODEL.append(Notification)
ENDPOINTS.append(
    Endpoint(
        "notifications",
        target=lambda w: w.note,
        actions={"read": lambda w: {}},
        expect={
            "list": "    401  200  200  200  200  200  200  200  200  200",
            "retrieve": "401  200  404  404  404  404  404  404  404  404",
            "read": "    401  200  404  404  404  404  404  404  404  404",
        },
    )
)

ENDPOINTS += BILLING_ENDPOINTS
for _app in (health_matrix, alerts_matrix, surveys_matrix):
    ENDPOINTS += _app.ENDPOINTS

CASES = [
    pytest.param(endpoint, action, id=f"{endpoint.name}-{action}")
    for endpoint in ENDPOINTS
    for action in endpoint.expect
]


def fingerprint() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the API touches."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in EVERY_MODEL}


def rows_written() -> int:
    """How many rows this connection has inserted, updated or deleted so far (in this transaction on
    PostgreSQL, since it opened on SQLite): one query. When it has not moved, nothing changed, and the
    fingerprint (a query per table) need not be taken again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        else:
            cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0])


def call(client: APIClient, endpoint: Endpoint, action: str, w: Any):
    url = f"/api/v1/{endpoint.name}/"
    if action == "list":
        return client.get(url)
    if action == "create":
        assert endpoint.create is not None
        return client.post(url, endpoint.create(w), format="json")
    url = f"{url}{endpoint.target(w).pk}/"
    if action == "retrieve":
        return client.get(url)
    if action == "update":
        assert endpoint.update is not None
        return client.patch(url, endpoint.update(w), format="json")
    if action == "delete":
        return client.delete(url)
    return client.post(f"{url}{action}/", endpoint.actions[action](w), format="json")


@pytest.mark.parametrize(("endpoint", "action"), CASES)
def test_each_person_gets_exactly_what_their_role_allows(world, endpoint, action):
    """One row of the matrix: each person in turn, every request rolled back before the next."""
    expected = dict(zip(PEOPLE, map(int, endpoint.expect[action].split()), strict=True))
    answered, broken = {}, {}
    before = fingerprint()
    for person in PEOPLE:
        client = APIClient()
        if person != "anonymous":
            client.force_authenticate(getattr(world, person))
        with transaction.atomic():
            written = rows_written()
            response = call(client, endpoint, action, world)
            answered[person] = response.status_code
            changed = rows_written() != written and fingerprint() != before
            problem = check(endpoint, action, person, response, changed, world)
            if problem:
                broken[person] = problem
            transaction.set_rollback(True)

    assert answered == expected
    assert broken == {}


def check(endpoint: Endpoint, action: str, person: str, response: Any, changed: bool, world: Any) -> str | None:
    """What is wrong with an answer besides its status code, if anything."""
    if response.status_code >= 400 or action in ("list", "retrieve"):
        if changed:
            return "a refused request or a read changed data"
    elif not changed:
        return "a successful write changed nothing"
    if action == "list" and response.status_code == 200:
        # The list shows the target exactly to those who may open it.
        may_open = endpoint.expect["retrieve"].split()[PEOPLE.index(person)] == "200"
        listed = endpoint.target(world).pk in [row["id"] for row in response.data["results"]]
        if listed != may_open:
            return f"the list {'shows' if listed else 'hides'} the target"
    return None


def test_every_registered_endpoint_is_in_the_matrix():
    from keyaccount.api_urls import router

    assert {prefix for prefix, _viewset, _basename in router.registry} == {e.name for e in ENDPOINTS}


def test_me_answers_every_signed_in_person_and_nobody_else(world):
    for person in PEOPLE[1:]:
        client = APIClient()
        client.force_authenticate(getattr(world, person))
        assert client.get("/api/v1/me/").data["email"] == getattr(world, person).email
    assert APIClient().get("/api/v1/me/").status_code == 401


def test_a_user_without_an_organization_gets_403_everywhere(world, django_user_model):
    stranger = django_user_model.objects.create_user("stranger@example.com", "x")
    client = APIClient()
    client.force_authenticate(stranger)

    for endpoint in ENDPOINTS:
        assert client.get(f"/api/v1/{endpoint.name}/").status_code == 403, endpoint.name
    assert client.get("/api/v1/me/").status_code == 403


def test_my_day_and_email_preferences_answer_every_member_and_nobody_else(world):
    for path in ("/api/v1/me/day/", "/api/v1/notification-preferences/"):
        assert APIClient().get(path).status_code == 401
        for person in PEOPLE[1:]:
            client = APIClient()
            client.force_authenticate(getattr(world, person))
            assert client.get(path).status_code == 200, (path, person)


def test_read_all_marks_only_the_callers_notifications(world):
    client = APIClient()
    client.force_authenticate(world.carol)

    # carol's own: the red health alert on acme tells the heads.
    own = Notification.objects.filter(recipient=world.carol, read_at__isnull=True).count()
    assert own == 1

    assert client.post("/api/v1/notifications/read-all/").data == {"marked": own}
    assert not Notification.objects.filter(recipient=world.carol, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=world.note.pk).read_at is None
    assert APIClient().post("/api/v1/notifications/read-all/").status_code == 401
