"""Signing in and out, password reset, people and invitations, preferences and language — through the pages."""

from __future__ import annotations

import ast
import datetime
import gettext
import re
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from keyaccount.core.tests.factories import PASSWORD, member
from keyaccount.tenancy.models import Invitation, Membership, Role, User

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def signed_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def link_in(message) -> str:
    """The path of the first http(s) link in an email body."""
    url = re.search(r"https?://\S+", message.body)
    assert url, message.body
    return re.sub(r"^https?://[^/]+", "", url.group(0))


def make_invitation(org, by, **fields) -> Invitation:
    defaults = {
        "email": "newbie@example.com",
        "name": "Newbie",
        "role": Role.SPECIALIST,
        "expires_at": timezone.now() + datetime.timedelta(days=7),
    }
    return Invitation.objects.create(organization=org, invited_by=by, **{**defaults, **fields})


# --- the root address --------------------------------------------------------------------------------------------


def test_the_root_sends_visitors_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("login")


def test_the_root_shows_signed_in_people_their_day(client, alice):
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200
    assert "day/day.html" in [t.name for t in response.templates]


# --- signing in and out ------------------------------------------------------------------------------------------


def test_the_sign_in_page_asks_for_email_and_password(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'type="email"' in response.text
    assert "Email" in response.text
    assert 'type="password"' in response.text


def test_it_signs_in_with_email_and_password(client, alice):
    response = client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) == alice.pk


def test_it_signs_in_whatever_the_case_of_the_email(client, alice):
    client.post(reverse("login"), {"username": "  " + alice.email.upper(), "password": PASSWORD})
    assert signed_in_user_id(client) == alice.pk


def test_it_follows_next_after_signing_in(client, alice):
    response = client.post(reverse("login"), {"username": alice.email, "password": PASSWORD, "next": "/me/"})
    assert response.url == "/me/"


