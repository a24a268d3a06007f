"""The account pages, as each named person sees them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyaccount.accounts.models import (
    Account,
    AccountStatus,
    AccountTeamMember,
    BusinessGoalRevision,
    DrivingForce,
    HandoverBrief,
    OnboardingItem,
    Tag,
    TeamRole,
    Tier,
)
from keyaccount.accounts.services import (
    account_change_status,
    account_create,
    account_update,
    driving_force_create,
    goal_revise,
    handover_save,
)
from keyaccount.contacts.services import contact_create
from keyaccount.core.models import AuditEvent
from keyaccount.core.tests.factories import AccountFactory, ContactFactory, member, on_team
from keyaccount.tenancy.models import Role


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def text(response):
    return response.content.decode()


def portfolio_names(response):
    return [a.name for a in response.context["page"].object_list]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- who gets in -----------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_sign_in(client, acme):
    response = client.get(reverse("accounts:detail", args=[acme.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_refuses_a_signed_in_user_without_a_membership(client, django_user_model, acme):
    stranger = django_user_model.objects.create_user("stranger@example.com", "x")
    assert page(client, stranger, "accounts:portfolio").status_code == 403


@pytest.mark.parametrize("name", ["accounts:detail", "accounts:edit", "accounts:delete", "accounts:handover"])
def test_mallory_gets_404_on_acmes_pages(client, mallory, acme, name):
    assert page(client, mallory, name, acme.pk).status_code == 404


@pytest.mark.parametrize("name", ["accounts:status", "accounts:team_add", "accounts:force_add", "accounts:goal_revise"])
def test_mallory_gets_404_when_posting_to_acme(client, mallory, acme, name):
    client.force_login(mallory)
    assert client.post(reverse(name, args=[acme.pk]), {}).status_code == 404
    assert acme.status_changes.count() == 0


def test_bob_gets_404_on_an_account_he_is_not_on(client, bob, acme):
    assert page(client, bob, "accounts:detail", acme.pk).status_code == 404


# --- portfolio -------------------------------------------------------------------------------------


def test_the_portfolio_shows_alice_only_her_accounts_by_default(client, alice, bob, acme, globex, carol):
    shared = account_create(actor=carol, name="Shared", owner=bob)
    on_team(shared, alice, TeamRole.PROJECT_MANAGER)
    response = page(client, alice, "accounts:portfolio")
    assert response.status_code == 200
    assert portfolio_names(response) == ["Acme", "Shared"]
    assert response.context["mine"] is True


def test_the_portfolio_shows_carol_every_account_by_default(client, carol, acme, globex):
    response = page(client, carol, "accounts:portfolio")
    assert portfolio_names(response) == ["Acme", "Globex"]
    assert response.context["mine"] is False


def test_mine_narrows_a_heads_portfolio_to_her_teams(client, carol, acme, globex):
    on_team(globex, carol, TeamRole.EXECUTIVE_SPONSOR)
    assert portfolio_names(page(client, carol, "accounts:portfolio", mine="true")) == ["Globex"]


def test_an_account_manager_may_switch_mine_off(client, alice, acme):
    response = page(client, alice, "accounts:portfolio", mine="false")
    assert response.context["mine"] is False
    assert portfolio_names(response) == ["Acme"]


@pytest.fixture
def many(carol, acme, globex, org):
    """Carol's organization with a spread of statuses, tiers and tags."""
    retail = Tag.objects.create(organization=org, name="retail")
    account_update(actor=carol, account=acme, data={"tier": Tier.KEY, "industry": "Steel", "tags": [retail]})
    account_change_status(actor=carol, account=Account.objects.get(pk=globex.pk), to_status=AccountStatus.AT_RISK)
    AccountFactory(organization=org, name="Hooli", industry="Search")
    return {"retail": retail}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "at_risk"}, ["Globex"]),
        ({"status": ["at_risk", "onboarding"]}, ["Acme", "Globex", "Hooli"]),
        ({"tier": "key"}, ["Acme"]),
        ({"q": "stee"}, ["Acme"]),
        ({"q": "hoo"}, ["Hooli"]),
        ({"owner": "bob"}, ["Globex"]),
        ({"tag": "retail"}, ["Acme"]),
    ],
)
def test_the_portfolio_filters(client, carol, bob, many, query, expected):
    if query.get("owner") == "bob":
        query = {"owner": bob.pk}
    if query.get("tag") == "retail":
        query = {"tag": many["retail"].pk}
    assert portfolio_names(page(client, carol, "accounts:portfolio", **query)) == expected


