"""The demo loader: a believable agency, the same for the same seed, written through the services."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone

from keyaccount.accounts.models import (
    Account,
    AccountStatus,
    AccountStatusChange,
    AccountTeamMember,
    HandoverBrief,
    OnboardingItem,
)
from keyaccount.billing import calc
from keyaccount.billing.day import money_day_for
from keyaccount.billing.models import (
    OPEN_INVOICE_STATUSES,
    Act,
    Amendment,
    Contract,
    Invoice,
    Payment,
    Renewal,
)
from keyaccount.comms.models import Interaction, InteractionKind, InteractionState
from keyaccount.contacts.models import Contact, ContactAccountRole, DecisionRole
from keyaccount.core.models import AuditEvent
from keyaccount.day.selectors import day_for
from keyaccount.demo.planner import Planner
from keyaccount.notifications.models import Notification
from keyaccount.notifications.selectors import notification_preferences_of
from keyaccount.tenancy.models import Membership, Organization, Role, User
from keyaccount.work.models import Project, RejectReason, Request, RequestStatus, Service, Task, TaskStatus


def seed(name="Demo Agency", accounts=8, seed=7, **options):
    out = StringIO()
    call_command("seed_demo", organization=name, accounts=accounts, seed=seed, stdout=out, **options)
    return out.getvalue()


def accounts_of(slug):
    return Account.objects.filter(organization__slug=slug)


# The demo is counted back from the day it is loaded, so it is tried on days whose calendar is awkward:
# a year end (also a month and quarter end) and the leap day (the end of a short month).
AWKWARD_DAYS = [datetime.date(2026, 12, 31), datetime.date(2028, 2, 29)]


def morning_of(day):
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def on_a_fixed_day(request):
    """Tests outside the class load the demo on a fixed day (the class sets its own days)."""
    if request.cls is not None:
        yield
        return
    with time_machine.travel(morning_of(datetime.date(2026, 6, 15)), tick=True):
        yield


@pytest.fixture(scope="class", params=AWKWARD_DAYS, ids=str)
def shared_demo(request, django_db_setup, django_db_blocker):
    """One demo organization for the tests of a class that only read it (loading it takes a few seconds),
    loaded and read on each awkward day; every test runs in its own savepoint on top of it, and the whole of
    it is rolled back after the class."""
    with time_machine.travel(morning_of(request.param), tick=True), django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            output = seed(password="open sesame")
        yield Organization.objects.get(slug="demo-agency"), output
        transaction.set_rollback(True)


@pytest.fixture
def demo(shared_demo, db):
    return shared_demo


def person(login, slug="demo-agency"):
    return User.objects.get(email=f"{login}@{slug}.example")


def work_shape(slug):
    """What the working loop of an organization holds, without ids, emails' domains or the moment of loading."""
    accounts = accounts_of(slug)
    local = {u.pk: u.email.split("@")[0] for u in User.objects.filter(membership__organization__slug=slug)}
    return {
        "projects": sorted(
            map(
                repr,
                Project.objects.filter(account__in=accounts).values_list("account__name", "name", "stage", "budget"),
            )
        ),
        "requests": sorted(
            repr((r.account.name, r.text, r.status, r.reject_reason, r.quote_accepted, r.contact and r.contact.name))
            for r in Request.objects.filter(account__in=accounts).select_related("account", "contact")
        ),
        "tasks": sorted(
            repr((t.account.name, t.title, t.status, t.priority, local.get(t.assignee_id), t.due_at is None))
            for t in Task.objects.filter(account__in=accounts).select_related("account")
        ),
        "interactions": sorted(
            repr((i.account.name, i.kind, i.state, i.subject, i.sentiment, timezone.localdate(i.occurred_at)))
            for i in Interaction.objects.filter(account__in=accounts).select_related("account")
        ),
        "invoices": sorted(
            map(
                repr,
                Invoice.objects.filter(account__in=accounts).values_list(
                    "account__name", "number", "issue_date", "total", "paid_amount", "status"
                ),
            )
        ),
    }


