"""REST API of accounts and what hangs off them: team, client context, handover, checklist, history.

Serializers validate and render; every write goes to `keyaccount.accounts.services` with the
signed-in user as the actor, and every queryset comes from `keyaccount.accounts.selectors`.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from keyaccount.accounts import services
from keyaccount.accounts.filtersets import AccountFilterSet
from keyaccount.accounts.models import (
    Account,
    AccountStatus,
    AccountStatusChange,
    AccountTeamMember,
    BusinessGoalRevision,
    ChurnReason,
    DrivingForce,
    ForceKind,
    HandoverBrief,
    Impact,
    OnboardingItem,
    Tag,
    TeamRole,
)
from keyaccount.accounts.selectors import (
    accounts_visible_to,
    audit_events_visible_to,
    driving_forces_visible_to,
    goal_revisions_visible_to,
    handovers_visible_to,
    onboarding_items_visible_to,
    status_changes_visible_to,
    tags_of,
    team_members_visible_to,
)
from keyaccount.core.api import (
    IdFilter,
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
    VersionedSerializerMixin,
    actor_of,
)
from keyaccount.core.models import AuditAction, AuditEvent
from keyaccount.tenancy.models import User
from keyaccount.tenancy.selectors import owner_candidates, team_candidates

ACCOUNT_SCOPE = {"model": Account, "scope": accounts_visible_to}
CONFLICT = OpenApiResponse(description="Someone else saved the record first (stale `version`); nothing changed.")


# --- accounts ---------------------------------------------------------------------------------------


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class TagNamesField(serializers.Field):
    """Tags as a list of names. Input takes names (any case) or ids of the organization's existing tags."""

    default_error_messages = {
        "not_a_list": _("Send a list of tag names."),
        "unknown": _("Unknown tags: %(tags)s. Use existing tags (GET /api/v1/tags/)."),
    }

    def to_representation(self, value: Any) -> list[str]:
        return [tag.name for tag in value.all()]

    def to_internal_value(self, data: Any) -> list[Tag]:
        if not isinstance(data, list) or not all(
            isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)) for item in data
        ):
            self.fail("not_a_list")
        ids = {item for item in data if isinstance(item, int)}
        names = {item.strip().lower() for item in data if isinstance(item, str) and item.strip()}
        found = list(
            tags_of(actor_of(self)).annotate(lower_name=Lower("name")).filter(Q(pk__in=ids) | Q(lower_name__in=names))
        )
        unknown_ids = ids - {tag.pk for tag in found}
        unknown_names = names - {tag.lower_name for tag in found}  # type: ignore[attr-defined]
        if unknown_ids or unknown_names:
            missing = ", ".join(sorted(unknown_names) + [str(i) for i in sorted(unknown_ids)])
            raise serializers.ValidationError(self.error_messages["unknown"] % {"tags": missing})
        return found


class AccountSerializer(VersionedSerializerMixin, ServiceModelSerializer):
    """A client account. `status` and `owner` are set on creation; later they change through
    `POST /api/v1/accounts/{id}/status/` and `POST /api/v1/accounts/{id}/owner/`."""

    parent = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE, allow_null=True, required=False)
    owner = ScopedPrimaryKeyRelatedField(
        model=User,
        scope=owner_candidates,
        allow_null=True,
        required=False,
        help_text=_("The owning account manager. An account manager who creates an account owns it."),
    )
    status = serializers.ChoiceField(
        choices=AccountStatus.choices,
        required=False,
        help_text=_("A new account starts as onboarding (default) or active."),
    )
    tags = TagNamesField(required=False, help_text=_("Names of existing tags of the organization."))

    create_only_fields = {
        "status": _("Change the status with POST /api/v1/accounts/{id}/status/."),
        "owner": _("Change the owner with POST /api/v1/accounts/{id}/owner/."),
    }

    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "legal_name",
            "kind",
            "industry",
            "size",
            "website",
            "locations",
            "parent",
            "currency",
            "status",
            "churn_reason",
            "tier",
            "owner",
            "tags",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["churn_reason", "created_at", "updated_at"]


class AccountStatusInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=AccountStatus.choices, help_text=_("The new lifecycle status."))
    churn_reason = serializers.ChoiceField(
        choices=ChurnReason.choices, required=False, allow_blank=True, help_text=_("Required when churning.")
    )
    comment = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text=_("The version you read."))


class AccountOwnerInputSerializer(serializers.Serializer):
    owner = ScopedPrimaryKeyRelatedField(model=User, scope=owner_candidates, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text=_("The version you read."))


@extend_schema(tags=["accounts"])
class AccountViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Client accounts the signed-in user sees: a head sees the organization, an account manager their team's."""

    serializer_class = AccountSerializer
    filterset_class = AccountFilterSet
    search_fields = ["name", "legal_name", "industry"]
    ordering_fields = ["name", "status", "tier", "updated_at", "created_at"]
    ordering = ["name"]
    capabilities = {
        "create": "create_account",
        "update": "edit_account",
        "destroy": "delete_account",
        "change_status": "edit_account",
        "assign_owner": "assign_owner",
    }

    def get_queryset(self):
        return accounts_visible_to(self.request.user)

    def perform_create(self, serializer: AccountSerializer) -> None:
        data, _version = self.split_version(serializer)
        self.written(serializer, services.account_create(actor=self.request.user, **data))

    def perform_update(self, serializer: AccountSerializer) -> None:
        data, version = self.split_version(serializer)
        account = services.account_update(
            actor=self.request.user, account=serializer.instance, data=data, expected_version=version
        )
        self.written(serializer, account)

    def perform_destroy(self, instance: Account) -> None:
        services.account_delete(actor=self.request.user, account=instance)

    @extend_schema(
        request=AccountStatusInputSerializer,
        responses={200: AccountSerializer, 409: CONFLICT},
        summary="Move the account through its lifecycle",
        description="A 400 on `to` lists the moves allowed from the current status; churning needs a reason.",
    )
    @action(detail=True, methods=["post"], url_path="status", serializer_class=AccountStatusInputSerializer)
    def change_status(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            services.account_change_status(
                actor=request.user,
                account=account,
                to_status=data["to"],
                churn_reason=data.get("churn_reason", ""),
                comment=data.get("comment", ""),
                expected_version=data.get("version"),
            )
        except DjangoValidationError as e:
            # The service names the account's field; this endpoint's input calls it `to`.
            if hasattr(e, "error_dict") and "status" in e.error_dict:
                e.error_dict["to"] = e.error_dict.pop("status")
            raise
        return self.fresh_response(account, AccountSerializer)

    @extend_schema(
        request=AccountOwnerInputSerializer,
        responses={200: AccountSerializer, 409: CONFLICT},
        summary="Hand the account to another account manager (heads and admins)",
    )
    @action(detail=True, methods=["post"], url_path="owner", serializer_class=AccountOwnerInputSerializer)
    def assign_owner(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.account_assign_owner(
            actor=request.user,
            account=account,
            owner=payload.validated_data["owner"],
            expected_version=payload.validated_data.get("version"),
        )
        return self.fresh_response(account, AccountSerializer)


class TagSerializer(ServiceModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]
        read_only_fields = ["id"]


@extend_schema(tags=["accounts"])
class TagViewSet(ServiceViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The organization's account tags (their names are what `tags` of an account takes); editors add new ones."""

    serializer_class = TagSerializer
    search_fields = ["name"]
    ordering_fields = ["name"]
    ordering = ["name"]
    capabilities = {"create": "edit_account"}

    def get_queryset(self):
        return tags_of(self.request.user)

    def perform_create(self, serializer: TagSerializer) -> None:
        self.written(serializer, services.tag_create(actor=self.request.user, name=serializer.validated_data["name"]))


# --- account team -----------------------------------------------------------------------------------


class TeamMemberFilterSet(django_filters.FilterSet):
    account = IdFilter(field_name="account_id", label=_("Account"))
    user = IdFilter(field_name="user_id", label=_("User"))
    role = django_filters.MultipleChoiceFilter(choices=TeamRole.choices, label=_("Role on the account"))

    class Meta:
        model = AccountTeamMember
        fields = ["account", "user", "role"]


class TeamMemberSerializer(ServiceModelSerializer):
    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    user = ScopedPrimaryKeyRelatedField(model=User, scope=team_candidates)

    class Meta:
        model = AccountTeamMember
        fields = ["id", "account", "user", "role", "created_at"]
        read_only_fields = ["created_at"]
        validators: list[Any] = []  # uniqueness is the service's to check, after the permission


@extend_schema(tags=["team"])
class TeamMemberViewSet(
    ServiceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Our people on an account and their role there. To change a role, remove and add again."""

    serializer_class = TeamMemberSerializer
    filterset_class = TeamMemberFilterSet
    ordering_fields = ["role", "created_at"]
    ordering = ["account_id", "role", "id"]
    capabilities = {"create": "manage_team", "destroy": "manage_team"}

    def get_queryset(self):
        return team_members_visible_to(self.request.user)

    def perform_create(self, serializer: TeamMemberSerializer) -> None:
        member = services.team_member_add(actor=self.request.user, **serializer.validated_data)
        self.written(serializer, member)

    def perform_destroy(self, instance: AccountTeamMember) -> None:
        services.team_member_remove(actor=self.request.user, member=instance)


# --- client context ---------------------------------------------------------------------------------


class AccountRecordFilterSet(django_filters.FilterSet):
    """`?account=<id>`: the records of one account (an id the user cannot see matches nothing)."""

    account = IdFilter(field_name="account_id", label=_("Account"))


class DrivingForceFilterSet(AccountRecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ForceKind.choices, label=_("Force"))
    impact = django_filters.ChoiceFilter(choices=Impact.choices, label=_("Impact"))

    class Meta:
        model = DrivingForce
        fields = ["account", "kind", "impact"]


class DrivingForceSerializer(ServiceModelSerializer):
    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    create_only_fields = {"account": _("A record stays with its account.")}

    class Meta:
        model = DrivingForce
        fields = ["id", "account", "kind", "subject", "change", "impact", "noted_on", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


@extend_schema(tags=["client context"])
class DrivingForceViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Changes in the client's market (suppliers, customers, competitors, substitutes) and their impact."""

    serializer_class = DrivingForceSerializer
    filterset_class = DrivingForceFilterSet
    search_fields = ["subject", "change"]
    ordering_fields = ["kind", "noted_on", "created_at"]
    ordering = ["kind", "-noted_on", "-id"]
    capabilities = {"create": "edit_account", "update": "edit_account", "destroy": "edit_account"}

    def get_queryset(self):
        return driving_forces_visible_to(self.request.user)

    def perform_create(self, serializer: DrivingForceSerializer) -> None:
        force = services.driving_force_create(actor=self.request.user, **serializer.validated_data)
        self.written(serializer, force)

    def perform_update(self, serializer: DrivingForceSerializer) -> None:
        force = services.driving_force_update(
            actor=self.request.user, force=serializer.instance, data=dict(serializer.validated_data)
        )
        self.written(serializer, force)

    def perform_destroy(self, instance: DrivingForce) -> None:
        services.driving_force_delete(actor=self.request.user, force=instance)


class GoalRevisionFilterSet(AccountRecordFilterSet):
    class Meta:
        model = BusinessGoalRevision
        fields = ["account"]


class GoalRevisionSerializer(ServiceModelSerializer):
    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    create_only_fields = {"account": _("A record stays with its account.")}

    class Meta:
        model = BusinessGoalRevision
        fields = ["id", "account", "goal", "revised_on", "author", "created_at"]
        read_only_fields = ["author", "created_at"]
        extra_kwargs = {"revised_on": {"required": False, "help_text": _("Defaults to today.")}}


@extend_schema(tags=["client context"])
class GoalRevisionViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The client's business goal over time; the latest revision is the current goal."""

    serializer_class = GoalRevisionSerializer
    filterset_class = GoalRevisionFilterSet
    search_fields = ["goal"]
    ordering_fields = ["revised_on", "created_at"]
    ordering = ["-revised_on", "-id"]
    capabilities = {"create": "edit_account", "update": "edit_account", "destroy": "edit_account"}

    def get_queryset(self):
        return goal_revisions_visible_to(self.request.user)

    def perform_create(self, serializer: GoalRevisionSerializer) -> None:
        revision = services.goal_revise(actor=self.request.user, **serializer.validated_data)
        self.written(serializer, revision)

    def perform_update(self, serializer: GoalRevisionSerializer) -> None:
        revision = services.goal_revision_update(
            actor=self.request.user, revision=serializer.instance, data=dict(serializer.validated_data)
        )
        self.written(serializer, revision)

    def perform_destroy(self, instance: BusinessGoalRevision) -> None:
        services.goal_revision_delete(actor=self.request.user, revision=instance)


# --- handover ---------------------------------------------------------------------------------------


class HandoverFilterSet(AccountRecordFilterSet):
    sold_by = IdFilter(field_name="sold_by_id", label=_("Sold by"))

    class Meta:
        model = HandoverBrief
        fields = ["account", "sold_by"]


class HandoverSerializer(VersionedSerializerMixin, ServiceModelSerializer):
    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    sold_by = ScopedPrimaryKeyRelatedField(model=User, scope=team_candidates, allow_null=True, required=False)
    deal_value = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        min_value=0,
        coerce_to_string=True,
        allow_null=True,
        required=False,
        help_text=_('A decimal string in the account\'s currency, e.g. "1250000.00".'),
    )
    currency = serializers.CharField(source="account.currency", read_only=True, help_text=_("ISO 4217."))
    create_only_fields = {"account": _("A handover brief stays with its account.")}

    class Meta:
        model = HandoverBrief
        fields = [
            "id",
            "account",
            "sold_by",
            "what_was_sold",
            "promises",
            "deal_value",
            "currency",
            "expectations",
            "signed_by",
            "signed_on",
            "handed_over_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


@extend_schema(tags=["handover"])
class HandoverViewSet(
    ServiceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What sales sold and promised (one brief per account). Specialists and clients never see it."""

    serializer_class = HandoverSerializer
    filterset_class = HandoverFilterSet
    search_fields = ["account__name", "what_was_sold", "promises"]
    ordering_fields = ["created_at", "updated_at", "signed_on"]
    ordering = ["-created_at", "-id"]
    capabilities = {"create": "edit_handover", "update": "edit_handover"}

    def get_queryset(self):
        return handovers_visible_to(self.request.user)

    def perform_create(self, serializer: HandoverSerializer) -> None:
        data, _version = self.split_version(serializer)
        account = data.pop("account")
        if self.get_queryset().filter(account=account).exists():
            raise serializers.ValidationError(
                {"account": [_("This account already has a handover brief; change it with PATCH.")]}
            )
        brief = services.handover_save(actor=self.request.user, account=account, data=data)
        self.written(serializer, brief)

    def perform_update(self, serializer: HandoverSerializer) -> None:
        data, version = self.split_version(serializer)
        brief = services.handover_save(
            actor=self.request.user, account=serializer.instance.account, data=data, expected_version=version
        )
        self.written(serializer, brief)


# --- onboarding checklist ---------------------------------------------------------------------------


class OnboardingItemFilterSet(AccountRecordFilterSet):
    done = django_filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True, label=_("Done"))

    class Meta:
        model = OnboardingItem
        fields = ["account", "done"]


class OnboardingItemSerializer(ServiceModelSerializer):
    account = ScopedPrimaryKeyRelatedField(**ACCOUNT_SCOPE)
    done = serializers.BooleanField(required=False, help_text=_("Tick (true) or untick (false) the step."))
    create_only_fields = {"account": _("A step stays with its account.")}

    class Meta:
        model = OnboardingItem
        fields = ["id", "account", "title", "position", "done", "done_at", "done_by", "created_at"]
        read_only_fields = ["done_at", "done_by", "created_at"]
        # An explicit bound keeps the schema the same on SQLite and PostgreSQL.
        extra_kwargs = {"position": {"required": False, "min_value": 0, "max_value": 32767}}

    def to_representation(self, instance: OnboardingItem) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["done"] = instance.done_at is not None
        return data


@extend_schema(tags=["handover"])
class OnboardingItemViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The account's first-month checklist; PATCH `{"done": true}` ticks a step."""

    serializer_class = OnboardingItemSerializer
    filterset_class = OnboardingItemFilterSet
    search_fields = ["title"]
    ordering_fields = ["position", "created_at", "done_at"]
    ordering = ["account_id", "position", "id"]
    capabilities = {"create": "edit_account", "update": "edit_account", "destroy": "edit_account"}

    def get_queryset(self):
        return onboarding_items_visible_to(self.request.user)

    def perform_create(self, serializer: OnboardingItemSerializer) -> None:
        data = dict(serializer.validated_data)
        with transaction.atomic():
            item = services.onboarding_item_add(
                actor=self.request.user, account=data.pop("account"), title=data.pop("title")
            )
            if data:  # a step created already done, or at a given position
                item = services.onboarding_item_update(actor=self.request.user, item=item, data=data)
        self.written(serializer, item)

    def perform_update(self, serializer: OnboardingItemSerializer) -> None:
        item = services.onboarding_item_update(
            actor=self.request.user, item=serializer.instance, data=dict(serializer.validated_data)
        )
        self.written(serializer, item)

    def perform_destroy(self, instance: OnboardingItem) -> None:
        services.onboarding_item_delete(actor=self.request.user, item=instance)


# --- history ----------------------------------------------------------------------------------------


class StatusChangeFilterSet(AccountRecordFilterSet):
    to_status = django_filters.MultipleChoiceFilter(choices=AccountStatus.choices, label=_("New status"))

    class Meta:
        model = AccountStatusChange
        fields = ["account", "to_status"]


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccountStatusChange
        fields = ["id", "account", "from_status", "to_status", "churn_reason", "comment", "changed_by", "created_at"]
        read_only_fields = fields


@extend_schema(tags=["history"])
class StatusChangeViewSet(ServiceViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Every lifecycle move of an account: from, to, why and by whom."""

    serializer_class = StatusChangeSerializer
    filterset_class = StatusChangeFilterSet
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return status_changes_visible_to(self.request.user)


class AuditEventFilterSet(AccountRecordFilterSet):
    object_type = django_filters.CharFilter(label=_("Object type, e.g. accounts.account"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    action = django_filters.MultipleChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    actor = IdFilter(field_name="actor_id", label=_("Actor"))

    class Meta:
        model = AuditEvent
        fields = ["account", "object_type", "object_id", "action", "actor"]


class AuditEventSerializer(serializers.ModelSerializer):
    changes = serializers.JSONField(
        read_only=True, help_text=_('Changed fields as {"field": [before, after]}; related objects by id.')
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "account",
            "changes",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema(tags=["history"])
class AuditEventViewSet(ServiceViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Who changed what and when, with before and after: the organization for heads and admins,
    the accounts of their team for account managers and assistants."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    search_fields = ["object_repr"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return audit_events_visible_to(self.request.user)