def test_the_portfolio_sorts_by_a_column_both_ways(client, carol, many):
    assert portfolio_names(page(client, carol, "accounts:portfolio", ordering="-name")) == ["Hooli", "Globex", "Acme"]
    assert portfolio_names(page(client, carol, "accounts:portfolio", ordering="tier"))[0] == "Acme"
    assert portfolio_names(page(client, carol, "accounts:portfolio", ordering="-owner"))[0] == "Globex"
    # An unknown column falls back to the name.
    assert portfolio_names(page(client, carol, "accounts:portfolio", ordering="password")) == [
        "Acme",
        "Globex",
        "Hooli",
    ]


def test_the_portfolio_pages_by_25(client, carol, org):
    for i in range(30):
        AccountFactory(organization=org, name=f"Client {i:02}")
    first = page(client, carol, "accounts:portfolio")
    second = page(client, carol, "accounts:portfolio", page=2)
    assert len(portfolio_names(first)) == 25
    assert portfolio_names(second) == [f"Client {i:02}" for i in range(25, 30)]
    assert "?page=2" in text(first)


def test_an_htmx_request_gets_only_the_table(client, alice, acme):
    client.force_login(alice)
    response = client.get(reverse("accounts:portfolio"), {"q": "ac"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="portfolio-results"')
    assert "<html" not in body and "<form" not in body
    assert "Acme" in body
    assert "HX-Request" in response["Vary"]


def test_the_full_portfolio_page_has_the_filter_form_wired_to_the_table(client, alice, acme):
    body = text(page(client, alice, "accounts:portfolio"))
    assert 'hx-target="#portfolio-results"' in body
    assert 'hx-push-url="true"' in body
    assert 'id="portfolio-results"' in body


def test_the_new_account_button_shows_only_to_those_who_can_create(client, alice, ann, acme):
    assert reverse("accounts:create") in text(page(client, alice, "accounts:portfolio"))
    assert reverse("accounts:create") not in text(page(client, ann, "accounts:portfolio"))


def test_the_portfolio_runs_the_same_number_of_queries_for_3_and_30_accounts(client, carol, org):
    tags = [Tag.objects.create(organization=org, name=f"tag {i}") for i in range(3)]

    def add(n, start):
        for i in range(start, start + n):
            account = AccountFactory(organization=org, name=f"Client {i:03}", owner=carol)
            account.tags.set(tags)

    client.force_login(carol)
    url = reverse("accounts:portfolio")
    add(3, 0)
    few = count_queries(client, url)
    add(27, 3)
    lots = count_queries(client, url)
    assert few == lots
    assert lots <= 12


def test_the_portfolio_shows_each_accounts_health_and_sorts_by_it_unscored_last(client, carol, sam, org, acme):
    from keyaccount.health.models import HealthScore

    weak = AccountFactory(organization=org, name="Weak", owner=carol)
    on_team(weak, sam, TeamRole.SPECIALIST)
    AccountFactory(organization=org, name="Unscored", owner=carol)
    on = datetime.date(2026, 3, 1)
    HealthScore.objects.create(organization=org, account=acme, on=on, score=81, band="green")
    HealthScore.objects.create(organization=org, account=weak, on=on, score=23, band="red")

    html = text(page(client, carol, "accounts:portfolio", ordering="health"))
    assert html.index("Weak") < html.index("Acme") < html.index("Unscored")
    assert "ordering=health" in html and ">23 <" in html.replace("\n", "") and "Healthy" in html
    html = text(page(client, carol, "accounts:portfolio", ordering="-health"))
    assert html.index("Acme") < html.index("Weak") < html.index("Unscored")
    # Specialists never see health.
    html = text(page(client, sam, "accounts:portfolio"))
    assert "Weak" in html
    assert "ordering=health" not in html and "Healthy" not in html


def test_the_portfolio_filters_by_health_band_unscored_counting_as_unknown(client, carol, sam, org, acme):
    from keyaccount.health.models import HealthScore

    weak = AccountFactory(organization=org, name="Weak", owner=carol)
    on_team(weak, sam, TeamRole.SPECIALIST)
    AccountFactory(organization=org, name="Unscored", owner=carol)
    on = datetime.date(2026, 3, 1)
    HealthScore.objects.create(organization=org, account=acme, on=on, score=81, band="green")
    HealthScore.objects.create(organization=org, account=weak, on=on, score=23, band="red")

    html = text(page(client, carol, "accounts:portfolio", health="red"))
    assert "Weak" in html and "Acme" not in html and "Unscored" not in html
    html = text(page(client, carol, "accounts:portfolio", health=["unknown", "green"]))
    assert "Weak" not in html and "Acme" in html and "Unscored" in html
    # For a specialist the filter tells nothing: the same accounts as without it.
    assert "Weak" in text(page(client, sam, "accounts:portfolio", health="green"))


# --- the account page ------------------------------------------------------------------------------


@pytest.fixture
def full_acme(alice, acme, sally):
    """Acme with everything its page shows."""
    handover_save(actor=alice, account=acme, data={"promises": "Top-3 in Yandex by June"})
    driving_force_create(
        actor=alice, account=acme, kind="competitor", subject="Globex", change="Cut prices", impact="negative"
    )
    driving_force_create(actor=alice, account=acme, kind="customer", change="Moved online", impact="positive")
    goal_revise(actor=alice, account=acme, goal="Grow online sales", revised_on=datetime.date(2025, 1, 10))
    goal_revise(actor=alice, account=acme, goal="Double online sales", revised_on=datetime.date(2025, 6, 1))
    ceo = contact_create(
        actor=alice, account=acme, name="Irina CEO", decision_role="decision_maker", attitude="supporter"
    )
    contact_create(actor=alice, account=acme, name="Oleg CMO", reports_to=ceo, decision_role="champion")
    OnboardingItem.objects.create(organization=acme.organization, account=acme, title="Introduce the team")
    return acme


def test_alice_sees_every_section_of_her_account(client, alice, full_acme):
    body = text(page(client, alice, "accounts:detail", full_acme.pk))
    for expected in (
        "Top-3 in Yandex by June",
        "Cut prices",
        "Moved online",
        "Double online sales",
        "Grow online sales",
        "Irina CEO",
        "Introduce the team",
        'id="history"',
        'id="status"',
    ):
        assert expected in body, expected
    assert reverse("accounts:edit", args=[full_acme.pk]) in body
    assert reverse("accounts:delete", args=[full_acme.pk]) not in body


def test_the_current_goal_is_the_latest_revision(client, alice, full_acme):
    response = page(client, alice, "accounts:detail", full_acme.pk)
    assert response.context["goal"].goal == "Double online sales"
    assert [g.goal for g in response.context["goal_history"]] == ["Grow online sales"]


def test_driving_forces_are_grouped_by_kind_with_their_impact(client, alice, full_acme):
    groups = dict(page(client, alice, "accounts:detail", full_acme.pk).context["forces_by_kind"])
    assert [f.change for f in groups["Competitor"]] == ["Cut prices"]
    assert [f.change for f in groups["Customer"]] == ["Moved online"]
    assert groups["Supplier"] == []


def test_specialist_sam_sees_acme_without_the_handover_and_cannot_edit(client, sam, full_acme):
    response = page(client, sam, "accounts:detail", full_acme.pk)
    body = text(response)
    assert response.status_code == 200
    assert "Top-3 in Yandex by June" not in body
    assert 'id="handover"' not in body
    assert "Cut prices" in body
    assert reverse("accounts:edit", args=[full_acme.pk]) not in body
    assert page(client, sam, "accounts:edit", full_acme.pk).status_code == 403
    assert page(client, sam, "accounts:handover", full_acme.pk).status_code == 404


def test_client_clint_sees_only_the_profile_and_team_of_his_account(client, clint, full_acme, globex):
    response = page(client, clint, "accounts:detail", full_acme.pk)
    body = text(response)
    assert response.status_code == 200
    assert "Acme" in body and "Alice" in body
    for hidden in ("Irina CEO", "Cut prices", "Double online sales", "Top-3 in Yandex", "Introduce the team"):
        assert hidden not in body, hidden
    for section in ('id="history"', 'id="contacts"', 'id="context"', 'id="handover"', 'id="status"'):
        assert section not in body
    assert page(client, clint, "accounts:detail", globex.pk).status_code == 404
    assert page(client, clint, "accounts:edit", full_acme.pk).status_code == 403


def test_a_client_going_to_the_portfolio_lands_on_his_account(client, clint, acme):
    response = page(client, clint, "accounts:portfolio")
    assert response["Location"] == reverse("accounts:detail", args=[acme.pk])


def test_the_org_chart_nests_reports_under_their_manager(client, alice, acme):
    ceo = ContactFactory(account=acme, name="CEO")
    cmo = ContactFactory(account=acme, name="CMO", reports_to=ceo, decision_role="champion")
    ContactFactory(account=acme, name="SEO lead", reports_to=cmo, left_on=datetime.date(2025, 3, 1))
    ContactFactory(account=acme, name="Accountant")
    response = page(client, alice, "accounts:detail", acme.pk)

    def names(forest):
        return [(c.name, names(kids)) for c, kids in forest]

    assert names(response.context["org_chart"]) == [("Accountant", []), ("CEO", [("CMO", [("SEO lead", [])])])]
    chart = text(response).split('<ul class="orgchart">')[1]
    # Rendered nested: the SEO lead's list sits inside the CMO's, which sits inside the CEO's.
    assert chart.index("CEO") < chart.index("<ul>") < chart.index("CMO") < chart.index("SEO lead")
    assert 'class="person left"' in chart
    assert "Champion" in chart


def test_the_profile_lists_only_the_subsidiaries_alice_can_open(client, alice, acme, org):
    AccountFactory(organization=org, name="Acme Retail", parent=acme)
    mine = AccountFactory(organization=org, name="Acme Online", parent=acme)
    on_team(mine, alice)
    response = page(client, alice, "accounts:detail", acme.pk)
    assert [a.name for a in response.context["children"]] == ["Acme Online"]
    assert "Acme Retail" not in text(response)


def test_a_contact_linked_from_another_account_shows_their_role_here(client, carol, acme, globex):
    from keyaccount.contacts.services import contact_role_add

    cfo = contact_create(actor=carol, account=globex, name="Holding CFO")
    contact_role_add(actor=carol, contact=cfo, account=acme, decision_role="economic_buyer")
    response = page(client, carol, "accounts:detail", acme.pk)
    (contact,) = response.context["contacts"]
    assert contact.here.get_decision_role_display() == "Economic buyer"
    assert "from Globex" in text(response)


def test_the_history_shows_who_changed_what_from_and_to(client, alice, carol, acme, bob):
    account_update(actor=alice, account=acme, data={"industry": "Steel", "tier": Tier.KEY})
    from keyaccount.accounts.services import account_assign_owner

    account_assign_owner(actor=carol, account=Account.objects.get(pk=acme.pk), owner=bob)
    response = page(client, carol, "accounts:detail", acme.pk)
    rows = response.context["history"]
    assert rows[0]["event"].actor == carol
    assert rows[0]["changes"] == [{"field": "Account manager", "before": "Alice", "after": "Bob"}]
    changes = {c["field"]: (c["before"], c["after"]) for c in rows[1]["changes"]}
    assert changes == {"Industry": (None, "Steel"), "Tier": ("Standard", "Key")}
    body = text(response)
    assert "<del>Standard</del> → <ins>Key</ins>" in body


def test_the_history_is_limited_to_the_latest_50_events(client, alice, acme):
    for i in range(55):
        account_update(actor=alice, account=acme, data={"industry": f"Industry {i}"})
    rows = page(client, alice, "accounts:detail", acme.pk).context["history"]
    assert len(rows) == 50
    assert rows[0]["changes"][0]["after"] == "Industry 54"


def test_the_account_page_runs_the_same_number_of_queries_for_3_and_30_of_everything(client, carol, acme, org):
    def add(n, start):
        for i in range(start, start + n):
            contact_create(actor=carol, account=acme, name=f"Person {i:03}", reports_to=acme.contacts.first())
            driving_force_create(actor=carol, account=acme, kind="supplier", change=f"Change {i}", impact="positive")
            goal_revise(actor=carol, account=acme, goal=f"Goal {i}")
            OnboardingItem.objects.create(organization=org, account=acme, title=f"Step {i}")
            on_team(acme, member(org, Role.SPECIALIST, f"specialist{i}"), TeamRole.SPECIALIST)
            account_update(actor=carol, account=Account.objects.get(pk=acme.pk), data={"notes": f"note {i}"})

    client.force_login(carol)
    url = reverse("accounts:detail", args=[acme.pk])
    add(3, 0)
    few = count_queries(client, url)
    add(27, 3)
    lots = count_queries(client, url)
    assert few == lots
    assert lots <= 30


# --- create, edit, delete --------------------------------------------------------------------------


def test_alice_creates_an_account_she_then_owns(client, alice, org):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:create"),
        {"name": "Rosa Khutor", "kind": "b2b", "currency": "RUB", "tier": "standard", "status": "onboarding"},
    )
    account = Account.objects.get(name="Rosa Khutor")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:detail", args=[account.pk])
    assert account.owner == alice
    assert AuditEvent.objects.filter(
        object_type="accounts.account", object_id=str(account.pk), action="create"
    ).exists()


def test_a_duplicate_name_shows_the_field_error_and_saves_nothing(client, alice, acme):
    client.force_login(alice)
    before = Account.objects.count()
    response = client.post(
        reverse("accounts:create"),
        {"name": "ACME", "kind": "b2b", "currency": "RUB", "tier": "standard", "status": "onboarding"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["An account with this name already exists."]
    assert "An account with this name already exists." in text(response)
    assert Account.objects.count() == before


def test_a_head_picks_the_owner_of_a_new_account(client, carol, bob):
    client.force_login(carol)
    form = page(client, carol, "accounts:create").context["form"]
    assert set(form.fields["owner"].queryset) == {carol, bob}
    client.post(
        reverse("accounts:create"),
        {"name": "Rosa", "kind": "b2b", "currency": "RUB", "tier": "key", "status": "active", "owner": bob.pk},
    )
    assert Account.objects.get(name="Rosa").owner == bob


def test_it_refuses_a_parent_account_from_another_organization(client, alice, acme, initech):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:edit", args=[acme.pk]),
        {
            "name": "Acme",
            "kind": "b2b",
            "currency": "RUB",
            "tier": "standard",
            "parent": initech.pk,
            "version": acme.version,
        },
    )
    assert "parent" in response.context["form"].errors
    assert Account.objects.get(pk=acme.pk).parent is None


def test_alice_edits_her_account_through_the_service(client, alice, acme):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:edit", args=[acme.pk]),
        {
            "name": "Acme Steel",
            "kind": "b2b",
            "currency": "EUR",
            "tier": "key",
            "website": "acme.example",
            "version": acme.version,
        },
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.currency, acme.tier, acme.website) == ("Acme Steel", "EUR", "key", "https://acme.example")
    assert acme.version == 2
    event = AuditEvent.objects.filter(object_type="accounts.account", action="update").get()
    assert event.changes["name"] == ["Acme", "Acme Steel"]


def test_a_stale_edit_shows_the_conflict_and_saves_nothing(client, alice, carol, acme):
    client.force_login(alice)
    opened = page(client, alice, "accounts:edit", acme.pk).context["form"]["version"].value()
    account_update(actor=carol, account=Account.objects.get(pk=acme.pk), data={"industry": "Steel"})
    response = client.post(
        reverse("accounts:edit", args=[acme.pk]),
        {"name": "Acme", "kind": "b2b", "currency": "RUB", "tier": "key", "industry": "Mining", "version": opened},
    )
    assert response.status_code == 409
    assert "Someone else saved this record" in text(response)
    acme.refresh_from_db()
    assert (acme.industry, acme.tier) == ("Steel", "standard")


def test_an_edit_without_the_version_is_refused(client, alice, acme):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:edit", args=[acme.pk]), {"name": "Acme", "kind": "b2b", "currency": "RUB", "tier": "key"}
    )
    assert response.status_code == 200
    assert Account.objects.get(pk=acme.pk).tier == "standard"