def test_it_creates_the_same_organization_for_the_same_seed_beside_another(db):
    seed("First Agency", seed=11)
    seed("Second Agency", seed=11)

    def shape(slug):
        return list(accounts_of(slug).order_by("name").values_list("name", "tier", "status", "currency"))

    assert shape("first-agency") == shape("second-agency")
    assert len(shape("first-agency")) == 8
    assert work_shape("first-agency") == work_shape("second-agency")
    assert work_shape("first-agency")["tasks"]
    # The second organization is added beside the first, with its own people.
    assert set(Organization.objects.values_list("slug", flat=True)) == {"first-agency", "second-agency"}
    assert Membership.objects.filter(
        organization__slug="second-agency", user__email="am1@second-agency.example"
    ).exists()


def test_another_seed_plans_other_clients():
    day = datetime.date(2026, 6, 15)
    first = {a.name for a in Planner(accounts=8, seed=1, today=day).plan().accounts}
    second = {a.name for a in Planner(accounts=8, seed=2, today=day).plan().accounts}
    again = {a.name for a in Planner(accounts=8, seed=1, today=day).plan().accounts}
    assert first != second
    assert first == again


def test_if_empty_seeds_an_empty_database(db):
    output = seed(if_empty=True)
    assert "am1@demo-agency.example" in output
    assert Organization.objects.get().slug == "demo-agency"