def test_it_ignores_a_next_to_another_site(client, alice):
    response = client.post(
        reverse("login"), {"username": alice.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_a_wrong_password_shows_an_error(client, alice):
    response = client.post(reverse("login"), {"username": alice.email, "password": "not it"})
    assert response.status_code == 200
    assert "The email or password is not right" in response.text
    assert signed_in_user_id(client) is None


def test_a_switched_off_person_cannot_sign_in(client, alice):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    assert signed_in_user_id(client) is None


def test_it_locks_sign_in_after_five_failures(client, alice, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    for _attempt in range(4):
        response = client.post(reverse("login"), {"username": alice.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": alice.email, "password": "wrong"})
    assert response.status_code == 429

    # Even the right password is refused while the pause lasts.
    response = client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert "Try again in 15 minutes" in response.text
    assert reverse("password_reset") in response.text
    assert signed_in_user_id(client) is None


def test_changing_the_case_of_the_email_does_not_dodge_the_lockout(client, alice, settings):
    settings.AXES_ENABLED = True
    for attempt in range(5):
        email = alice.email.upper() if attempt % 2 else alice.email
        client.post(reverse("login"), {"username": email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": alice.email.title(), "password": PASSWORD})
    assert response.status_code == 429


def test_a_lockout_of_one_email_leaves_colleagues_free(client, alice, bob, settings):
    settings.AXES_ENABLED = True
    for _attempt in range(5):
        client.post(reverse("login"), {"username": alice.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": bob.email, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user_id(client) == bob.pk


def test_a_successful_sign_in_resets_the_failure_count(client, alice, settings):
    settings.AXES_ENABLED = True
    for _attempt in range(4):
        client.post(reverse("login"), {"username": alice.email, "password": "wrong"})
    client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    client.post(reverse("logout"))
    for _attempt in range(4):
        response = client.post(reverse("login"), {"username": alice.email, "password": "wrong"})
        assert response.status_code == 200


def test_it_signs_out_with_post(client, alice):
    client.force_login(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert signed_in_user_id(client) is None


def test_sign_out_by_a_plain_link_is_refused(client, alice):
    client.force_login(alice)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_user_id(client) == alice.pk


# --- password reset -------------------------------------------------------------------------------------------


def test_password_reset_sends_an_email_with_a_working_link(client, alice):
    response = client.post(reverse("password_reset"), {"email": alice.email.upper()})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]

    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert response.status_code == 200
    assert "Choose a new password" in response.text
    set_password_url = response.redirect_chain[-1][0]
    new_password = "a fresh long passphrase 42"
    response = client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")

    response = client.post(reverse("login"), {"username": alice.email, "password": new_password})
    assert signed_in_user_id(client) == alice.pk


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_used_password_reset_link_is_refused(client, alice):
    client.post(reverse("password_reset"), {"email": alice.email})
    response = client.get(link_in(mail.outbox[0]), follow=True)
    set_password_url = response.redirect_chain[-1][0]
    client.post(
        set_password_url, {"new_password1": "first new passphrase 1", "new_password2": "first new passphrase 1"}
    )

    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert "already been used or has expired" in response.text


# --- people and invitations -----------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["alice", "carol", "ann", "sam", "sally", "clint"])
def test_non_admins_get_403_on_people(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("people")).status_code == 403
    assert client.post(reverse("people"), {"email": "x@example.com", "role": Role.HEAD}).status_code == 403
    assert not Invitation.objects.exists()


def test_people_asks_visitors_to_sign_in(client, db):
    response = client.get(reverse("people"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_admin_sees_members_and_open_invitations_of_their_organization_only(client, dave, alice, mallory, org):
    make_invitation(org, dave, email="open@example.com")
    make_invitation(org, dave, email="expired@example.com", expires_at=timezone.now() - datetime.timedelta(hours=1))
    make_invitation(org, dave, email="used@example.com", accepted_at=timezone.now())
    client.force_login(dave)
    response = client.get(reverse("people"))
    assert response.status_code == 200
    text = response.text
    assert alice.email in text and "Account manager" in text
    assert dave.email in text
    assert mallory.email not in text
    assert "open@example.com" in text
    assert "expired@example.com" not in text
    assert "used@example.com" not in text


def test_the_people_page_runs_a_constant_number_of_queries(client, dave, org, acme, django_assert_max_num_queries):
    client.force_login(dave)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("people"))
    for n in range(8):
        member(org, Role.SPECIALIST, f"spec{n}")
        make_invitation(org, dave, email=f"inv{n}@example.com")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("people")).status_code == 200


def test_the_invite_form_offers_only_accounts_of_the_organization(client, dave, acme, initech):
    client.force_login(dave)
    text = client.get(reverse("people")).text
    assert "Acme" in text
    assert "Initech" not in text


def test_admin_invites_and_the_invited_person_joins_with_the_role(
    client, dave, org, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    client.force_login(dave)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("people"), {"email": "Nina@Example.com", "name": "Nina", "role": Role.SPECIALIST}
        )
    assert response.status_code == 302
    assert mail.outbox == []  # nothing leaves before the invitation is committed
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["nina@example.com"]
    assert "Demo Agency" in email.subject
    invitation = Invitation.objects.get()
    assert invitation.token in email.body

    client.post(reverse("logout"))
    accept_path = link_in(email)
    assert accept_path == reverse("invitation-accept", args=[invitation.token])
    response = client.get(accept_path)
    assert response.status_code == 200
    assert "Demo Agency" in response.text
    password = "nina's long passphrase 7"
    response = client.post(accept_path, {"name": "Nina Petrova", "password1": password, "password2": password})
    assert response.status_code == 302
    assert response.url == reverse("home")

    nina = User.objects.get(email="nina@example.com")
    assert nina.name == "Nina Petrova"
    assert nina.check_password(password)
    assert nina.membership.organization == org
    assert nina.membership.role == Role.SPECIALIST
    assert signed_in_user_id(client) == nina.pk
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_admin_invites_a_client_representative_to_their_account(
    client, dave, acme, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    client.force_login(dave)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people"), {"email": "cfo@acme.example", "role": Role.CLIENT, "client_account": acme.pk})
    invitation = Invitation.objects.get()
    assert invitation.client_account == acme
    client.post(reverse("logout"))
    password = "client long passphrase 9"
    client.post(
        reverse("invitation-accept", args=[invitation.token]),
        {"name": "Cfo", "password1": password, "password2": password},
    )
    membership = Membership.objects.get(user__email="cfo@acme.example")
    assert membership.role == Role.CLIENT
    assert membership.client_account == acme


def test_inviting_a_client_needs_their_account(client, dave):
    client.force_login(dave)
    response = client.post(reverse("people"), {"email": "c@example.com", "role": Role.CLIENT})
    assert response.status_code == 400
    assert "Choose the account of this client representative." in response.text
    assert not Invitation.objects.exists()


def test_an_account_of_another_organization_is_refused_in_an_invitation(client, dave, initech):
    client.force_login(dave)
    response = client.post(
        reverse("people"), {"email": "c@example.com", "role": Role.CLIENT, "client_account": initech.pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not Invitation.objects.exists()


def test_inviting_someone_who_already_has_an_account_shows_an_error_on_the_email(client, dave, alice):
    client.force_login(dave)
    response = client.post(reverse("people"), {"email": alice.email, "role": Role.HEAD})
    assert response.status_code == 400
    assert "A user with this email already exists." in response.text
    assert not Invitation.objects.exists()


def test_an_invalid_email_is_refused(client, dave):
    client.force_login(dave)
    response = client.post(reverse("people"), {"email": "not-an-email", "role": Role.HEAD})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert not Invitation.objects.exists()


def test_an_expired_invitation_is_refused(client, dave, org):
    invitation = make_invitation(org, dave, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    url = reverse("invitation-accept", args=[invitation.token])
    response = client.get(url)
    assert response.status_code == 410
    assert "This invitation has expired" in response.text
    response = client.post(url, {"name": "X", "password1": "long passphrase 123", "password2": "long passphrase 123"})
    assert response.status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


def test_a_used_invitation_is_refused(client, dave, org):
    invitation = make_invitation(org, dave, accepted_at=timezone.now())
    response = client.get(reverse("invitation-accept", args=[invitation.token]))
    assert response.status_code == 410
    assert "already been used" in response.text


def test_an_unknown_invitation_link_says_so(client, db):
    response = client.get(reverse("invitation-accept", args=["no-such-token"]))
    assert response.status_code == 404
    assert "not valid" in response.text


def test_accepting_with_two_different_passwords_saves_nothing(client, dave, org):
    invitation = make_invitation(org, dave)
    response = client.post(
        reverse("invitation-accept", args=[invitation.token]),
        {"name": "N", "password1": "long passphrase 123", "password2": "long passphrase 124"},
    )
    assert response.status_code == 400
    assert "The two passwords differ" in response.text
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accepting_with_a_weak_password_shows_why_and_saves_nothing(client, dave, org):
    invitation = make_invitation(org, dave)
    response = client.post(
        reverse("invitation-accept", args=[invitation.token]), {"name": "N", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 400
    assert "This password is too short" in response.text
    assert not User.objects.filter(email=invitation.email).exists()


def test_admin_changes_a_colleagues_role(client, dave, alice):
    client.force_login(dave)
    membership = alice.membership
    response = client.post(reverse("people-role", args=[membership.pk]), {f"m{membership.pk}-role": Role.HEAD})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.HEAD


def test_an_invalid_role_is_shown_on_the_form(client, dave, alice):
    client.force_login(dave)
    membership = alice.membership
    response = client.post(reverse("people-role", args=[membership.pk]), {f"m{membership.pk}-role": "pope"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    membership.refresh_from_db()
    assert membership.role == Role.ACCOUNT_MANAGER


def test_a_member_of_another_organization_answers_404_on_role_change(client, dave, mallory):
    client.force_login(dave)
    membership = mallory.membership
    response = client.post(reverse("people-role", args=[membership.pk]), {f"m{membership.pk}-role": Role.HEAD})
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.role == Role.ACCOUNT_MANAGER


def test_a_non_admin_cannot_change_roles(client, carol, alice):
    client.force_login(carol)
    membership = alice.membership
    response = client.post(reverse("people-role", args=[membership.pk]), {f"m{membership.pk}-role": Role.HEAD})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.ACCOUNT_MANAGER


# --- preferences, time zone and language -------------------------------------------------------------------------


def test_preferences_save_the_time_zone_and_times_then_render_in_that_zone(client, dave, org):
    expires = datetime.datetime(2031, 1, 15, 12, 0, tzinfo=datetime.UTC)
    make_invitation(org, dave, expires_at=expires)
    client.force_login(dave)
    response = client.post(
        reverse("preferences"), {"name": "Dave Admin", "timezone": "Asia/Vladivostok", "language": "en"}
    )
    assert response.status_code == 302
    dave.refresh_from_db()
    assert dave.timezone == "Asia/Vladivostok"
    assert dave.name == "Dave Admin"

    text = client.get(reverse("people")).text
    with translation.override("en"):
        local = date_format(expires.astimezone(zoneinfo.ZoneInfo("Asia/Vladivostok")), "DATETIME_FORMAT")
        moscow = date_format(expires.astimezone(zoneinfo.ZoneInfo("Europe/Moscow")), "DATETIME_FORMAT")
    assert local in text
    assert moscow not in text
    assert 'datetime="2031-01-15T22:00:00+10:00"' in text


def test_an_unknown_time_zone_is_refused_on_the_field(client, alice):
    client.force_login(alice)
    response = client.post(reverse("preferences"), {"name": "A", "timezone": "Mars/Olympus", "language": "en"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    alice.refresh_from_db()
    assert alice.timezone == django_settings.TIME_ZONE


def test_saving_preferences_switches_the_language(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("preferences"), {"name": "Alice", "timezone": "Europe/Moscow", "language": "ru"}, follow=True
    )
    alice.refresh_from_db()
    assert alice.language == "ru"
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert '<html lang="ru">' in response.text
    assert "Настройки" in response.text


def test_a_signed_in_persons_saved_language_applies_without_a_cookie(client, alice):
    User.objects.filter(pk=alice.pk).update(language="ru")
    client.force_login(alice)
    response = client.get(reverse("preferences"))
    assert '<html lang="ru">' in response.text


def test_the_language_switch_of_this_browser_beats_the_saved_language(client, alice):
    User.objects.filter(pk=alice.pk).update(language="ru")
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "en", "next": "/me/"})
    response = client.get(reverse("preferences"))
    assert '<html lang="en">' in response.text


def test_the_sign_in_page_speaks_russian(client, db):
    client.post(reverse("set_language"), {"language": "ru", "next": "/login/"})
    response = client.get(reverse("login"))
    assert '<html lang="ru">' in response.text
    assert "Войти" in response.text
    assert "Эл. почта" in response.text or "Электронная почта" in response.text


# --- the Russian catalogue -----------------------------------------------------------------------------------------

CATALOGUE = Path(django_settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES" / "django.po"


def _po_entries(text: str) -> list[dict[str, Any]]:
    """Entries of a .po file (obsolete ones left out): flags, msgctxt, msgid, msgid_plural and msgstr values."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip() and not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        flags = ""
        current = ""
        strings: dict[str, str] = {}
        for line in lines:
            if line.startswith("#,"):
                flags = line
            elif line.startswith("#"):
                continue
            elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line):
                current = match.group(1)
                strings[current] = ast.literal_eval(match.group(2))
            elif current and line.startswith('"'):
                strings[current] += ast.literal_eval(line.strip())
        entries.append(
            {
                "flags": flags,
                "msgctxt": strings.get("msgctxt"),
                "msgid": strings.get("msgid", ""),
                "msgid_plural": strings.get("msgid_plural"),
                "msgstr": [v for k, v in sorted(strings.items()) if k.startswith("msgstr")],
            }
        )
    return entries


def _catalogue() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    entries = _po_entries(CATALOGUE.read_text(encoding="utf-8"))
    header = next(e for e in entries if not e["msgid"])
    return header, [e for e in entries if e["msgid"]]


def test_the_russian_catalogue_has_no_untranslated_or_fuzzy_entries():
    header, entries = _catalogue()
    assert "fuzzy" not in header["flags"]
    nplurals = int(re.search(r"nplurals=(\d+)", header["msgstr"][0]).group(1))
    assert len(entries) > 100
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    short_plurals = [e["msgid"] for e in entries if e["msgid_plural"] and len(e["msgstr"]) != nplurals]
    assert fuzzy == []
    assert untranslated == []
    assert short_plurals == []


def test_the_compiled_russian_catalogue_matches_its_source():
    _header, entries = _catalogue()
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    stale = []
    for e in entries:
        if e["msgid_plural"]:
            for n, expected in ((1, e["msgstr"][0]), (3, e["msgstr"][1]), (5, e["msgstr"][2])):
                if mo.ngettext(e["msgid"], e["msgid_plural"], n) != expected:
                    stale.append(e["msgid"])
        elif e["msgctxt"] is not None:
            if mo.pgettext(e["msgctxt"], e["msgid"]) != e["msgstr"][0]:
                stale.append(e["msgid"])
        elif mo.gettext(e["msgid"]) != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert stale == [], "run compilemessages"


def test_the_people_page_withdraws_an_invitation(client, dave, alice):
    import datetime

    from django.utils import timezone

    from keyaccount.tenancy.models import Invitation

    invitation = Invitation.objects.create(
        organization_id=dave.membership.organization_id,
        email="nina@example.com",
        role="specialist",
        invited_by=dave,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    client.force_login(alice)
    assert client.post(reverse("invitation-revoke", args=[invitation.pk])).status_code == 403
    client.force_login(dave)
    assert "Withdraw" in client.get(reverse("people")).content.decode()
    response = client.post(reverse("invitation-revoke", args=[invitation.pk]))
    assert response.status_code == 302
    assert not Invitation.objects.exists()
