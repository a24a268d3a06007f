"""REST API of the surveys app: `register` puts its viewsets on the router; `API_PATHS` are its plain views.

`/api/v1/surveys/` lists and opens the surveys of the accounts the signed-in person looks after, and sends new
ones (`POST`: one survey and one email per contact). Answers come only through the client's public link,
never through this API, and the link's token is never shown here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.contacts.models import Contact
from keyaccount.contacts.selectors import contacts_visible_to
from keyaccount.core import clock
from keyaccount.core.api import ScopedPrimaryKeyRelatedField, ServiceViewSetMixin
from keyaccount.surveys import services
from keyaccount.surveys.filtersets import SurveyFilterSet
from keyaccount.surveys.models import Survey, SurveyKind, SurveyStatus
from keyaccount.surveys.selectors import SURVEY_CAPABILITY, surveys_visible_to

API_PATHS: list[Any] = []


class SurveySerializer(serializers.ModelSerializer):
    """A survey sent to a contact, and its answer once given (`score`, `comment`, `answered_at`)."""

    account_name = serializers.CharField(source="account.name", read_only=True)
    contact_name = serializers.CharField(source="contact.name", read_only=True)
    status = serializers.SerializerMethodField(
        help_text=_("`answered`, `open` (waiting, link still works) or `expired` (unanswered, link dead).")
    )
    score = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("CSAT 1–5 or NPS 0–10; null until answered.")
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "account",
            "account_name",
            "contact",
            "contact_name",
            "kind",
            "email",
            "status",
            "sent_at",
            "expires_at",
            "sent_by",
            "answered_at",
            "score",
            "comment",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=SurveyStatus.choices))
    def get_status(self, survey: Survey) -> str:
        now = self.context.setdefault("now", clock.now())
        return survey.status_at(now)


class SendSurveysSerializer(serializers.Serializer):
    """Send one question to some of an account's people."""

    account = ScopedPrimaryKeyRelatedField(model=Account, scope=accounts_visible_to)
    contacts = ScopedPrimaryKeyRelatedField(
        model=Contact,
        scope=contacts_visible_to,
        many=True,
        allow_empty=False,
        help_text=_("Contacts of the account (ids), each with an email and still at the company."),
    )
    kind = serializers.ChoiceField(choices=SurveyKind.choices)
    expires_in_days = serializers.IntegerField(
        min_value=1, max_value=services.MAX_EXPIRY_DAYS, default=14, help_text=_("How long the link works.")
    )


@extend_schema(tags=["surveys"])
@extend_schema_view(
    create=extend_schema(
        request=SendSurveysSerializer,
        responses={201: SurveySerializer(many=True)},
        description="Send a CSAT (1–5) or NPS (0–10) question to each contact: one survey and one email with "
        "a personal link each. Refused (400, naming `contacts`) when a contact is not of the account, has no "
        "email, has left, or already has a survey of this kind waiting; then nothing is sent.",
    ),
)
class SurveyViewSet(
    ServiceViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Surveys of the accounts the signed-in person looks after (admins, heads, account managers and
    assistants on the account's team), latest first. Specialists, sales and clients see none."""

    serializer_class = SurveySerializer
    filterset_class = SurveyFilterSet
    ordering_fields = ["sent_at", "answered_at", "score"]
    ordering = ["-sent_at", "-id"]
    capabilities = {"create": SURVEY_CAPABILITY}
    selector = surveys_visible_to

    def get_serializer_class(self):
        return SendSurveysSerializer if self.action == "create" else SurveySerializer

    # One request sends several surveys and answers with the list of them, not one record.
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        sent = services.send_surveys(actor=self.request.user, **payload.validated_data)
        fresh = self.get_queryset().filter(pk__in=[s.pk for s in sent]).order_by("pk")
        data = SurveySerializer(fresh, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


def register(router: Any) -> None:
    """Put the surveys viewset on the API router."""
    router.register("surveys", SurveyViewSet, basename="survey")