def test_only_heads_and_admins_delete_an_account_after_confirming(client, alice, carol, acme):
    assert page(client, alice, "accounts:delete", acme.pk).status_code == 403
    confirm = page(client, carol, "accounts:delete", acme.pk)
    assert confirm.status_code == 200 and "Delete the account" in text(confirm)
    assert Account.objects.filter(pk=acme.pk).exists()
    response = client.post(reverse("accounts:delete", args=[acme.pk]))
    assert response["Location"] == reverse("accounts:portfolio")
    assert not Account.objects.filter(pk=acme.pk).exists()


# --- status, team, owner ---------------------------------------------------------------------------


def test_alice_moves_acme_to_at_risk_with_a_comment(client, alice, acme):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:status", args=[acme.pk]),
        {"to_status": "at_risk", "comment": "Late payments", "version": acme.version},
    )
    assert response.status_code == 302
    change = acme.status_changes.first()
    assert (change.to_status, change.comment, change.changed_by) == ("at_risk", "Late payments", alice)
    assert "Late payments" in text(client.get(reverse("accounts:detail", args=[acme.pk])))


def test_a_churn_without_a_reason_shows_the_field_error(client, alice, acme):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:status", args=[acme.pk]), {"to_status": "churned", "version": acme.version}
    )
    assert response.status_code == 200
    assert response.context["status_form"].errors["churn_reason"] == ["Say why the client left."]
    assert Account.objects.get(pk=acme.pk).status == AccountStatus.ONBOARDING


