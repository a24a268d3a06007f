"""The work pages (tasks, requests and their triage, projects, the catalogue), as each named person sees them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keyaccount.core.tests.factories import AccountFactory, member, on_team
from keyaccount.tenancy.models import Role
from keyaccount.work import services
from keyaccount.work.models import Project, Request, RequestStatus, Task, TaskDueChange, TaskStatus, TaskStatusChange


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def post(client, user, name, *args, data=None, **headers):
    client.force_login(user)
    return client.post(reverse(name, args=args), data or {}, **headers)


def text(response):
    return response.content.decode()


def titles(response):
    return [t.title for t in response.context["page"].object_list]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def hours(n):
    return timezone.now() + datetime.timedelta(hours=n)


@pytest.fixture
def sams_task(alice, acme, sam):
    return services.task_create(actor=alice, account=acme, title="Fix the meta tags", assignee=sam, due_at=hours(48))


@pytest.fixture
def alices_task(alice, acme):
    return services.task_create(actor=alice, account=acme, title="Call the CMO", assignee=alice, due_at=hours(72))


@pytest.fixture
def wish(alice, acme):
    return services.request_log(actor=alice, account=acme, channel="call", text="Put a banner on the home page")


# --- who sees what ---------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_sign_in(client, sams_task):
    response = client.get(reverse("work:task_detail", args=[sams_task.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_task_list_shows_each_person_their_own_tasks_by_default(client, alice, sam, sams_task, alices_task):
    assert titles(page(client, alice, "work:task_list")) == ["Call the CMO"]
    assert titles(page(client, sam, "work:task_list")) == ["Fix the meta tags"]


def test_alice_sees_every_task_of_her_accounts_and_sam_only_his(client, alice, sam, sams_task, alices_task):
    assert titles(page(client, alice, "work:task_list", show="all")) == ["Fix the meta tags", "Call the CMO"]
    assert titles(page(client, sam, "work:task_list", show="all")) == ["Fix the meta tags"]
    assert page(client, sam, "work:task_detail", alices_task.pk).status_code == 404


def test_alice_sees_the_tasks_she_set_for_the_team(client, alice, sams_task, alices_task, carol, globex):
    services.task_create(actor=carol, account=globex, title="Carol's own", assignee=alice)
    assert titles(page(client, alice, "work:task_list", show="created")) == ["Fix the meta tags", "Call the CMO"]


def test_carol_sees_the_tasks_of_the_whole_organization(client, carol, bob, globex, sams_task):
    services.task_create(actor=bob, account=globex, title="Globex audit", due_at=hours(100))
    assert titles(page(client, carol, "work:task_list", show="all")) == ["Fix the meta tags", "Globex audit"]


@pytest.mark.parametrize("name", ["work:task_detail", "work:task_edit"])
def test_mallory_gets_404_on_acmes_task(client, mallory, sams_task, name):
    assert page(client, mallory, name, sams_task.pk).status_code == 404


def test_mallory_gets_404_on_acmes_request_project_and_work_section(client, mallory, alice, acme, wish):
    project = services.project_create(actor=alice, account=acme, name="SEO")
    assert page(client, mallory, "work:request_detail", wish.pk).status_code == 404
    assert page(client, mallory, "work:project_detail", project.pk).status_code == 404
    assert page(client, mallory, "work:account_work", acme.pk).status_code == 404
    assert page(client, mallory, "work:task_create", account=acme.pk).status_code == 404


def test_mallory_cannot_move_acmes_task(client, mallory, sams_task):
    response = post(client, mallory, "work:task_transition", sams_task.pk, data={"to": "in_progress", "version": 1})
    assert response.status_code == 404
    assert Task.objects.get(pk=sams_task.pk).status == TaskStatus.NEW


def test_bob_gets_404_on_a_task_of_an_account_he_is_not_on(client, bob, sams_task):
    assert page(client, bob, "work:task_detail", sams_task.pk).status_code == 404


def test_mallorys_tasks_and_accounts_never_show_in_alices_filters(client, alice, acme, mallory, initech):
    services.task_create(actor=mallory, account=initech, title="Initech secret", assignee=mallory)
    response = page(client, alice, "work:task_list", show="all", account=initech.pk)
    assert titles(response) == []
    assert "Initech" not in text(page(client, alice, "work:task_list"))


def test_a_specialist_has_no_requests_pages(client, sam, wish):
    assert page(client, sam, "work:request_list").status_code == 403
    assert page(client, sam, "work:request_detail", wish.pk).status_code == 404


def test_a_specialist_cannot_create_or_edit_tasks(client, sam, acme, sams_task):
    assert page(client, sam, "work:task_create", account=acme.pk).status_code == 403
    assert page(client, sam, "work:task_edit", sams_task.pk).status_code == 403


def test_sam_never_sees_the_money_of_a_project(client, alice, sam, acme, sams_task):
    project = services.project_create(actor=alice, account=acme, name="SEO 2025", budget=Decimal("150000.00"))
    services.task_update(actor=alice, task=sams_task, data={"project": project})
    assert "150000" in text(page(client, alice, "work:project_detail", project.pk))
    assert "150000" in text(page(client, alice, "work:account_work", acme.pk))
    body = text(page(client, sam, "work:project_detail", project.pk))
    assert "SEO 2025" in body and "150000" not in body and "Budget" not in body
    body = text(page(client, sam, "work:account_work", acme.pk))
    assert "SEO 2025" in body and "150000" not in body


def test_a_specialist_sees_the_account_of_a_task_given_to_him_outside_his_team(client, bob, globex, org):
    dev = member(org, Role.SPECIALIST, "dev")
    task = services.task_create(actor=bob, account=globex, title="Build the form", assignee=dev)
    body = text(page(client, dev, "work:account_work", globex.pk))
    assert "Build the form" in body
    assert "Requests" not in body
    assert page(client, dev, "work:task_detail", task.pk).status_code == 200


def test_the_nav_links_tasks_and_requests_by_role(client, alice, sam, clint):
    body = text(page(client, alice, "accounts:portfolio"))
    assert reverse("work:task_list") in body and reverse("work:request_list") in body
    body = text(page(client, sam, "accounts:portfolio"))
    assert reverse("work:task_list") in body and reverse("work:request_list") not in body


def test_the_account_page_loads_its_work_sections_with_htmx(client, alice, acme, clint):
    assert reverse("work:account_work", args=[acme.pk]) in text(page(client, alice, "accounts:detail", acme.pk))
    assert reverse("work:account_work", args=[acme.pk]) not in text(page(client, clint, "accounts:detail", acme.pk))
    assert page(client, clint, "work:account_work", acme.pk).status_code == 404


# --- the tasks list --------------------------------------------------------------------------------


def test_overdue_and_due_soon_tasks_are_marked_in_the_list(client, alice, acme):
    services.task_create(actor=alice, account=acme, title="Late one", assignee=alice, due_at=hours(-3))
    services.task_create(actor=alice, account=acme, title="Soon one", assignee=alice, due_at=hours(5))
    services.task_create(actor=alice, account=acme, title="Later one", assignee=alice, due_at=hours(24 * 7))
    response = page(client, alice, "work:task_list")
    rows = {t.title: (t.is_overdue, t.is_due_soon) for t in response.context["page"].object_list}
    assert rows == {"Late one": (True, False), "Soon one": (False, True), "Later one": (False, False)}
    body = text(response)
    assert body.count('class="badge overdue"') == 1
    assert body.count('class="badge due-soon"') == 1
    assert '<tr class="overdue">' in body


def test_a_finished_task_past_its_date_is_not_overdue(client, alice, acme):
    task = services.task_create(actor=alice, account=acme, title="Done late", assignee=alice, due_at=hours(1))
    services.task_transition(actor=alice, task=task, to="cancelled", reason="Client changed their mind")
    Task.objects.filter(pk=task.pk).update(due_at=hours(-5))
    body = text(page(client, alice, "work:task_detail", task.pk))
    assert "Overdue" not in body


def test_overdue_is_marked_on_the_task_page_and_the_account_section(client, alice, acme):
    task = services.task_create(actor=alice, account=acme, title="Late one", assignee=alice, due_at=hours(-3))
    assert 'class="badge overdue"' in text(page(client, alice, "work:task_detail", task.pk))
    assert 'class="badge overdue"' in text(page(client, alice, "work:account_work", acme.pk))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"overdue": "true"}, ["Late one"]),
        ({"status": "in_progress"}, ["Soon one"]),
        ({"priority": "urgent"}, ["Later one"]),
        ({"assignee": "sam"}, ["Soon one"]),
        ({"account": "globex"}, ["Later one"]),
        ({"q": "soon"}, ["Soon one"]),
    ],
)
def test_the_task_list_filters(client, carol, alice, sam, acme, globex, query, expected):
    services.task_create(actor=carol, account=acme, title="Late one", assignee=alice, due_at=hours(-3))
    soon = services.task_create(actor=carol, account=acme, title="Soon one", assignee=sam, due_at=hours(5))
    services.task_transition(actor=carol, task=soon, to="in_progress")
    services.task_create(actor=carol, account=globex, title="Later one", priority="urgent", due_at=hours(50))
    if query.get("assignee") == "sam":
        query = {"assignee": sam.pk}
    if query.get("account") == "globex":
        query = {"account": globex.pk}
    assert titles(page(client, carol, "work:task_list", show="all", **query)) == expected


def test_the_task_list_sorts_by_priority_both_ways(client, alice, acme):
    for title, priority in [("A", "low"), ("B", "urgent"), ("C", "normal")]:
        services.task_create(actor=alice, account=acme, title=title, assignee=alice, priority=priority)
    assert titles(page(client, alice, "work:task_list", ordering="priority")) == ["B", "C", "A"]
    assert titles(page(client, alice, "work:task_list", ordering="-priority")) == ["A", "C", "B"]


def test_tasks_without_a_deadline_sort_last(client, alice, acme):
    services.task_create(actor=alice, account=acme, title="No date", assignee=alice)
    services.task_create(actor=alice, account=acme, title="Dated", assignee=alice, due_at=hours(10))
    assert titles(page(client, alice, "work:task_list")) == ["Dated", "No date"]
    assert titles(page(client, alice, "work:task_list", ordering="-due")) == ["Dated", "No date"]


def test_an_htmx_request_gets_only_the_task_table(client, alice, alices_task):
    client.force_login(alice)
    response = client.get(reverse("work:task_list"), HTTP_HX_REQUEST="true")
    body = text(response)
    assert 'id="task-results"' in body and "<html" not in body and 'id="task-filters"' not in body
    assert response["Vary"].count("HX-Request") == 1


def test_the_task_list_runs_the_same_number_of_queries_for_3_and_30_tasks(client, carol, alice, sam, acme, org):
    def add(n, start):
        for i in range(start, start + n):
            task = services.task_create(
                actor=alice, account=acme, title=f"Task {i:03}", assignee=sam, due_at=hours(i - 10), checklist=["a"]
            )
            services.task_comment_add(actor=alice, task=task, text="Please")

    client.force_login(carol)
    url = reverse("work:task_list") + "?show=all"
    add(3, 0)
    few = count_queries(client, url)
    add(27, 3)
    lots = count_queries(client, url)
    assert few == lots
    assert lots <= 12


# --- the task page: workflow, deadline, checklist, comments ----------------------------------------


def test_the_task_page_offers_the_allowed_transitions_as_buttons(client, alice, sams_task):
    body = text(page(client, alice, "work:task_detail", sams_task.pk))
    for status in ("in_progress", "blocked", "cancelled"):
        assert f'name="to" value="{status}"' in body
    assert 'name="to" value="done"' not in body


def test_sam_starts_and_hands_his_task_for_review_from_the_page(client, sam, sams_task):
    response = post(client, sam, "work:task_transition", sams_task.pk, data={"to": "in_progress", "version": 1})
    assert response.status_code == 302
    task = Task.objects.get(pk=sams_task.pk)
    response = post(client, sam, "work:task_transition", task.pk, data={"to": "review", "version": task.version})
    assert response.status_code == 302
    assert Task.objects.get(pk=sams_task.pk).status == TaskStatus.REVIEW
    assert list(TaskStatusChange.objects.filter(task=sams_task).values_list("to_status", flat=True)) == [
        "review",
        "in_progress",
        "new",
    ]


def test_a_transition_that_is_not_allowed_shows_the_allowed_ones_and_changes_nothing(client, alice, sams_task):
    response = post(client, alice, "work:task_transition", sams_task.pk, data={"to": "done", "version": 1})
    assert response.status_code == 200
    body = text(response)
    assert "Allowed" in body
    assert "From here the task can go to:" in body
    assert "<strong>In progress</strong>, <strong>Blocked</strong>, <strong>Cancelled</strong>" in body
    task = Task.objects.get(pk=sams_task.pk)
    assert task.status == TaskStatus.NEW and task.version == 1
    assert TaskStatusChange.objects.filter(task=task).count() == 1


def test_blocking_a_task_without_a_reason_shows_the_field_error(client, sam, sams_task):
    response = post(client, sam, "work:task_transition", sams_task.pk, data={"to": "blocked", "version": 1})
    assert response.status_code == 200
    assert response.context["transition_form"].errors["reason"]
    assert Task.objects.get(pk=sams_task.pk).status == TaskStatus.NEW


def test_a_blocked_task_keeps_its_reason_in_the_history(client, sam, sams_task):
    data = {"to": "blocked", "reason": "Waiting for the client's FTP access", "version": 1}
    post(client, sam, "work:task_transition", sams_task.pk, data=data)
    body = text(page(client, sam, "work:task_detail", sams_task.pk))
    assert "Waiting for the client&#x27;s FTP access" in body


def test_a_stale_transition_shows_the_conflict_and_changes_nothing(client, alice, sams_task):
    services.task_update(actor=alice, task=sams_task, data={"priority": "high"})
    response = post(client, alice, "work:task_transition", sams_task.pk, data={"to": "in_progress", "version": 1})
    assert response.status_code == 409
    assert Task.objects.get(pk=sams_task.pk).status == TaskStatus.NEW


def test_moving_a_promised_deadline_needs_a_reason(client, alice, sams_task):
    new_due = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = post(client, alice, "work:task_move_due", sams_task.pk, data={"due-due_at": new_due, "due-version": 1})
    assert response.status_code == 200
    assert response.context["due_form"].errors["reason"]
    assert not TaskDueChange.objects.exists()
    data = {"due-due_at": new_due, "due-reason": "The client moved the launch", "due-version": 1}
    assert post(client, alice, "work:task_move_due", sams_task.pk, data=data).status_code == 302
    change = TaskDueChange.objects.get()
    assert change.reason == "The client moved the launch" and change.from_due_at == sams_task.due_at
    assert "The client moved the launch" in text(page(client, alice, "work:task_detail", sams_task.pk))


def test_a_deadline_typed_without_a_zone_is_read_in_the_users_zone(client, alice, acme):
    alice.timezone = "Asia/Vladivostok"
    alice.save()
    task = services.task_create(actor=alice, account=acme, title="No date yet", assignee=alice)
    data = {"due-due_at": "2030-03-01T09:00", "due-version": 1}
    assert post(client, alice, "work:task_move_due", task.pk, data=data).status_code == 302
    due = Task.objects.get(pk=task.pk).due_at
    assert due == datetime.datetime(2030, 2, 28, 23, 0, tzinfo=datetime.UTC)


def test_a_specialist_may_not_move_the_deadline(client, sam, sams_task):
    assert "due-due_at" not in text(page(client, sam, "work:task_detail", sams_task.pk))
    response = post(client, sam, "work:task_move_due", sams_task.pk, data={"due-reason": "x", "due-version": 1})
    assert response.status_code == 403


def test_sam_ticks_a_checklist_step_with_htmx_and_gets_just_that_step(client, alice, sam, acme):
    task = services.task_create(actor=alice, account=acme, title="Audit", assignee=sam, checklist=["Crawl the site"])
    item = task.checklist.get()
    response = post(
        client,
        sam,
        "work:checklist_toggle",
        task.pk,
        item.pk,
        data={"done": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = text(response)
    assert body.strip().startswith(f'<li id="checklist-item-{item.pk}" class="done">')
    item.refresh_from_db()
    assert item.done_at is not None


def test_ticking_a_step_of_someone_elses_task_is_404(client, bob, alice, acme, globex):
    task = services.task_create(actor=alice, account=acme, title="Audit", checklist=["Crawl"])
    item = task.checklist.get()
    assert post(client, bob, "work:checklist_toggle", task.pk, item.pk, data={"done": "1"}).status_code == 404


def test_alice_adds_a_step_and_sam_comments(client, alice, sam, sams_task):
    assert (
        post(client, alice, "work:checklist_add", sams_task.pk, data={"step-title": "Check robots.txt"}).status_code
        == 302
    )
    assert post(client, sam, "work:comment_add", sams_task.pk, data={"text": "Started on it"}).status_code == 302
    body = text(page(client, alice, "work:task_detail", sams_task.pk))
    assert "Check robots.txt" in body and "Started on it" in body


def test_an_empty_comment_shows_the_field_error(client, sam, sams_task):
    response = post(client, sam, "work:comment_add", sams_task.pk, data={"text": "  "})
    assert response.status_code == 200
    assert response.context["comment_form"].errors["text"]


# --- creating and editing tasks --------------------------------------------------------------------


def test_alice_creates_a_task_for_sam(client, alice, sam, acme):
    data = {"title": "Write the report", "assignee": sam.pk, "priority": "high", "due_at": "2030-01-15T18:00"}
    response = post(client, alice, "work:task_create", data=data, QUERY_STRING=f"account={acme.pk}")
    task = Task.objects.get(title="Write the report")
    assert response.status_code == 302 and response["Location"] == reverse("work:task_detail", args=[task.pk])
    assert task.assignee == sam and task.created_by == alice and task.account == acme


def test_the_new_task_form_asks_for_the_account_first(client, alice, acme, globex):
    body = text(page(client, alice, "work:task_create"))
    assert "Acme" in body and "Globex" not in body


def test_an_assignee_from_another_organization_is_refused_on_the_field(client, alice, acme, mallory):
    data = {"title": "Sneaky", "assignee": mallory.pk, "priority": "normal"}
    response = post(client, alice, "work:task_create", data=data, QUERY_STRING=f"account={acme.pk}")
    assert response.status_code == 200
    assert "assignee" in response.context["form"].errors
    assert not Task.objects.filter(title="Sneaky").exists()


def test_a_project_of_another_account_is_refused_on_the_field(client, carol, acme, globex):
    other = services.project_create(actor=carol, account=globex, name="Globex SEO")
    data = {"title": "Wrong project", "project": other.pk, "priority": "normal"}
    response = post(client, carol, "work:task_create", data=data, QUERY_STRING=f"account={acme.pk}")
    assert response.status_code == 200
    assert "project" in response.context["form"].errors
    assert not Task.objects.filter(title="Wrong project").exists()


def test_a_task_made_from_a_request_links_it_and_takes_its_account(client, alice, acme, wish):
    data = {"title": "Design the banner", "priority": "normal"}
    response = post(client, alice, "work:task_create", data=data, QUERY_STRING=f"request={wish.pk}")
    assert response.status_code == 302
    task = Task.objects.get(title="Design the banner")
    assert task.request == wish and task.account == acme


def test_alice_edits_a_task_and_a_stale_edit_is_refused(client, alice, sams_task):
    data = {"title": "Fix all meta tags", "priority": "urgent", "version": 1}
    assert post(client, alice, "work:task_edit", sams_task.pk, data=data).status_code == 302
    assert Task.objects.get(pk=sams_task.pk).title == "Fix all meta tags"
    response = post(client, alice, "work:task_edit", sams_task.pk, data={**data, "title": "Stale"})
    assert response.status_code == 409
    assert Task.objects.get(pk=sams_task.pk).title == "Fix all meta tags"


# --- requests --------------------------------------------------------------------------------------


def test_alice_logs_a_request_from_a_contact_of_the_account(client, alice, acme):
    from keyaccount.contacts.services import contact_create

    irina = contact_create(actor=alice, account=acme, name="Irina")
    data = {"channel": "email", "received_at": "2025-03-03T10:00", "contact": irina.pk, "text": "A new landing page"}
    response = post(client, alice, "work:request_create", data=data, QUERY_STRING=f"account={acme.pk}")
    wish = Request.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("work:request_detail", args=[wish.pk])
    assert wish.contact == irina and wish.logged_by == alice and wish.status == RequestStatus.NEW


def test_a_contact_of_another_account_is_refused_on_the_request(client, alice, carol, acme, globex):
    from keyaccount.contacts.services import contact_create

    stranger = contact_create(actor=carol, account=globex, name="Globex person")
    data = {"channel": "call", "received_at": "2025-03-03T10:00", "contact": stranger.pk, "text": "Hi"}
    response = post(client, alice, "work:request_create", data=data, QUERY_STRING=f"account={acme.pk}")
    assert response.status_code == 200
    assert "contact" in response.context["form"].errors
    assert not Request.objects.exists()


def test_requests_waiting_for_triage_come_first_and_late_ones_are_flagged(client, alice, acme):
    old = services.request_log(actor=alice, account=acme, channel="call", text="Old and triaged")
    services.request_triage(actor=alice, request=old, decision="reject", reason="absurd", explanation="No")
    late = services.request_log(actor=alice, account=acme, channel="call", text="Waiting too long")
    Request.objects.filter(pk=late.pk).update(response_due_at=hours(-1))
    services.request_log(actor=alice, account=acme, channel="email", text="Fresh")
    response = page(client, alice, "work:request_list")
    rows = [(r.text, r.over_target) for r in response.context["page"].object_list]
    assert rows[:2] == [("Waiting too long", True), ("Fresh", False)]
    assert rows[2] == ("Old and triaged", False)
    assert text(response).count("Over the response target") == 1


def test_the_request_list_filters_by_status(client, alice, acme, wish):
    services.request_log(actor=alice, account=acme, channel="call", text="Another one")
    services.request_triage(actor=alice, request=wish, decision="reject", reason="absurd", explanation="No")
    response = page(client, alice, "work:request_list", status="rejected")
    assert [r.text for r in response.context["page"].object_list] == ["Put a banner on the home page"]


def test_the_request_list_runs_the_same_number_of_queries_for_3_and_30_requests(client, carol, alice, acme, sam):
    def add(n, start):
        for i in range(start, start + n):
            wish = services.request_log(actor=alice, account=acme, channel="call", text=f"Wish {i:03}")
            if i % 2:
                services.request_triage(
                    actor=alice, request=wish, decision="accept", tasks=[{"title": f"Do {i}", "assignee": sam}]
                )

    client.force_login(carol)
    url = reverse("work:request_list")
    add(3, 0)
    few = count_queries(client, url)
    add(27, 3)
    lots = count_queries(client, url)
    assert few == lots
    assert lots <= 12


def test_rejecting_without_an_explanation_shows_the_field_error_and_saves_nothing(client, alice, wish):
    data = {"decision": "reject", "reject-reason": "harmful", "reject-explanation": "", "reject-version": 1}
    response = post(client, alice, "work:request_triage", wish.pk, data=data)
    assert response.status_code == 200
    assert response.context["reject_form"].errors["explanation"]
    assert response.context["open_form"] == "reject"
    wish.refresh_from_db()
    assert wish.status == RequestStatus.NEW and wish.version == 1 and wish.reject_reason == ""


def test_alice_rejects_a_harmful_request_with_the_reason(client, alice, wish):
    data = {
        "decision": "reject",
        "reject-reason": "harmful",
        "reject-explanation": "Hidden text would get the site banned",
        "reject-version": 1,
    }
    assert post(client, alice, "work:request_triage", wish.pk, data=data).status_code == 302
    wish.refresh_from_db()
    assert wish.status == RequestStatus.REJECTED and wish.reject_reason == "harmful"
    body = text(page(client, alice, "work:request_detail", wish.pk))
    assert "Hidden text would get the site banned" in body and 'name="decision"' not in body


def accept_data(*rows, version=1):
    data = {
        "decision": "accept",
        "accept-version": version,
        "task-TOTAL_FORMS": 3,
        "task-INITIAL_FORMS": 0,
        "task-MIN_NUM_FORMS": 0,
        "task-MAX_NUM_FORMS": 10,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"task-{i}-{key}"] = value
    return data


def test_alice_accepts_a_request_into_two_tasks(client, alice, sam, acme, wish):
    data = accept_data(
        {"title": "Design the banner", "assignee": sam.pk, "due_at": "2030-01-10T12:00"},
        {"title": "Put it live", "assignee": alice.pk},
    )
    assert post(client, alice, "work:request_triage", wish.pk, data=data).status_code == 302
    wish.refresh_from_db()
    assert wish.status == RequestStatus.ACCEPTED
    assert sorted(wish.tasks.values_list("title", "assignee__name")) == [
        ("Design the banner", "Sam"),
        ("Put it live", "Alice"),
    ]
    body = text(page(client, alice, "work:request_detail", wish.pk))
    assert "Design the banner" in body and "Put it live" in body


def test_accepting_without_any_task_shows_the_error_and_saves_nothing(client, alice, wish):
    response = post(client, alice, "work:request_triage", wish.pk, data=accept_data())
    assert response.status_code == 200
    assert response.context["accept_tasks"].non_form_errors()
    wish.refresh_from_db()
    assert wish.status == RequestStatus.NEW and not Task.objects.exists()


def test_accepting_with_an_assignee_of_another_organization_saves_nothing(client, alice, wish, mallory):
    response = post(
        client, alice, "work:request_triage", wish.pk, data=accept_data({"title": "X", "assignee": mallory.pk})
    )
    assert response.status_code == 200
    assert response.context["accept_tasks"].forms[0].errors["assignee"]
    wish.refresh_from_db()
    assert wish.status == RequestStatus.NEW and not Task.objects.exists()


def test_alice_quotes_extra_work_and_records_the_clients_yes(client, alice, wish):
    data = {"decision": "quote", "quote-quote_amount": "45000.50", "quote-quote_currency": "RUB", "quote-version": 1}
    assert post(client, alice, "work:request_triage", wish.pk, data=data).status_code == 302
    wish.refresh_from_db()
    assert wish.status == RequestStatus.QUOTED and wish.quote_amount == Decimal("45000.50")
    body = text(page(client, alice, "work:request_detail", wish.pk))
    assert "45000.50" in body and 'name="answer-accepted"' in body
    data = {"answer-accepted": "true", "answer-version": wish.version}
    assert post(client, alice, "work:request_quote_answer", wish.pk, data=data).status_code == 302
    wish.refresh_from_db()
    assert wish.quote_accepted is True


def test_a_quote_without_an_amount_shows_the_field_error(client, alice, wish):
    data = {"decision": "quote", "quote-quote_amount": "", "quote-quote_currency": "RUB", "quote-version": 1}
    response = post(client, alice, "work:request_triage", wish.pk, data=data)
    assert response.status_code == 200
    assert response.context["quote_form"].errors["quote_amount"]
    assert Request.objects.get(pk=wish.pk).status == RequestStatus.NEW


def test_an_assistant_triages_but_a_head_of_another_team_sees_read_only(client, ann, carol, wish):
    assert 'name="decision"' in text(page(client, ann, "work:request_detail", wish.pk))
    assert 'name="decision"' in text(page(client, carol, "work:request_detail", wish.pk))


def test_the_account_section_counts_rejected_and_quoted_requests(client, alice, acme):
    for i in range(2):
        r = services.request_log(actor=alice, account=acme, channel="call", text=f"Reject {i}")
        services.request_triage(actor=alice, request=r, decision="reject", reason="absurd", explanation="No")
    r = services.request_log(actor=alice, account=acme, channel="call", text="Quote me")
    services.request_triage(actor=alice, request=r, decision="quote", quote_amount=Decimal("100"))
    response = page(client, alice, "work:account_work", acme.pk)
    assert response.context["request_stats"] == {"rejected": 2, "quoted": 1, "accepted": 0, "waiting": 0, "total": 3}
    body = text(response)
    assert "<strong>2</strong> rejected" in body and "<strong>1</strong> quoted as extra work" in body


# --- projects and the catalogue --------------------------------------------------------------------


def test_alice_creates_a_project_with_its_team_and_adds_a_goal(client, alice, sam, acme):
    data = {"name": "SEO 2025", "stage": "in_progress", "budget": "120000", "currency": "RUB", "team": [sam.pk]}
    response = post(client, alice, "work:project_create", data=data, QUERY_STRING=f"account={acme.pk}")
    project = Project.objects.get()
    assert response.status_code == 302 and list(project.team.all()) == [sam]
    goal = {"goal-description": "Top-10 for 30 queries", "goal-target_date": "2026-06-01"}
    assert post(client, alice, "work:goal_add", project.pk, data=goal).status_code == 302
    body = text(page(client, alice, "work:project_detail", project.pk))
    assert "Top-10 for 30 queries" in body and "Sam" in body


def test_a_project_goal_without_its_description_shows_the_field_error(client, alice, acme):
    project = services.project_create(actor=alice, account=acme, name="SEO")
    response = post(client, alice, "work:goal_add", project.pk, data={"goal-description": ""})
    assert response.status_code == 200
    assert response.context["goal_form"].errors["description"]


def test_a_specialist_reads_a_project_but_cannot_edit_it(client, alice, sam, acme):
    project = services.project_create(actor=alice, account=acme, name="SEO")
    body = text(page(client, sam, "work:project_detail", project.pk))
    assert reverse("work:project_edit", args=[project.pk]) not in body
    assert page(client, sam, "work:project_edit", project.pk).status_code == 403


def test_only_the_admin_opens_the_service_catalogue_and_adds_a_service(client, dave, alice):
    assert page(client, alice, "work:service_list").status_code == 403
    data = {"name": "Email marketing", "position": 9, "is_active": "on"}
    assert post(client, dave, "work:service_list", data=data).status_code == 302
    assert "Email marketing" in text(page(client, dave, "work:service_list"))


def test_the_admin_renames_a_service(client, dave):
    service = services.service_create(actor=dave, name="Audit", position=1)
    data = {"name": "Technical audit", "position": 1, "is_active": "on"}
    assert post(client, dave, "work:service_edit", service.pk, data=data).status_code == 302
    assert "Technical audit" in text(page(client, dave, "work:service_list"))


def test_a_duplicate_service_name_shows_the_field_error(client, dave):
    post(client, dave, "work:service_list", data={"name": "Audit", "position": 1})
    response = post(client, dave, "work:service_list", data={"name": "audit", "position": 2})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]


def test_the_account_section_runs_the_same_number_of_queries_for_3_and_30_of_everything(
    client, carol, alice, sam, acme, org
):
    def add(n, start):
        for i in range(start, start + n):
            project = services.project_create(actor=alice, account=acme, name=f"P{i:03}", team=[sam])
            services.project_goal_create(actor=alice, project=project, description="Goal")
            services.request_log(actor=alice, account=acme, channel="call", text=f"Wish {i}")
            services.task_create(actor=alice, account=acme, title=f"T{i}", assignee=sam, due_at=hours(i))

    client.force_login(carol)
    url = reverse("work:account_work", args=[acme.pk])
    add(3, 0)
    few = count_queries(client, url)
    add(27, 3)
    lots = count_queries(client, url)
    assert lots <= few + 1  # "all tasks (n)" is counted only when the section is full
    assert lots <= 16


def test_an_account_outside_alices_portfolio_cannot_get_her_tasks(client, alice, org):
    other = AccountFactory(organization=org, name="Hooli")
    assert page(client, alice, "work:task_create", account=other.pk).status_code == 404
    on_team(other, alice)
    assert page(client, alice, "work:task_create", account=other.pk).status_code == 200
