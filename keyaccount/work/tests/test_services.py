"""Services and selectors of the delivery side: catalogue, projects, requests and their triage, tasks."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from keyaccount.core.models import AuditEvent
from keyaccount.core.services import ConflictError
from keyaccount.core.tests.factories import ContactFactory, member
from keyaccount.tenancy.models import Role
from keyaccount.work import selectors, services
from keyaccount.work.models import (
    TASK_TRANSITIONS,
    Project,
    Request,
    RequestStatus,
    Service,
    Task,
    TaskDueChange,
    TaskStatus,
    TaskStatusChange,
)

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def soon(hours: float = 48) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


@pytest.fixture
def task(alice, acme, sam):
    return services.task_create(actor=alice, account=acme, title="Fix the meta tags", assignee=sam, due_at=soon())


@pytest.fixture
def request_(alice, acme):
    return services.request_log(actor=alice, account=acme, channel="email", text="Add a banner")


def events(instance) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=instance._meta.label_lower, object_id=str(instance.pk)))


# --- catalogue --------------------------------------------------------------------------------------


def test_a_new_organization_gets_the_default_catalogue_once(org):
    first = services.service_catalogue_ensure_defaults(org)
    again = services.service_catalogue_ensure_defaults(org)

    assert [s.name for s in first] == services.DEFAULT_SERVICES
    assert {s.pk for s in again} == {s.pk for s in first}


def test_only_an_admin_edits_the_catalogue(dave, alice):
    service = services.service_create(actor=dave, name="Analytics")

    with pytest.raises(PermissionDenied):
        services.service_create(actor=alice, name="Design")
    with pytest.raises(ValidationError) as e:
        services.service_create(actor=dave, name="analytics")
    assert "name" in e.value.message_dict
    assert events(service)[0].action == "create"


def test_a_service_with_projects_is_kept(dave, alice, acme):
    seo = services.service_create(actor=dave, name="SEO")
    services.project_create(actor=alice, account=acme, name="SEO 2026", service=seo)

    with pytest.raises(ValidationError) as e:
        services.service_delete(actor=dave, service=seo)

    assert "service" in e.value.message_dict
    assert Service.objects.filter(pk=seo.pk).exists()


# --- projects ---------------------------------------------------------------------------------------


def test_a_project_takes_the_accounts_currency_and_a_team_of_colleagues(alice, acme, sam):
    acme.currency = "EUR"
    acme.save()

    project = services.project_create(
        actor=alice, account=acme, name="Site", budget=Decimal("1200.50"), team=[sam, alice]
    )

    assert project.currency == "EUR"
    assert set(project.team.all()) == {sam, alice}


def test_a_project_refuses_a_team_member_from_another_organization_or_a_client(alice, acme, mallory, clint):
    for outsider in (mallory, clint):
        with pytest.raises(ValidationError) as e:
            services.project_create(actor=alice, account=acme, name="Site", team=[outsider])
        assert "team" in e.value.message_dict
    assert not Project.objects.exists()


def test_a_project_cannot_end_before_it_starts(alice, acme):
    with pytest.raises(ValidationError) as e:
        services.project_create(
            actor=alice,
            account=acme,
            name="Site",
            starts_on=datetime.date(2026, 5, 1),
            ends_on=datetime.date(2026, 4, 1),
        )
    assert "ends_on" in e.value.message_dict


def test_a_stale_project_edit_is_refused(alice, acme):
    project = services.project_create(actor=alice, account=acme, name="Site")
    services.project_update(actor=alice, project=project, data={"scope": "Landing"}, expected_version=1)

    with pytest.raises(ConflictError):
        services.project_update(actor=alice, project=project, data={"scope": "Shop"}, expected_version=1)


def test_an_account_manager_of_another_account_cannot_open_a_project_there(bob, acme, sam):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=bob, account=acme, name="Site")
    with pytest.raises(PermissionDenied):
        services.project_create(actor=sam, account=acme, name="Site")


def test_project_goals_are_audited_on_the_account(alice, acme):
    project = services.project_create(actor=alice, account=acme, name="SEO")
    goal = services.project_goal_create(
        actor=alice, project=project, description="Top-10 for 30 queries", target_date=datetime.date(2026, 6, 1)
    )
    services.project_goal_update(actor=alice, goal=goal, data={"achieved_on": datetime.date(2026, 5, 20)})

    assert [e.action for e in events(goal)] == ["update", "create"]
    assert all(e.account_id == acme.pk for e in events(goal))


# --- requests ---------------------------------------------------------------------------------------


def test_a_request_is_due_within_the_accounts_target_in_business_hours(alice, acme, org):
    org.timezone = "Europe/Moscow"
    org.save()
    acme.response_target_hours = 8
    acme.save()

    logged = services.request_log(
        actor=alice,
        account=acme,
        channel="call",
        text="Call back",
        received_at=datetime.datetime(2026, 3, 6, 17, 0, tzinfo=MSK),
    )

    assert logged.response_due_at == datetime.datetime(2026, 3, 9, 16, 0, tzinfo=MSK)
    assert logged.logged_by == alice


def test_without_an_account_target_the_organizations_default_applies(alice, acme, org):
    org.timezone = "Europe/Moscow"
    org.default_response_target_hours = 2
    org.save()

    logged = services.request_log(
        actor=alice, account=acme, channel="call", text="x", received_at=datetime.datetime(2026, 3, 2, 10, tzinfo=MSK)
    )

    assert logged.response_due_at == datetime.datetime(2026, 3, 2, 12, tzinfo=MSK)


def test_a_request_refuses_a_contact_or_project_of_another_account(alice, acme, globex, bob):
    stranger = ContactFactory(account=globex)
    other_project = services.project_create(actor=bob, account=globex, name="Ads")

    with pytest.raises(ValidationError) as e:
        services.request_log(actor=alice, account=acme, channel="call", text="x", contact=stranger)
    assert "contact" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.request_log(actor=alice, account=acme, channel="call", text="x", project=other_project)
    assert "project" in e.value.message_dict
    assert not Request.objects.exists()


def test_a_request_cannot_arrive_in_the_future(alice, acme):
    with pytest.raises(ValidationError) as e:
        services.request_log(actor=alice, account=acme, channel="call", text="x", received_at=soon(2))
    assert "received_at" in e.value.message_dict


def test_accepting_a_request_turns_it_into_tasks(alice, acme, sam, request_):
    services.request_triage(
        actor=alice,
        request=request_,
        decision="accept",
        tasks=[
            {"title": "Design the banner", "assignee": sam, "due_at": soon(), "checklist": ["Draft", "Approve"]},
            {"title": "Publish the banner"},
        ],
    )

    request_.refresh_from_db()
    assert request_.status == RequestStatus.ACCEPTED
    assert request_.triaged_by == alice
    assert request_.response_met is True
    tasks = list(Task.objects.filter(request=request_).order_by("id"))
    assert [t.title for t in tasks] == ["Design the banner", "Publish the banner"]
    assert [i.title for i in tasks[0].checklist.all()] == ["Draft", "Approve"]


def test_accepting_needs_at_least_one_task_and_a_bad_task_leaves_nothing(alice, mallory, request_):
    with pytest.raises(ValidationError) as e:
        services.request_triage(actor=alice, request=request_, decision="accept", tasks=[])
    assert "tasks" in e.value.message_dict

    with pytest.raises(ValidationError) as e:
        services.request_triage(
            actor=alice,
            request=request_,
            decision="accept",
            tasks=[{"title": "ok"}, {"title": "x", "assignee": mallory}],
        )
    assert "Task 2, assignee" in e.value.message_dict["tasks"][0]
    request_.refresh_from_db()
    assert request_.status == RequestStatus.NEW
    assert not Task.objects.exists()


def test_rejecting_needs_a_reason_from_the_list_and_an_explanation(alice, request_):
    with pytest.raises(ValidationError) as e:
        services.request_triage(actor=alice, request=request_, decision="reject", reason="boring", explanation="x")
    assert "reason" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.request_triage(actor=alice, request=request_, decision="reject", reason="absurd")
    assert "explanation" in e.value.message_dict

    services.request_triage(
        actor=alice, request=request_, decision="reject", reason="harmful", explanation="It would hurt rankings"
    )
    request_.refresh_from_db()
    assert (request_.status, request_.reject_reason) == (RequestStatus.REJECTED, "harmful")


def test_a_triaged_request_cannot_be_triaged_again(alice, request_):
    services.request_triage(actor=alice, request=request_, decision="reject", reason="duplicate", explanation="Dup")

    with pytest.raises(ValidationError) as e:
        services.request_triage(actor=alice, request=request_, decision="quote", quote_amount=Decimal("10"))
    assert "decision" in e.value.message_dict


def test_a_quote_needs_a_positive_amount_and_defaults_to_the_accounts_currency(alice, acme, request_):
    with pytest.raises(ValidationError) as e:
        services.request_triage(actor=alice, request=request_, decision="quote", quote_amount=Decimal("0"))
    assert "quote_amount" in e.value.message_dict

    services.request_triage(actor=alice, request=request_, decision="quote", quote_amount=Decimal("15000.00"))

    request_.refresh_from_db()
    assert (request_.status, request_.quote_amount, request_.quote_currency) == (
        RequestStatus.QUOTED,
        Decimal("15000.00"),
        acme.currency,
    )


def test_the_clients_yes_to_a_quote_may_create_tasks_and_is_recorded_once(alice, request_):
    services.request_triage(actor=alice, request=request_, decision="quote", quote_amount=Decimal("500"))

    services.request_quote_answer(actor=alice, request=request_, accepted=True, tasks=[{"title": "Do the extra"}])

    request_.refresh_from_db()
    assert request_.quote_accepted is True
    assert request_.tasks.get().title == "Do the extra"
    with pytest.raises(ValidationError) as e:
        services.request_quote_answer(actor=alice, request=request_, accepted=False)
    assert "accepted" in e.value.message_dict


def test_only_a_quoted_request_takes_an_answer(alice, request_):
    with pytest.raises(ValidationError) as e:
        services.request_quote_answer(actor=alice, request=request_, accepted=True)
    assert "accepted" in e.value.message_dict


def test_a_specialist_and_sales_cannot_log_requests(sam, sally, acme):
    for person in (sam, sally):
        with pytest.raises(PermissionDenied):
            services.request_log(actor=person, account=acme, channel="call", text="x")


def test_filter_stats_count_rejected_and_quoted_requests_per_account(alice, acme, globex, carol):
    for decision in ("reject", "reject", "quote", None):
        r = services.request_log(actor=alice, account=acme, channel="email", text="x")
        if decision == "reject":
            services.request_triage(actor=alice, request=r, decision="reject", reason="absurd", explanation="no")
        elif decision == "quote":
            services.request_triage(actor=alice, request=r, decision="quote", quote_amount=Decimal("1"))

    stats = selectors.request_filter_stats(carol, [acme.pk, globex.pk])

    assert stats[acme.pk] == {"rejected": 2, "quoted": 1, "accepted": 0, "waiting": 1, "total": 4}
    assert stats[globex.pk]["total"] == 0


def test_waiting_requests_flag_those_over_their_target(alice, acme):
    late = services.request_log(
        actor=alice, account=acme, channel="call", text="late", received_at=timezone.now() - datetime.timedelta(days=9)
    )
    fresh = services.request_log(actor=alice, account=acme, channel="call", text="fresh")

    waiting = {r.pk: r.over_target for r in selectors.requests_waiting(alice)}

    assert waiting == {late.pk: True, fresh.pk: False}


# --- tasks ------------------------------------------------------------------------------------------


def test_a_task_is_created_new_with_its_history_and_audit(task, alice, sam):
    assert task.status == TaskStatus.NEW
    assert task.created_by == alice
    assert TaskStatusChange.objects.get(task=task).to_status == TaskStatus.NEW
    assert events(task)[0].changes["assignee"] == [None, sam.pk]


def test_a_task_refuses_an_assignee_from_another_organization_or_a_client(alice, acme, mallory, clint):
    for outsider in (mallory, clint):
        with pytest.raises(ValidationError) as e:
            services.task_create(actor=alice, account=acme, title="x", assignee=outsider)
        assert "assignee" in e.value.message_dict
    assert not Task.objects.exists()


def test_a_task_refuses_a_project_or_request_of_another_account(alice, bob, acme, globex):
    other_project = services.project_create(actor=bob, account=globex, name="Ads")
    other_request = services.request_log(actor=bob, account=globex, channel="call", text="x")

    with pytest.raises(ValidationError) as e:
        services.task_create(actor=alice, account=acme, title="x", project=other_project)
    assert "project" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.task_create(actor=alice, account=acme, title="x", request=other_request)
    assert "request" in e.value.message_dict


def test_a_specialist_cannot_create_assign_or_move_deadlines(sam, acme, task):
    with pytest.raises(PermissionDenied):
        services.task_create(actor=sam, account=acme, title="x")
    with pytest.raises(PermissionDenied):
        services.task_update(actor=sam, task=task, data={"assignee": None})
    with pytest.raises(PermissionDenied):
        services.task_move_due(actor=sam, task=task, due_at=soon(72), reason="busy")


def test_the_assignee_works_their_task_through_review(sam, alice, task):
    services.task_transition(actor=sam, task=task, to="in_progress")
    services.task_transition(actor=sam, task=task, to="review")
    services.task_transition(actor=alice, task=task, to="done")

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completed_at is not None
    assert [c.to_status for c in task.status_changes.order_by("id")] == ["new", "in_progress", "review", "done"]


def test_a_specialist_cannot_move_a_task_assigned_to_someone_else(alice, acme, sam, bob):
    other = services.task_create(actor=alice, account=acme, title="x", assignee=alice)

    with pytest.raises(PermissionDenied):
        services.task_transition(actor=sam, task=other, to="in_progress")
    with pytest.raises(PermissionDenied):
        services.task_comment_add(actor=bob, task=other, text="Hi")


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (start, to)
        for start in TaskStatus.values
        for to in TaskStatus.values
        if to not in TASK_TRANSITIONS[start] and start != to
    ],
)
def test_it_refuses_a_transition_that_is_not_allowed_and_lists_the_allowed_ones(alice, acme, start, to):
    task = Task.objects.create(organization=acme.organization, account=acme, title="x", status=start)

    with pytest.raises(ValidationError) as e:
        services.task_transition(actor=alice, task=task, to=to)

    message = e.value.message_dict["to"][0]
    for allowed in TASK_TRANSITIONS[start]:
        assert allowed in message
    task.refresh_from_db()
    assert (task.status, task.version) == (start, 1)
    assert not TaskStatusChange.objects.filter(task=task).exists()


def test_every_allowed_transition_is_accepted(alice, acme):
    for start, targets in TASK_TRANSITIONS.items():
        for to in targets:
            task = Task.objects.create(organization=acme.organization, account=acme, title="x", status=start)
            services.task_transition(actor=alice, task=task, to=to, reason="because")
            task.refresh_from_db()
            assert task.status == to


def test_blocking_keeps_the_reason(alice, task):
    change = services.task_transition(actor=alice, task=task, to="blocked", reason="Waiting for the client's access")

    assert change.reason == "Waiting for the client's access"


def test_moving_a_deadline_needs_a_reason_keeps_history_and_rearms_reminders(alice, task):
    Task.objects.filter(pk=task.pk).update(due_soon_notified_at=timezone.now(), overdue_notified_at=timezone.now())
    task.refresh_from_db()
    new_due = soon(96)

    with pytest.raises(ValidationError) as e:
        services.task_move_due(actor=alice, task=task, due_at=new_due)
    assert "reason" in e.value.message_dict

    services.task_move_due(actor=alice, task=task, due_at=new_due, reason="The client moved the launch")

    task.refresh_from_db()
    assert task.due_at == new_due
    assert (task.due_soon_notified_at, task.overdue_notified_at) == (None, None)
    change = TaskDueChange.objects.get(task=task)
    assert change.reason == "The client moved the launch"
    assert change.to_due_at == new_due


def test_the_first_deadline_needs_no_reason(alice, acme):
    task = services.task_create(actor=alice, account=acme, title="x")

    services.task_move_due(actor=alice, task=task, due_at=soon())

    assert TaskDueChange.objects.get(task=task).from_due_at is None


def test_a_stale_task_edit_is_refused(alice, task):
    services.task_update(actor=alice, task=task, data={"priority": "high"}, expected_version=1)

    with pytest.raises(ConflictError):
        services.task_update(actor=alice, task=task, data={"priority": "low"}, expected_version=1)


def test_the_assignee_ticks_the_checklist_and_comments(alice, sam, task):
    item = services.task_checklist_add(actor=alice, task=task, title="Check titles")

    services.task_checklist_toggle(actor=sam, item=item)
    comment = services.task_comment_add(actor=sam, task=task, text="Done with the titles")

    item.refresh_from_db()
    assert item.done_at is not None
    assert comment.author == sam
    with pytest.raises(PermissionDenied):
        services.task_checklist_add(actor=sam, task=task, title="More")
    with pytest.raises(ValidationError) as e:
        services.task_comment_add(actor=sam, task=task, text="  ")
    assert "text" in e.value.message_dict


def test_a_reminder_is_claimed_once_and_again_after_the_deadline_moves(alice, task):
    now = timezone.now()

    assert services.task_claim_reminder(task_id=task.pk, kind="due_soon", due_at=task.due_at, now=now) is True
    assert services.task_claim_reminder(task_id=task.pk, kind="due_soon", due_at=task.due_at, now=now) is False

    services.task_move_due(actor=alice, task=task, due_at=soon(30), reason="later")
    assert services.task_claim_reminder(task_id=task.pk, kind="due_soon", due_at=task.due_at, now=now) is True


# --- task selectors ---------------------------------------------------------------------------------


def test_a_specialist_sees_only_the_tasks_assigned_to_them(alice, acme, sam, task):
    services.task_create(actor=alice, account=acme, title="Not sam's", assignee=alice)

    assert list(selectors.tasks_visible_to(sam)) == [task]
    assert selectors.tasks_visible_to(alice).count() == 2


def test_tasks_are_flagged_overdue_and_due_soon(alice, acme):
    late = services.task_create(actor=alice, account=acme, title="late", due_at=soon(-1))
    near = services.task_create(actor=alice, account=acme, title="near", due_at=soon(5))
    later = services.task_create(actor=alice, account=acme, title="later", due_at=soon(72))
    done = services.task_create(actor=alice, account=acme, title="done", due_at=soon(-1))
    Task.objects.filter(pk=done.pk).update(status=TaskStatus.DONE)

    flags = {t.title: (t.is_overdue, t.is_due_soon) for t in selectors.tasks_visible_to(alice)}

    assert flags == {"late": (True, False), "near": (False, True), "later": (False, False), "done": (False, False)}
    assert {late.pk, near.pk, later.pk} <= {t.pk for t in selectors.tasks_visible_to(alice)}


def test_tasks_needing_reminder_skip_those_already_reminded(alice, acme):
    now = timezone.now()
    near = services.task_create(actor=alice, account=acme, title="near", due_at=now + datetime.timedelta(hours=3))
    late = services.task_create(actor=alice, account=acme, title="late", due_at=now - datetime.timedelta(hours=3))
    services.task_create(actor=alice, account=acme, title="far", due_at=now + datetime.timedelta(days=5))
    reminded = services.task_create(actor=alice, account=acme, title="x", due_at=now + datetime.timedelta(hours=2))
    Task.objects.filter(pk=reminded.pk).update(due_soon_notified_at=now)

    batch = selectors.tasks_needing_reminder(now, datetime.timedelta(hours=24))

    assert list(batch.due_soon) == [near]
    assert list(batch.overdue) == [late]


def test_another_organization_sees_none_of_it(mallory, task, request_):
    assert not selectors.tasks_visible_to(mallory).exists()
    assert not selectors.requests_visible_to(mallory).exists()
    assert selectors.request_filter_stats(mallory, [request_.account_id])[request_.account_id]["total"] == 0


def test_an_assignee_of_our_side_of_another_role_is_accepted(alice, acme, org):
    designer = member(org, Role.SPECIALIST, "dina")

    task = services.task_create(actor=alice, account=acme, title="Banner", assignee=designer)

    assert selectors.tasks_visible_to(designer).get() == task


def test_a_colleague_is_told_when_a_task_is_put_on_them_but_not_people_who_assign_themselves(alice, sam, acme):
    from keyaccount.notifications.models import Notification, NotificationKind
    from keyaccount.work.services import task_create, task_update

    task = task_create(actor=alice, account=acme, title="Collect the semantic core", assignee=sam)
    note = Notification.objects.get(recipient=sam)
    assert (note.kind, note.subject_id) == (NotificationKind.TASK_ASSIGNED, str(task.pk))
    assert "Collect the semantic core" in note.title
    task_update(actor=alice, task=task, data={"assignee": alice})
    assert not Notification.objects.filter(recipient=alice).exists()
    task_update(actor=alice, task=task, data={"title": "Collect the core"})
    assert Notification.objects.filter(recipient=sam).count() == 1