def test_a_stale_status_change_shows_the_conflict_and_saves_nothing(client, alice, carol, acme):
    stale = acme.version
    account_update(actor=carol, account=Account.objects.get(pk=acme.pk), data={"industry": "Steel"})
    client.force_login(alice)
    response = client.post(reverse("accounts:status", args=[acme.pk]), {"to_status": "active", "version": stale})
    assert response.status_code == 409
    assert "Someone else saved this record" in text(response)
    assert 'href="#status"' in text(response)
    assert Account.objects.get(pk=acme.pk).status == AccountStatus.ONBOARDING


def test_a_specialist_cannot_change_the_status(client, sam, acme):
    client.force_login(sam)
    response = client.post(reverse("accounts:status", args=[acme.pk]), {"to_status": "active", "version": acme.version})
    assert response.status_code == 403


def test_alice_adds_and_removes_a_colleague_on_her_team(client, alice, bob, acme):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:team_add", args=[acme.pk]), {"team-user": bob.pk, "team-role": "project_manager"}
    )
    assert response.status_code == 302
    member = AccountTeamMember.objects.get(account=acme, user=bob)
    client.post(reverse("accounts:team_remove", args=[acme.pk, member.pk]))
    assert not AccountTeamMember.objects.filter(account=acme, user=bob).exists()


