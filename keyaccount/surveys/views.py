"""Pages of the surveys app: the list of sent surveys with the period's CSAT, NPS and the thanks and complaints
logged with interactions; sending a survey from an account; and the client's public answer page (no sign-in)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from keyaccount.accounts.selectors import account_get_for, accounts_editable_by, accounts_visible_to
from keyaccount.core import clock
from keyaccount.core.web import add_service_errors, run_service, vary_on_htmx, wants_partial
from keyaccount.surveys import services
from keyaccount.surveys.filtersets import SurveyFilterSet, day_start
from keyaccount.surveys.forms import AnswerForm, SendSurveyForm
from keyaccount.surveys.models import Survey, SurveyKind
from keyaccount.surveys.selectors import (
    SURVEY_CAPABILITY,
    Score,
    answers_between,
    csat_of,
    feedback_from_interactions,
    may_see_surveys,
    nps_of,
    survey_by_token,
    surveys_visible_to,
)
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

PAGE_SIZE = 50
FEEDBACK_ROWS = 50
DEFAULT_PERIOD_DAYS = 90


def _percent(score: Score) -> str:
    """A ratio as a whole percentage ("80 %"), or an em dash when there were no answers."""
    if score.value is None:
        return "—"
    return f"{round(score.value * 100):d}\u00a0%"


def _summary(actor: User, account: Any, first: datetime.date, last: datetime.date) -> dict[str, Any]:
    """The period's CSAT and NPS as the KPIs compute them (the organization's days, both included), on the
    same accounts as the list."""
    accounts = accounts_visible_to(actor).select_related(None).prefetch_related(None)
    if account is not None:
        accounts = accounts.filter(pk=account.pk)
    zone = clock.zone_for(actor)
    start, end = clock.start_of_day(first, zone), clock.start_of_day(last + datetime.timedelta(days=1), zone)
    ids = accounts.values("pk")
    csat = csat_of(answers_between(ids, SurveyKind.CSAT, start, end))
    nps = nps_of(answers_between(ids, SurveyKind.NPS, start, end))
    feedback = feedback_from_interactions(actor, start, end)
    if account is not None:
        feedback = feedback.filter(account_id=account.pk)
    return {
        "csat": csat,
        "csat_percent": _percent(csat),
        "nps": nps,
        "nps_points": "—" if nps.value is None else f"{round(nps.value * 100):+d}",
        "feedback": list(feedback[:FEEDBACK_ROWS]),
        "feedback_count": feedback.count(),
    }


@member_required
def survey_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Surveys sent in the period (the last 90 days unless chosen) with their answers; the period's CSAT,
    NPS and response counts; and the thanks and complaints logged with interactions. A filter change (htmx)
    gets the results only."""
    actor = request.user
    if not may_see_surveys(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    today = clock.today_for(request.user)
    data = request.GET.copy()
    if not data.get("sent_from"):
        data["sent_from"] = (today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1)).isoformat()
    if not data.get("sent_to"):
        data["sent_to"] = today.isoformat()
    filterset = SurveyFilterSet(data, queryset=surveys_visible_to(actor), request=request)
    filterset.is_valid()  # a filter not understood is left out; the others (account, period) still apply
    cleaned = filterset.form.cleaned_data
    start = cleaned.get("sent_from") or today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    end = cleaned.get("sent_to") or today
    # The list and the scores above it cover the same days, also when a day given was refused.
    surveys = filterset.qs.filter(
        sent_at__gte=day_start(start), sent_at__lt=day_start(end + datetime.timedelta(days=1))
    )
    surveys = surveys.order_by("-sent_at", "-pk")
    page = Paginator(surveys, PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "rows": [{"survey": s, "status": s.status_at(now)} for s in page.object_list],
        "period": {"start": start, "end": end},
        **_summary(actor, cleaned.get("account"), start, end),
    }
    if wants_partial(request):
        return vary_on_htmx(render(request, "surveys/_results.html", context))
    filterset.form.fields["account"].empty_label = _("Any account")
    return vary_on_htmx(render(request, "surveys/list.html", context))


@member_required
def survey_send(request: AuthenticatedHttpRequest, account_pk: int) -> HttpResponse:
    """Send a CSAT or NPS question to some of the account's people; each gets their own link by email."""
    actor = request.user
    account = account_get_for(actor, account_pk)
    if not accounts_editable_by(actor, SURVEY_CAPABILITY).filter(pk=account.pk).exists():
        raise PermissionDenied(_("You cannot send surveys for this account."))
    form = SendSurveyForm(request.POST or None, actor=actor, account=account)
    if request.method == "POST" and form.is_valid():
        sent, _status = run_service(form, services.send_surveys, actor=actor, account=account, **form.cleaned_data)
        if sent is not None:
            messages.success(
                request,
                ngettext(
                    "The survey was sent to %(count)d person.", "The survey was sent to %(count)d people.", len(sent)
                )
                % {"count": len(sent)},
            )
            return redirect(f"{reverse('surveys:list')}?account={account.pk}")
    return render(request, "surveys/send.html", {"form": form, "account": account})


# --- the client's public page ---------------------------------------------------------------------------------


def _closed(reason: str) -> tuple[str, int]:
    """What a link that cannot take an answer tells the visitor, and the HTTP status."""
    if reason == "answered":
        return _("This survey has already been answered. Thank you for your time!"), 410
    if reason == "expired":
        return _("This survey link has expired. Thank you all the same: you can always reply to our email."), 410
    return _("This survey link is not valid. Check that you opened the whole link from the email."), 404


def _public(response: HttpResponse) -> HttpResponse:
    """The link is a secret: keep it out of search engines and out of other sites' referrer logs."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _closed_page(request: HttpRequest, reason: str) -> HttpResponse:
    message, status = _closed(reason)
    return _public(render(request, "surveys/answer_closed.html", {"message": message}, status=status))


def _speak_the_emails_language(request: HttpRequest, survey: Survey) -> None:
    """The page speaks the language the email was written in (the sender's), unless this browser chose one
    with the language switch."""
    language = getattr(survey.sent_by, "language", None)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language


@never_cache
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The question with its score buttons and a comment box. Anyone holding the link may answer once, before
    it expires; a used, expired or forged link gets a friendly page (410 or 404) and nothing is stored."""
    survey: Survey | None = survey_by_token(token)
    if survey is None:
        return _closed_page(request, "unknown")
    _speak_the_emails_language(request, survey)
    status = survey.status_at(clock.now())
    if status != "open":
        return _closed_page(request, status)
    form = AnswerForm(request.POST or None, kind=survey.kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer(token=token, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
        except services.SurveyClosed as closed:
            return _closed_page(request, closed.reason)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            context: dict[str, Any] = {"survey": survey, "organization": survey.organization}
            return _public(render(request, "surveys/answer_thanks.html", context))
    context = {"survey": survey, "organization": survey.organization, "form": form}
    return _public(render(request, "surveys/answer.html", context, status=400 if request.method == "POST" else 200))