@pytest.mark.django_db
class TestTheDemoOrganization:
    """One agency loaded once; each test reads it (or adds beside it) in its own savepoint."""

    def test_it_refuses_to_seed_an_existing_organization_again(self, demo):
        with pytest.raises(CommandError, match="already exists"):
            seed("demo agency")
        assert Organization.objects.count() == 1
        assert accounts_of("demo-agency").count() == 8

    def test_if_empty_leaves_a_database_with_organizations_alone(self, demo):
        output = seed("Another Agency", if_empty=True)
        assert "no demo data loaded" in output
        assert Organization.objects.count() == 1

    def test_it_has_every_role_with_numbered_logins(self, demo):
        org, output = demo
        emails = set(Membership.objects.filter(organization=org).values_list("user__email", flat=True))
        for login in ["admin1", "head1", "am1", "am2", "am3", "assistant1", "specialist1", "specialist4", "sales1"]:
            assert f"{login}@demo-agency.example" in emails
            assert f"{login}@demo-agency.example" in output
        roles = set(Membership.objects.filter(organization=org).values_list("role", flat=True))
        assert roles == {Role.ADMIN, Role.HEAD, Role.ACCOUNT_MANAGER, Role.ASSISTANT, Role.SPECIALIST, Role.SALES}

    def test_the_printed_logins_sign_in_with_the_password(self, demo):
        request = RequestFactory().post("/login/")
        for login in ["am1", "head1", "admin1", "specialist1"]:
            user = authenticate(request, username=f"{login}@demo-agency.example", password="open sesame")
            assert user is not None, login
        assert authenticate(request, username="am1@demo-agency.example", password="demo") is None

    def test_at_least_three_account_managers_each_have_their_own_portfolio(self, demo):
        org, _output = demo
        managers = Membership.objects.filter(organization=org, role=Role.ACCOUNT_MANAGER)
        assert managers.count() >= 3
        for membership in managers:
            owned = accounts_of("demo-agency").filter(owner=membership.user)
            assert owned.exists(), membership.user.email
            assert all(a.team.filter(user=membership.user, role="account_manager").exists() for a in owned)

    def test_every_decision_role_is_on_some_account(self, demo):
        roles = set(Contact.objects.filter(organization__slug="demo-agency").values_list("decision_role", flat=True))
        assert roles == set(DecisionRole.values)

    def test_each_account_has_an_org_chart_of_three_to_seven_people(self, demo):
        for account in accounts_of("demo-agency").prefetch_related("contacts"):
            contacts = list(account.contacts.all())
            assert 3 <= len(contacts) <= 7
            tops = [c for c in contacts if c.reports_to_id is None]
            assert [c.decision_role for c in tops] == [DecisionRole.DECISION_MAKER]
            assert all(c.reports_to is None or c.reports_to.account_id == account.pk for c in contacts)

    def test_the_lifecycle_has_history_and_churn_reasons(self, demo):
        accounts = accounts_of("demo-agency")
        statuses = set(accounts.values_list("status", flat=True))
        assert {AccountStatus.ONBOARDING, AccountStatus.CHURNED, AccountStatus.AT_RISK} <= statuses
        assert all(a.churn_reason for a in accounts.filter(status=AccountStatus.CHURNED))
        churned = accounts.filter(status=AccountStatus.CHURNED).first()
        assert AccountStatusChange.objects.filter(account=churned, to_status=AccountStatus.CHURNED).exists()

    def test_handovers_checklists_and_links_are_there(self, demo):
        accounts = accounts_of("demo-agency")
        assert HandoverBrief.objects.filter(account__in=accounts, deal_value__gt=0).count() == accounts.count()
        assert HandoverBrief.objects.filter(account__in=accounts, sold_by__isnull=False).exists()
        onboarding = accounts.filter(status=AccountStatus.ONBOARDING).first()
        items = OnboardingItem.objects.filter(account=onboarding)
        assert 0 < items.filter(done_at__isnull=False).count() < items.count()
        assert ContactAccountRole.objects.filter(organization__slug="demo-agency").exists()
        assert accounts.filter(parent__isnull=False).exists()

    def test_everything_was_written_through_the_services(self, demo):
        org, _output = demo
        events = AuditEvent.objects.filter(organization=org)
        assert events.filter(object_type="accounts.account", action="create").count() == 8
        assert events.filter(object_type="contacts.contact").count() == Contact.objects.filter(organization=org).count()
        assert events.filter(actor__isnull=False).exists()

    # --- the working loop (issue 3) -----------------------------------------------------------------

    def test_every_task_status_and_every_triage_decision_is_there(self, demo):
        org, _output = demo
        tasks = Task.objects.filter(organization=org)
        assert set(tasks.values_list("status", flat=True)) == set(TaskStatus.values)
        requests = Request.objects.filter(organization=org)
        assert set(requests.values_list("status", flat=True)) == set(RequestStatus.values)
        rejected = requests.filter(status=RequestStatus.REJECTED)
        assert set(rejected.values_list("reject_reason", flat=True)) == set(RejectReason.values)
        assert all(r.explanation for r in rejected)
        quoted = requests.filter(status=RequestStatus.QUOTED)
        assert set(quoted.values_list("quote_accepted", flat=True)) == {True, False, None}
        assert all(r.tasks.exists() for r in quoted.filter(quote_accepted=True))
        assert all(r.tasks.exists() for r in requests.filter(status=RequestStatus.ACCEPTED))
        now = timezone.now()
        waiting = requests.filter(status=RequestStatus.NEW)
        assert waiting.filter(response_due_at__lt=now).exists() and waiting.filter(response_due_at__gt=now).exists()

    def test_am1_starts_the_day_with_tasks_contacts_due_waiting_requests_and_a_planned_call(self, demo):
        day = day_for(person("am1"))
        assert day.overdue_tasks and day.today_tasks
        assert day.contacts_due
        assert any(r.over_target for r in day.requests) and any(not r.over_target for r in day.requests)
        assert InteractionKind.CALL in {m.kind for m in day.meetings}
        assert all(m.state == InteractionState.PLANNED for m in day.meetings)

    def test_specialist1_has_overdue_tasks_tasks_due_today_and_more_to_come(self, demo):
        specialist = person("specialist1")
        day = day_for(specialist)
        assert day.overdue_tasks and day.today_tasks and day.upcoming_tasks
        for task in day.overdue_tasks + day.today_tasks + day.upcoming_tasks:
            assert task.assignee_id == specialist.pk
            assert AccountTeamMember.objects.filter(account=task.account, user=specialist).exists()

    def test_head1_sees_every_account_manager_and_specialist_with_their_work(self, demo):
        org, _output = demo
        team = day_for(person("head1")).team
        people = Membership.objects.filter(organization=org, role__in=[Role.ACCOUNT_MANAGER, Role.SPECIALIST])
        assert {row.user.pk for row in team} == set(people.values_list("user_id", flat=True))
        assert sum(row.open_tasks for row in team if row.role == Role.ACCOUNT_MANAGER) > 0
        assert any(row.overdue_tasks for row in team if row.role == Role.SPECIALIST)

    def test_live_accounts_have_projects_with_goals_budgets_and_a_team_from_the_account_team(self, demo):
        org, _output = demo
        assert Service.objects.filter(organization=org).count() >= 5
        live = accounts_of("demo-agency").filter(
            status__in=[AccountStatus.ACTIVE, AccountStatus.AT_RISK, AccountStatus.ONBOARDING]
        )
        for account in live:
            projects = list(Project.objects.filter(account=account).prefetch_related("goals", "team"))
            assert 1 <= len(projects) <= 3, account.name
            team = set(AccountTeamMember.objects.filter(account=account).values_list("user_id", flat=True))
            for project in projects:
                assert project.service is not None and project.currency == account.currency
                assert project.budget is not None and project.budget > 0
                assert 1 <= len(project.goals.all()) <= 2
                assert all(g.metric and g.target_value and g.target_date for g in project.goals.all())
                assert {u.pk for u in project.team.all()} <= team

    def test_interactions_span_about_three_months_with_the_accounts_people(self, demo):
        org, _output = demo
        now = timezone.now()
        interactions = Interaction.objects.filter(organization=org).prefetch_related("contacts")
        held = interactions.filter(state=InteractionState.DONE)
        assert held.filter(occurred_at__lt=now - datetime.timedelta(days=60)).exists()
        assert not held.filter(occurred_at__gt=now).exists()
        assert not held.filter(occurred_at__lt=now - datetime.timedelta(days=91)).exists()
        kinds = set(held.values_list("kind", flat=True))
        assert {
            InteractionKind.CALL,
            InteractionKind.MEETING,
            InteractionKind.EMAIL,
            InteractionKind.MESSENGER,
        } <= kinds
        assert interactions.filter(state=InteractionState.PLANNED, occurred_at__gt=now).exists()
        sentiments = list(held.exclude(sentiment=None).values_list("sentiment", flat=True))
        assert sum(1 for s in sentiments if s >= 0) > 3 * sum(1 for s in sentiments if s < 0)
        assert held.filter(account__status=AccountStatus.AT_RISK, sentiment__lt=0).exists()
        for interaction in interactions:
            assert all(c.account_id == interaction.account_id for c in interaction.contacts.all())

    def test_the_history_happened_in_the_past(self, demo):
        org, _output = demo
        now = timezone.now()
        done = Task.objects.filter(organization=org, status=TaskStatus.DONE)
        assert all(t.created_at <= t.completed_at < now for t in done)
        assert len({t.completed_at.date() for t in done}) > 1
        triaged = list(Request.objects.filter(organization=org).exclude(status=RequestStatus.NEW))
        assert all(r.received_at < r.triaged_at < now for r in triaged)
        assert sum(1 for r in triaged if r.response_met) > len(triaged) / 2
        assert Task.objects.filter(organization=org, due_changes__isnull=False).exists()
        assert Task.objects.filter(organization=org, checklist__done_at__isnull=False).exists()
        assert Task.objects.filter(organization=org, comments__isnull=False).exists()

    def test_the_working_loop_was_written_through_the_services(self, demo):
        org, _output = demo
        events = AuditEvent.objects.filter(organization=org)
        for label, model in [("work.task", Task), ("work.request", Request), ("comms.interaction", Interaction)]:
            created = events.filter(object_type=label, action="create").count()
            assert created == model.objects.filter(organization=org).count(), label
        assert events.filter(object_type="work.task", action="update", changes__has_key="status").exists()

    def test_the_history_mails_nobody_and_only_the_last_days_notices_are_unread(self, demo):
        from django_tasks_db.models import DBTaskResult

        org, _output = demo
        assert not DBTaskResult.objects.exists()
        notices = Notification.objects.filter(organization=org)
        assert notices.exists()
        yesterday = timezone.now() - datetime.timedelta(days=1)
        assert not notices.filter(read_at__isnull=True, created_at__lt=yesterday).exists()
        assert all(notification_preferences_of(person("specialist1")).values())

    # --- the money (issue 4) ------------------------------------------------------------------------

    def test_every_account_has_a_contract_and_a_year_of_invoices_at_most(self, demo):
        org, output = demo
        accounts = accounts_of("demo-agency")
        assert set(Contract.objects.filter(organization=org).values_list("account_id", flat=True)) == set(
            accounts.values_list("pk", flat=True)
        )
        first_month = calc.month_start(timezone.localdate()).replace(year=timezone.localdate().year - 1)
        invoices = Invoice.objects.filter(organization=org)
        assert invoices.count() > 8 * 3
        assert not invoices.filter(issue_date__lte=first_month).exists()
        assert not invoices.filter(issue_date__gt=timezone.localdate()).exists()
        assert f"{invoices.count()} invoices" in output

    def test_the_money_adds_up_to_the_kopeck(self, demo):
        org, _output = demo
        invoices = Invoice.objects.filter(organization=org).prefetch_related("lines", "allocations__payment")
        for invoice in invoices:
            lines = list(invoice.lines.all())
            computed = [calc.line_amounts(li.quantity, li.unit_price, li.tax_rate, invoice.currency) for li in lines]
            assert [(li.net, li.tax, li.total) for li in lines] == [(c.net, c.tax, c.total) for c in computed]
            totals = calc.invoice_totals(computed)
            assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
                totals.subtotal,
                totals.tax_total,
                totals.total,
            )
            allocations = list(invoice.allocations.all())
            assert invoice.paid_amount == sum((a.amount for a in allocations), Decimal(0)), invoice.number
            assert all(a.payment.account_id == invoice.account_id for a in allocations)
            assert all(a.payment.currency == invoice.currency for a in allocations)
            assert all(a.payment.date >= invoice.issue_date for a in allocations)
            expected = {
                invoice.paid_amount == 0: "issued",
                0 < invoice.paid_amount < invoice.total: "partially_paid",
                invoice.paid_amount == invoice.total: "paid",
            }[True]
            if invoice.status == "draft":
                assert not allocations and invoice.issued_at is None
            else:
                assert invoice.status == expected, invoice.number
                assert invoice.issued_at is not None
            assert (invoice.paid_on is not None) == (invoice.status == "paid")
            if invoice.paid_on:
                assert invoice.paid_on == max(a.payment.date for a in allocations)
            assert invoice.contract.currency == invoice.currency
            assert invoice.due_date == invoice.issue_date + datetime.timedelta(days=invoice.contract.payment_terms_days)
        for payment in Payment.objects.filter(organization=org).prefetch_related("allocations"):
            assert payment.allocated_amount == sum((a.amount for a in payment.allocations.all()), Decimal(0))
            assert payment.date <= timezone.localdate()

    def test_most_invoices_are_paid_some_late_or_in_part_and_a_few_are_open_in_every_aging_bucket(self, demo):
        org, _output = demo
        today = timezone.localdate()
        invoices = Invoice.objects.filter(organization=org)
        issued = invoices.exclude(status="draft")
        assert issued.filter(status="paid").count() > issued.count() * 0.7
        late = [i for i in issued.filter(status="paid") if i.paid_on > i.due_date]
        assert late
        in_parts = invoices.annotate(n=models.Count("allocations")).filter(n__gt=1)
        assert invoices.filter(status="partially_paid").exists() or in_parts.exists()
        buckets = {calc.bucket_of(i.due_date, today) for i in invoices.filter(status__in=OPEN_INVOICE_STATUSES)}
        assert {"days_1_30", "days_31_60", "days_61_90", "days_90_plus"} <= buckets
        assert Payment.objects.filter(organization=org, allocated_amount__lt=models.F("amount")).exists()  # credit

    def test_contracts_have_amendments_and_renewals_in_every_outcome(self, demo):
        org, _output = demo
        outcomes = set(Renewal.objects.filter(organization=org).values_list("outcome", flat=True))
        assert outcomes == {"renewed", "expanded", "contracted", "churned"}
        churned = Renewal.objects.filter(organization=org, outcome="churned").select_related("contract__account")
        assert all(r.contract.account.status == AccountStatus.CHURNED for r in churned)
        assert all(r.contract.status == "expired" for r in churned)
        assert Amendment.objects.filter(organization=org, kind="amendment").exists()
        for renewal in Renewal.objects.filter(organization=org).exclude(outcome="churned").select_related("amendment"):
            assert renewal.amendment.previous_end_date == renewal.term_end
            assert renewal.amendment.new_end_date == renewal.new_end_date
        contracts = Contract.objects.filter(organization=org)
        assert contracts.filter(auto_renew=True).count() >= 2
        today = timezone.localdate()
        live = contracts.filter(status="active", end_date__isnull=False)
        assert live.filter(end_date__lte=today + datetime.timedelta(days=30)).exists()
        assert live.filter(end_date__lte=today + datetime.timedelta(days=90)).count() >= 3

    def test_each_amendment_keeps_what_the_contract_said_the_day_before(self, demo):
        org, _output = demo
        for contract in Contract.objects.filter(organization=org).prefetch_related("amendments"):
            value = contract.value
            for amendment in contract.amendments.all():
                assert amendment.previous_value == value, contract.number
                value = amendment.new_value or value
            for invoice in contract.invoices.filter(period_start__isnull=False, contract__billing_model="retainer"):
                assert invoice.subtotal == calc.value_on(contract, invoice.period_start), invoice.number

    def test_acts_are_mostly_signed_and_am1_has_money_to_see_to(self, demo):
        org, _output = demo
        acts = Act.objects.filter(organization=org)
        assert acts.filter(signed_on__isnull=False).count() > acts.count() * 0.8
        assert not acts.filter(signed_on__lt=models.F("sent_on")).exists()
        today = timezone.localdate()
        money = [money_day_for(person(f"am{n}"), today) for n in (1, 2, 3)]
        assert any(m.overdue_invoices for m in money)
        assert any(m.acts_to_chase for m in money)
        assert any(m.invoices_to_issue or m.contracts_to_invoice for m in money)
        assert money_day_for(person("specialist1"), today) is None
        assert money_day_for(person("head1"), today).overdue_total

    def test_the_money_was_recorded_in_the_audit_trail(self, demo):
        org, _output = demo
        events = AuditEvent.objects.filter(organization=org, action="create")
        for label, model in [
            ("billing.contract", Contract),
            ("billing.invoice", Invoice),
            ("billing.payment", Payment),
        ]:
            created = events.filter(object_type=label)
            rows = {str(pk) for pk in model.objects.filter(organization=org).values_list("pk", flat=True)}
            assert set(created.values_list("object_id", flat=True)) == rows, label
            assert created.count() == len(rows), label
            assert not created.filter(actor__isnull=True).exists(), label

    def test_accounts_and_their_lifecycle_date_from_the_past(self, demo):
        org, _output = demo
        today = timezone.localdate()
        for account in Account.objects.filter(organization=org):
            first = Contract.objects.filter(account=account).order_by("start_date").first()
            if account.status != AccountStatus.ONBOARDING:
                assert account.created_at.date() < today, account.name
            if first is not None and first.start_date < today:
                assert account.created_at.date() <= first.start_date, account.name
            changes = list(AccountStatusChange.objects.filter(account=account).order_by("created_at", "pk"))
            assert all(c.created_at >= account.created_at for c in changes), account.name
            assert changes[0].from_status == "", account.name
            assert changes[0].created_at == account.created_at, account.name
            assert [c.created_at for c in changes] == sorted(c.created_at for c in changes), account.name
            if account.status == AccountStatus.CHURNED:
                churned_on = changes[-1].created_at.date()
                assert changes[-1].to_status == AccountStatus.CHURNED
                # The client left the day after its last contract ended.
                last_end = max(c.end_date for c in Contract.objects.filter(account=account) if c.end_date)
                assert churned_on == last_end + datetime.timedelta(days=1), account.name

    def test_health_has_a_year_of_history_the_backtest_can_read(self, demo):
        from keyaccount.health.backtest import backtest
        from keyaccount.health.models import HealthScore, HealthSnapshot

        org, _output = demo
        assert HealthScore.objects.filter(organization=org, score__isnull=False).exists()
        month_ends = set(
            HealthSnapshot.objects.filter(organization=org, score__isnull=False).values_list("on", flat=True)
        )
        assert len(month_ends) > 12
        result = backtest(org)
        assert result.samples > 0
        assert result.positives + result.negatives == result.samples