def test_the_team_form_offers_no_one_from_another_organization(client, alice, acme, mallory, clint):
    form = page(client, alice, "accounts:detail", acme.pk).context["team_form"]
    assert mallory not in form.fields["user"].queryset
    assert clint not in form.fields["user"].queryset
    client.post(reverse("accounts:team_add", args=[acme.pk]), {"team-user": mallory.pk, "team-role": "specialist"})
    assert not AccountTeamMember.objects.filter(user=mallory, account=acme).exists()


def test_removing_the_owners_seat_is_refused_with_a_message(client, alice, acme):
    seat = AccountTeamMember.objects.get(account=acme, user=alice)
    client.force_login(alice)
    response = client.post(reverse("accounts:team_remove", args=[acme.pk, seat.pk]), follow=True)
    assert "Reassign the account to another owner instead." in text(response)
    assert AccountTeamMember.objects.filter(pk=seat.pk).exists()


def test_carol_hands_acme_to_bob_and_alice_may_not(client, alice, bob, carol, acme):
    assert "owner_form" not in page(client, alice, "accounts:detail", acme.pk).context
    response = client.post(
        reverse("accounts:owner", args=[acme.pk]), {"owner-owner": bob.pk, "owner-version": acme.version}
    )
    assert response.status_code == 403
    client.force_login(carol)
    client.post(reverse("accounts:owner", args=[acme.pk]), {"owner-owner": bob.pk, "owner-version": acme.version})
    assert Account.objects.get(pk=acme.pk).owner == bob


