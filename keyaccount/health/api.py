"""REST API of account health (walk-through: docs/api.md, "Account health"; definitions:
docs/metrics.md, "Account health").

- `GET /api/v1/accounts/{id}/health/`: the account's score, band, trend and every measure's value,
  weight, contribution and sentence, and what changed since 30 days before;
- `GET /api/v1/health-scores/`: the current score of every account the user sees (`?band=red&owner=`);
- `GET/PUT /api/v1/health-model/`: thresholds and measures (admins and heads change them);
- `GET/POST /api/v1/health-assessments/`: the account team's own assessments.

Health is seen by the roles that see money (admin, head, account manager, assistant, sales) on the
accounts they see; for specialists and clients an account's health answers 404 and lists are empty.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from keyaccount.accounts.models import Account
from keyaccount.core.api import ScopedPrimaryKeyRelatedField, ServiceModelSerializer, ServiceViewSetMixin
from keyaccount.health import selectors, services
from keyaccount.health.base import Band, MeasureKey
from keyaccount.health.filtersets import AssessmentFilterSet, HealthScoreFilterSet
from keyaccount.health.models import HealthScore, ManualAssessment
from keyaccount.tenancy.permissions import can, require

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from keyaccount.tenancy.actors import Actor, AuthenticatedRequest

TREND_CHOICES = ["up", "down", "same"]
TREND_HELP = _(
    "The score against the latest snapshot on or before 30 days earlier: up or down by more than 2 points, "
    "same within ±2; null when either is unknown."
)


# --- one account's health ------------------------------------------------------------------------------


class MeasureExplanationSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=MeasureKey.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # the API field "label"; not Field.label
    value = serializers.IntegerField(allow_null=True, help_text=_("0 (bad) to 100 (good); null when unknown."))
    weight = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        coerce_to_string=True,
        help_text=_("This measure's share of the score, 0–1, over the measures that count and are known."),
    )
    contribution = serializers.DecimalField(
        max_digits=7, decimal_places=4, coerce_to_string=True, help_text=_("value × weight, in score points.")
    )
    description = serializers.CharField(help_text=_("The measure in plain words."))


class AccountHealthSerializer(serializers.Serializer):
    account = serializers.IntegerField(source="account_id")
    score = serializers.IntegerField(allow_null=True, help_text=_("0–100; null when every measure is unknown."))
    band = serializers.ChoiceField(choices=Band.choices)
    trend = serializers.ChoiceField(choices=TREND_CHOICES, allow_null=True, help_text=TREND_HELP)
    computed_for = serializers.DateField(allow_null=True, help_text=_("The day the score was computed for."))
    compared_with = serializers.DateField(
        allow_null=True, help_text=_("The day of the snapshot the trend and the changes compare with.")
    )
    measures = MeasureExplanationSerializer(many=True)
    changes = serializers.ListField(
        child=serializers.CharField(), help_text=_("What changed since the snapshot 30 days before, in plain words.")
    )


def _health_account(actor: Actor, pk: int | str) -> Account:
    """A visible account whose health the actor may read, or 404."""
    account = Account.objects.filter(selectors.health_visible_q(actor, prefix=""), pk=pk).first()
    if account is None:
        raise Http404
    return account


class AccountHealthView(APIView):
    """An account's current health, explained."""

    @extend_schema(
        tags=["health"],
        summary="An account's health, explained",
        responses={200: AccountHealthSerializer, 404: OpenApiResponse(description="Not an account you see.")},
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        account = _health_account(request.user, pk)
        return Response(AccountHealthSerializer(selectors.explanation(account)).data)


# --- current scores ------------------------------------------------------------------------------------


class HealthScoreSerializer(serializers.ModelSerializer):
    account_name = serializers.CharField(source="account.name", read_only=True)
    owner = serializers.IntegerField(source="account.owner_id", read_only=True, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    computed_for = serializers.DateField(source="on", read_only=True)
    trend = serializers.SerializerMethodField(help_text=TREND_HELP)

    class Meta:
        model = HealthScore
        fields = ["id", "account", "account_name", "owner", "owner_name", "score", "band", "trend", "computed_for"]
        read_only_fields = fields

    def get_owner_name(self, row: HealthScore) -> str | None:
        owner = row.account.owner
        return owner.name if owner else None

    @extend_schema_field(serializers.ChoiceField(choices=TREND_CHOICES, allow_null=True))
    def get_trend(self, row: Any) -> str | None:
        return selectors.trend_of(row.score, getattr(row, "past_score", None))


class HealthScoreViewSet(ServiceViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The current health of the accounts the signed-in user sees, lowest score first (unknown last)."""

    serializer_class = HealthScoreSerializer
    filterset_class = HealthScoreFilterSet
    search_fields = ["account__name"]
    ordering_fields = ["score", "account__name", "on"]
    selector = selectors.scores_for


# --- assessments ---------------------------------------------------------------------------------------


def _assessable_accounts(actor: Actor) -> QuerySet[Account]:
    return Account.objects.filter(selectors.health_visible_q(actor, prefix=""))


class AssessmentSerializer(ServiceModelSerializer):
    """The account team's own reading of the account (0–100), with the reason; it counts until it expires."""

    account = ScopedPrimaryKeyRelatedField(model=Account, scope=_assessable_accounts)
    account_name = serializers.CharField(source="account.name", read_only=True)
    author_name = serializers.CharField(source="author.name", read_only=True, allow_null=True)

    class Meta:
        model = ManualAssessment
        fields = [
            "id",
            "account",
            "account_name",
            "value",
            "comment",
            "expires_on",
            "author",
            "author_name",
            "created_at",
        ]
        read_only_fields = ["author", "created_at"]


class AssessmentViewSet(
    ServiceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Manual assessments of the accounts the signed-in user sees, newest first. An assessment is never
    edited: record a new one, which replaces it in the score."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    ordering_fields = ["created_at", "expires_on", "value"]
    capabilities = {"create": "assess_health"}
    selector = selectors.assessments_visible_to
    services = {"create": services.record_assessment}


# --- the model -----------------------------------------------------------------------------------------


class ModelMeasureSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=MeasureKey.choices)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # the API field "label"; not Field.label
    weight = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    share = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        coerce_to_string=True,
        read_only=True,
        help_text=_("The weight over the weights of the measures that count (0–1), before unknown ones drop out."),
    )
    enabled = serializers.BooleanField(required=False, help_text=_("Whether the measure counts."))
    params = serializers.JSONField(required=False, help_text=_('The measure\'s settings, e.g. {"days": 30}.'))
    alert_below = serializers.IntegerField(
        min_value=0, max_value=100, allow_null=True, required=False, help_text=_("An alert is raised below this value.")
    )


class HealthModelSerializer(serializers.Serializer):
    red_below = serializers.IntegerField(min_value=0, max_value=100, help_text=_("A score below this is red."))
    green_from = serializers.IntegerField(min_value=0, max_value=100, help_text=_("A score from this on is green."))
    measures = ModelMeasureSerializer(many=True, required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Send back the version you read; a stale one is refused with 409."
    )


def model_data(organization_id: int) -> dict[str, Any]:
    model = services.model_for(organization_id)
    rows = services.measures_of(organization_id)
    total = sum(m.weight for m in rows if m.enabled)
    return {
        "red_below": model.red_below,
        "green_from": model.green_from,
        "version": model.version,
        "measures": [
            {
                "key": m.key,
                "label": selectors.label_of(m.key),
                "weight": m.weight,
                "share": (Decimal(m.weight) / total).quantize(Decimal("0.0001")) if total and m.enabled else Decimal(0),
                "enabled": m.enabled,
                "params": m.params,
                "alert_below": m.alert_below,
            }
            for m in rows
        ],
    }


class HealthModelView(APIView):
    """The organization's health model: band thresholds, and each measure's weight, switch, settings and
    alert level. Everyone who sees health reads it; admins and heads change it."""

    @extend_schema(tags=["health"], summary="The health model", responses=HealthModelSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        membership = require(request.user, "see_health")
        return Response(HealthModelSerializer(model_data(membership.organization_id)).data)

    @extend_schema(
        tags=["health"],
        summary="Change the health model",
        request=HealthModelSerializer,
        responses={
            200: HealthModelSerializer,
            400: OpenApiResponse(
                description="A field is wrong; its name is the key (e.g. measures.satisfaction.weight)."
            ),
            409: OpenApiResponse(description="Stale version."),
        },
    )
    def put(self, request: AuthenticatedRequest) -> Response:
        if not can(request.user, "manage_health_model"):
            raise DjangoPermissionDenied(_("Your role does not allow this."))
        payload = HealthModelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        measures = [
            {
                name: value
                for name, value in dict(item).items()
                if name in ("key", "weight", "enabled", "params", "alert_below")
            }
            for item in data.get("measures", [])
        ]
        model = services.update_model(
            actor=request.user,
            red_below=data["red_below"],
            green_from=data["green_from"],
            measures=measures,
            expected_version=data.get("version"),
        )
        return Response(HealthModelSerializer(model_data(model.organization_id)).data)


API_PATHS: list[Any] = [
    path("accounts/<int:pk>/health/", AccountHealthView.as_view(), name="api-account-health"),
    path("health-model/", HealthModelView.as_view(), name="api-health-model"),
]


def register(router: Any) -> None:
    """Put health's viewsets on the API router."""
    router.register("health-scores", HealthScoreViewSet, basename="health-score")
    router.register("health-assessments", AssessmentViewSet, basename="health-assessment")
