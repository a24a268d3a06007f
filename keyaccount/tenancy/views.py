"""Pages of signing in, people and invitations, and personal preferences.

Views read through selectors and write through `tenancy.services`; they only translate between HTTP and those.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.core import clock
from keyaccount.tenancy import services
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.forms import (
    EmailAuthenticationForm,
    InvitationAcceptForm,
    InvitationForm,
    NewPasswordForm,
    PreferencesForm,
    RoleChangeForm,
    add_service_errors,
)
from keyaccount.tenancy.models import Invitation, Role
from keyaccount.tenancy.permissions import require
from keyaccount.tenancy.selectors import (
    client_accounts_for,
    invitation_by_token,
    invitations_visible_to,
    users_visible_to,
)

# Accepting an invitation signs the new member in; the throttling backend only guards the sign-in form.
_SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "password_rules": password_validators_help_texts()}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


# --- people and invitations -------------------------------------------------------------------------------


def _people_page(
    request: HttpRequest,
    *,
    invite_form: InvitationForm | None = None,
    failed_role_form: tuple[int, RoleChangeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    members = users_visible_to(actor).select_related("membership__client_account").order_by("name", "email")
    rows: list[dict[str, Any]] = []
    for person in members:
        membership = person.membership
        form: RoleChangeForm | None = None
        if membership.role != Role.CLIENT and person.pk != actor.pk:
            if failed_role_form and failed_role_form[0] == membership.pk:
                form = failed_role_form[1]
            else:
                form = RoleChangeForm(initial={"role": membership.role}, prefix=f"m{membership.pk}")
        rows.append({"person": person, "membership": membership, "form": form})
    open_invitations = invitations_visible_to(actor).filter(accepted_at__isnull=True, expires_at__gt=clock.now())
    context = {
        "rows": rows,
        "invitations": open_invitations,
        "invite_form": invite_form or InvitationForm(accounts=client_accounts_for(actor)),
    }
    return render(request, "tenancy/people.html", context, status=status)


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organization's members and open invitations; administrators invite people here."""
    actor = request.user
    require(actor, "invite")
    if request.method != "POST":
        return _people_page(request)
    form = InvitationForm(request.POST, accounts=client_accounts_for(actor))
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=actor,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                client_account=form.cleaned_data["client_account"],
                accept_url=lambda inv: request.build_absolute_uri(reverse("invitation-accept", args=[inv.token])),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("people")
    return _people_page(request, invite_form=form, status=400)


@login_required
@require_POST
def people_change_role(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """An administrator gives a colleague another role."""
    actor = request.user
    require(actor, "invite")
    person = users_visible_to(actor).filter(membership__pk=membership_id).first()
    if person is None:
        raise Http404
    membership = person.membership
    form = RoleChangeForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        try:
            services.membership_change_role(actor=actor, membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s is now: %(role)s.") % {"person": person, "role": membership.get_role_display()},
            )
            return redirect("people")
    return _people_page(request, failed_role_form=(membership.pk, form), status=400)


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An administrator withdraws an invitation that was not accepted; its link stops working."""
    actor = request.user
    require(actor, "invite")
    invitation = invitations_visible_to(actor).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    try:
        services.invitation_revoke(actor=actor, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("people")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person chooses a name and password, becomes a member and is signed in."""
    invitation = invitation_by_token(token)
    problem, status = _invitation_problem(invitation)
    if problem:
        return render(request, "tenancy/invitation_invalid.html", {"problem": problem}, status=status)
    assert invitation is not None
    form = InvitationAcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, password=form.cleaned_data["password1"], name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"password": "password1"})
        else:
            login(request, user, backend=_SESSION_BACKEND)
            messages.success(
                request, _("Welcome to %(organization)s.") % {"organization": invitation.organization.name}
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "invitation": invitation, "password_rules": password_validators_help_texts()}
    return render(request, "tenancy/invitation_accept.html", context, status=status)


def _invitation_problem(invitation: Invitation | None) -> tuple[str, int]:
    """Why an invitation link cannot be used (and the HTTP status to answer with), or ("", 200)."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied the whole link from the email."), 404
    if invitation.accepted_at is not None:
        return _("This invitation has already been used. Sign in with your email and password."), 410
    if not invitation.is_open:
        return _("This invitation has expired. Ask your administrator to invite you again."), 410
    return "", 200


# --- preferences ----------------------------------------------------------------------------------------------


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A person's own name, time zone and language."""
    user = request.user
    initial = {"name": user.name, "timezone": user.timezone, "language": user.language}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_preferences(
                actor=user,
                name=form.cleaned_data["name"],
                timezone_name=form.cleaned_data["timezone"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            language = form.cleaned_data["language"]
            translation.activate(language)
            messages.success(request, _("Your preferences are saved."))
            response = redirect("preferences")
            _set_language_cookie(response, language)
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "tenancy/preferences.html", {"form": form}, status=status)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    """The same cookie Django's language switch sets, so the choice holds before and after sign-in."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