# --- handover, onboarding, context -----------------------------------------------------------------


def test_sales_sally_writes_the_handover_brief(client, sally, acme):
    client.force_login(sally)
    brief = HandoverBrief.objects.get(account=acme)
    response = client.post(
        reverse("accounts:handover", args=[acme.pk]),
        {"what_was_sold": "SEO and ads", "deal_value": "1200000.50", "sold_by": sally.pk, "version": brief.version},
    )
    assert response.status_code == 302
    brief.refresh_from_db()
    assert brief.what_was_sold == "SEO and ads"
    assert str(brief.deal_value) == "1200000.50"


def test_a_negative_deal_value_shows_the_field_error(client, alice, acme):
    client.force_login(alice)
    response = client.post(reverse("accounts:handover", args=[acme.pk]), {"deal_value": "-5"})
    assert "deal_value" in response.context["form"].errors
    assert not HandoverBrief.objects.filter(account=acme).exists()


def test_ticking_a_step_with_htmx_returns_just_that_step(client, alice, acme):
    item = OnboardingItem.objects.create(organization=acme.organization, account=acme, title="Introduce the team")
    client.force_login(alice)
    url = reverse("accounts:onboarding_toggle", args=[acme.pk, item.pk])
    response = client.post(url, {"done": "1"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li id="onboarding-item-{item.pk}" class="done"')
    assert 'hx-swap-oob="true">1 of 1 done<' in body
    item.refresh_from_db()
    assert item.done_by == alice and item.done_at is not None
    client.post(url, {"done": "0"}, HTTP_HX_REQUEST="true")
    item.refresh_from_db()
    assert item.done_at is None


def test_ticking_a_step_of_another_account_is_404(client, bob, acme, globex):
    item = OnboardingItem.objects.create(organization=acme.organization, account=acme, title="Introduce the team")
    client.force_login(bob)
    assert (
        client.post(reverse("accounts:onboarding_toggle", args=[globex.pk, item.pk]), {"done": "1"}).status_code == 404
    )
    assert client.post(reverse("accounts:onboarding_toggle", args=[acme.pk, item.pk]), {"done": "1"}).status_code == 404


def test_alice_notes_a_driving_force_and_revises_the_goal(client, alice, acme):
    client.force_login(alice)
    client.post(
        reverse("accounts:force_add", args=[acme.pk]),
        {"force-kind": "substitute", "force-change": "Marketplaces", "force-impact": "negative"},
    )
    client.post(reverse("accounts:goal_revise", args=[acme.pk]), {"goal-goal": "Win back B2C"})
    assert DrivingForce.objects.get(account=acme).change == "Marketplaces"
    assert BusinessGoalRevision.objects.get(account=acme).goal == "Win back B2C"


def test_a_driving_force_without_its_change_shows_the_field_error(client, alice, acme):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:force_add", args=[acme.pk]), {"force-kind": "supplier", "force-impact": "negative"}
    )
    assert response.context["force_form"].errors["change"]
    assert not DrivingForce.objects.exists()


def test_new_tags_typed_in_the_form_are_created_once_and_put_on_the_account(client, alice, acme, org):
    from keyaccount.accounts.models import Tag

    Tag.objects.create(organization=org, name="Retail")
    client.force_login(alice)
    response = client.post(
        reverse("accounts:edit", args=[acme.pk]),
        {
            "name": "Acme",
            "kind": "b2b",
            "currency": "RUB",
            "tier": "standard",
            "version": acme.version,
            "new_tags": "retail, Holding, holding",
        },
    )
    assert response.status_code == 302
    assert sorted(acme.tags.values_list("name", flat=True)) == ["Holding", "Retail"]
    assert Tag.objects.filter(organization=org).count() == 2


def test_new_tags_are_not_kept_when_the_edit_is_refused(client, alice, carol, acme, org):
    from keyaccount.accounts.models import Tag

    stale = acme.version
    account_update(actor=carol, account=Account.objects.get(pk=acme.pk), data={"industry": "Steel"})
    client.force_login(alice)
    response = client.post(
        reverse("accounts:edit", args=[acme.pk]),
        {"name": "Acme", "kind": "b2b", "currency": "RUB", "tier": "standard", "version": stale, "new_tags": "VIP"},
    )
    assert response.status_code == 409
    assert not Tag.objects.filter(organization=org, name="VIP").exists()


def test_in_russian_a_company_has_a_title_and_a_person_a_name():
    from django.utils import translation

    from keyaccount.contacts.models import Contact

    with translation.override("ru"):
        assert str(Account._meta.get_field("name").verbose_name) == "название"
        assert str(Contact._meta.get_field("name").verbose_name) == "имя"
