"""The survey pages: the client's public answer page (anonymous, CSRF-protected) and the staff list and send form."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keyaccount.comms.models import Interaction
from keyaccount.core.tests.factories import AccountFactory, ContactFactory
from keyaccount.surveys.models import Survey
from keyaccount.surveys.tests.helpers import survey


@pytest.fixture
def vera(acme):
    return ContactFactory(account=acme, name="Vera", email="vera@acme.example")


def answer_url(s: Survey) -> str:
    return reverse("surveys:answer", args=[s.token])


def text(response) -> str:
    return response.content.decode()


# --- the public page ----------------------------------------------------------------------------------


def test_an_anonymous_visitor_sees_the_question_and_the_csat_buttons(client, acme, vera):
    s = survey(acme, vera, "csat")
    response = client.get(answer_url(s))

    assert response.status_code == 200
    page = text(response)
    assert "How satisfied are you with the work of Demo Agency" in page
    assert [f'value="{n}"' in page for n in range(1, 6)] == [True] * 5
    assert 'value="0"' not in page and 'value="6"' not in page
    assert "Acme" not in page and "vera@acme.example" not in page  # nothing but the organization's name
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_page_speaks_the_language_the_email_was_written_in_unless_the_visitor_chose_one(client, acme, vera, alice):
    alice.language = "ru"
    alice.save(update_fields=["language"])
    s = survey(acme, vera, "csat", sent_by=alice)

    assert "Насколько вас устраивает работа Demo Agency" in text(client.get(answer_url(s), HTTP_ACCEPT_LANGUAGE="en"))
    client.cookies["django_language"] = "en"
    assert "How satisfied are you with the work of Demo Agency" in text(client.get(answer_url(s)))


def test_the_nps_page_offers_0_to_10(client, acme, vera):
    page = text(client.get(answer_url(survey(acme, vera, "nps"))))
    assert "How likely are you to recommend Demo Agency" in page
    assert all(f'value="{n}"' in page for n in range(0, 11))


def test_an_anonymous_visitor_answers_through_the_form_with_csrf_enforced(acme, vera):
    s = survey(acme, vera, "nps")
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(answer_url(s))
    token = page.cookies["csrftoken"].value
    response = browser.post(answer_url(s), {"score": "9", "comment": "Keep it up", "csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert "Thank you!" in text(response)
    s.refresh_from_db()
    assert (s.score, s.comment) == (9, "Keep it up")


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(acme, vera):
    s = survey(acme, vera, "csat")
    response = Client(enforce_csrf_checks=True).post(answer_url(s), {"score": "5"})
    assert response.status_code == 403
    assert Survey.objects.get().answered_at is None


def test_a_missing_or_out_of_range_score_shows_the_form_again(client, acme, vera):
    s = survey(acme, vera, "csat")
    for data in ({"comment": "no score"}, {"score": "9"}):
        response = client.post(answer_url(s), data)
        assert response.status_code == 400
        assert 'class="errorlist"' in text(response)
    assert Survey.objects.get().answered_at is None


def test_a_used_link_answers_a_friendly_410_and_stores_nothing(client, acme, vera):
    s = survey(acme, vera, "csat", score=4)
    for response in (client.get(answer_url(s)), client.post(answer_url(s), {"score": "1"})):
        assert response.status_code == 410
        assert "already been answered" in text(response)
    s.refresh_from_db()
    assert s.score == 4


def test_an_expired_link_answers_a_friendly_410_and_stores_nothing(client, acme, vera):
    s = survey(acme, vera, "csat", sent_at=timezone.now() - datetime.timedelta(days=20))
    response = client.post(answer_url(s), {"score": "5"})
    assert response.status_code == 410
    assert "expired" in text(response)
    assert Survey.objects.get().answered_at is None


def test_a_forged_link_answers_a_friendly_404(client, acme, vera):
    survey(acme, vera, "csat")
    response = client.post(reverse("surveys:answer", args=["made-up"]), {"score": "5"})
    assert response.status_code == 404
    assert "not valid" in text(response)
    assert "Demo Agency" not in text(response)
    assert Survey.objects.get().answered_at is None


# --- the staff pages -----------------------------------------------------------------------------------


def test_the_list_shows_alice_her_accounts_surveys_with_the_periods_scores(client, alice, acme, globex, vera):
    gena = ContactFactory(account=globex, name="Gena", email="gena@globex.example")
    survey(acme, vera, "csat", score=5, comment="Great reports")
    survey(acme, vera, "csat", score=2)
    survey(acme, vera, "nps", score=10)
    survey(acme, vera, "nps")
    survey(globex, gena, "csat", score=1, comment="Bob's client")
    client.force_login(alice)
    response = client.get(reverse("surveys:list"))

    assert response.status_code == 200
    page = text(response)
    assert "Great reports" in page and "Bob's client" not in page
    assert len(response.context["rows"]) == 4
    # CSAT: 1 of 2 answers is 4 or 5 → 50 %; NPS: one promoter of one answer → +100
    assert (response.context["csat"].numerator, response.context["csat"].denominator) == (1, 2)
    assert response.context["csat_percent"] == "50\u00a0%"
    assert response.context["nps_points"] == "+100"


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"kind": "nps"}, 2), ({"status": "answered"}, 2), ({"status": "open"}, 1), ({"status": "expired"}, 1)],
)
def test_the_list_filters(client, carol, acme, vera, query, expected):
    survey(acme, vera, "csat", score=5)
    survey(acme, vera, "nps", score=3)
    survey(acme, vera, "nps")
    survey(acme, vera, "csat", sent_at=timezone.now() - datetime.timedelta(days=30))
    client.force_login(carol)
    response = client.get(reverse("surveys:list"), query)
    assert len(response.context["rows"]) == expected


def test_the_list_filters_by_account_and_its_scores_follow(client, carol, acme, globex, vera):
    gena = ContactFactory(account=globex, email="gena@globex.example")
    survey(acme, vera, "csat", score=5)
    survey(globex, gena, "csat", score=1)
    client.force_login(carol)
    response = client.get(reverse("surveys:list"), {"account": globex.pk})
    assert [r["survey"].account_id for r in response.context["rows"]] == [globex.pk]
    assert (response.context["csat"].numerator, response.context["csat"].denominator) == (0, 1)
    assert reverse("surveys:send", args=[globex.pk]) in text(response)


def test_the_list_shows_the_thanks_and_complaints_of_the_period(client, alice, acme, globex):
    now = timezone.now()
    kw = {"organization": acme.organization, "kind": "call"}
    thanks = Interaction.objects.create(
        account=acme, occurred_at=now - datetime.timedelta(days=2), feedback="thanks", subject="Kudos", **kw
    )
    Interaction.objects.create(account=acme, occurred_at=now - datetime.timedelta(days=200), feedback="complaint", **kw)
    Interaction.objects.create(account=acme, occurred_at=now - datetime.timedelta(days=1), **kw)  # no feedback
    Interaction.objects.create(account=globex, occurred_at=now, feedback="complaint", **kw)  # bob's account
    client.force_login(alice)
    response = client.get(reverse("surveys:list"))
    assert [i.pk for i in response.context["feedback"]] == [thanks.pk]
    assert response.context["feedback_count"] == 1
    assert "Kudos" in text(response)
    # Not scored answers: no CSAT or NPS from them.
    assert response.context["csat"].denominator == 0


def test_an_htmx_filter_change_gets_only_the_results(client, carol, acme, vera):
    survey(acme, vera, "csat", score=5)
    client.force_login(carol)
    response = client.get(reverse("surveys:list"), {"kind": "csat"}, headers={"HX-Request": "true"})
    assert text(response).lstrip().startswith('<div id="survey-results"')


@pytest.mark.parametrize("person", ["sam", "sally", "clint"])
def test_specialists_sales_and_clients_never_see_surveys(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("surveys:list")).status_code == 403


def test_the_list_runs_the_same_number_of_queries_for_2_and_20_surveys(client, carol, org):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("surveys:list")).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            account = AccountFactory(organization=org)
            contact = ContactFactory(account=account, email="x@example.com")
            survey(account, contact, "csat", score=4)
            Interaction.objects.create(
                organization=org, account=account, kind="call", occurred_at=timezone.now(), feedback="thanks"
            )

    client.force_login(carol)
    add(2)
    few = queries()
    add(18)
    assert queries() == few


def test_the_account_page_links_to_send_a_survey(client, alice, sam, acme):
    client.force_login(alice)
    assert reverse("surveys:send", args=[acme.pk]) in text(client.get(reverse("accounts:detail", args=[acme.pk])))
    client.force_login(sam)
    assert reverse("surveys:send", args=[acme.pk]) not in text(client.get(reverse("accounts:detail", args=[acme.pk])))


def test_alice_sends_a_survey_from_the_form(client, alice, acme, vera):
    ContactFactory(account=acme, name="Pavel", email="")
    client.force_login(alice)
    form = client.get(reverse("surveys:send", args=[acme.pk]))
    assert "vera@acme.example" in text(form)
    assert [c.name for c in form.context["form"].unreachable] == ["Pavel"]

    response = client.post(
        reverse("surveys:send", args=[acme.pk]), {"kind": "nps", "contacts": [vera.pk], "expires_in_days": "7"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('surveys:list')}?account={acme.pk}"
    sent = Survey.objects.get()
    assert (sent.contact_id, sent.kind, sent.expires_at - sent.sent_at) == (vera.pk, "nps", datetime.timedelta(days=7))


def test_the_form_shows_the_services_refusal_on_the_contacts(client, alice, acme, vera):
    survey(acme, vera, "csat")  # one is waiting
    client.force_login(alice)
    response = client.post(
        reverse("surveys:send", args=[acme.pk]), {"kind": "csat", "contacts": [vera.pk], "expires_in_days": "14"}
    )
    assert response.status_code == 200
    assert "already has a survey of this kind waiting" in text(response)
    assert Survey.objects.count() == 1


def test_bob_gets_404_and_sam_403_on_sending_for_acme(client, bob, sam, acme):
    client.force_login(bob)
    assert client.get(reverse("surveys:send", args=[acme.pk])).status_code == 404
    client.force_login(sam)
    assert client.get(reverse("surveys:send", args=[acme.pk])).status_code == 403


def test_an_unknown_filter_leaves_the_scores_on_the_chosen_account_and_period(client, carol, acme, globex, vera):
    gena = ContactFactory(account=globex, email="gena@globex.example")
    survey(acme, vera, "csat", score=5)
    survey(globex, gena, "csat", score=1)
    client.force_login(carol)
    response = client.get(reverse("surveys:list"), {"account": globex.pk, "status": "bogus"})

    assert [r["survey"].account_id for r in response.context["rows"]] == [globex.pk]
    # Globex's one answer, a 1: 0 of 1 (not Acme's 5 as well).
    assert (response.context["csat"].numerator, response.context["csat"].denominator) == (0, 1)


def test_a_period_that_ends_before_it_starts_is_named_and_the_default_period_shown(client, carol, acme, vera):
    survey(acme, vera, "csat", score=5)
    client.force_login(carol)
    today = timezone.localdate()
    response = client.get(
        reverse("surveys:list"),
        {"sent_from": (today + datetime.timedelta(days=30)).isoformat(), "sent_to": today.isoformat()},
    )

    assert response.status_code == 200
    assert "“To” is before “From”" in text(response)
    period = response.context["period"]
    assert (period["start"], period["end"]) == (today - datetime.timedelta(days=89), today)
    assert len(response.context["rows"]) == 1
    assert response.context["csat"].denominator == 1
