"""REST API of notifications, email preferences and the signed-in person's day."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keyaccount.core.api import ServiceViewSetMixin
from keyaccount.notifications import services
from keyaccount.notifications.day import day_for
from keyaccount.notifications.models import Notification, NotificationKind
from keyaccount.notifications.selectors import notification_preferences_of, notifications_visible_to
from keyaccount.tenancy.models import Role

# --- notifications ----------------------------------------------------------------------------------


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("Unread only (true) or read only (false)")
    )
    kind = django_filters.MultipleChoiceFilter(choices=NotificationKind.choices, label=_("Kind"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class NotificationSerializer(serializers.ModelSerializer):
    subject_type = serializers.CharField(
        read_only=True, help_text=_("What it is about, as app.model (e.g. `work.task`); empty for a digest.")
    )
    subject_id = serializers.CharField(read_only=True, help_text=_("The id of what it is about."))
    subject_title = serializers.CharField(read_only=True, help_text=_("The title of what it is about."))
    url = serializers.CharField(read_only=True, help_text=_("Where to look at it in Keyaccount (a path)."))

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "subject_type",
            "subject_id",
            "subject_title",
            "url",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text=_("How many notifications became read."))


@extend_schema(tags=["notifications"])
class NotificationViewSet(
    ServiceViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The signed-in person's notifications, newest first (`?unread=true` for the unread ones)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    search_fields = ["title", "body", "subject_title"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return notifications_visible_to(self.request.user)

    @extend_schema(request=None, responses={200: NotificationSerializer}, summary="Mark a notification read")
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = services.notification_mark_read(actor=request.user, notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: ReadAllSerializer}, summary="Mark all my notifications read")
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None, pagination_class=None)
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notification_mark_all_read(actor=request.user)})


# --- email preferences ------------------------------------------------------------------------------


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    label = serializers.CharField(read_only=True, help_text=_("The kind, in the person's language."))
    email = serializers.BooleanField(help_text=_("Also send this kind by email (on unless turned off)."))


def _preferences(user: Any) -> list[dict[str, Any]]:
    labels = dict(NotificationKind.choices)
    return [
        {"kind": kind, "label": str(labels[kind]), "email": on}
        for kind, on in notification_preferences_of(user).items()
    ]


@extend_schema(tags=["notifications"])
class NotificationPreferencesView(APIView):
    """Which kinds of notification the signed-in person also gets by email (every kind; email is on by default)."""

    @extend_schema(responses={200: PreferenceSerializer(many=True)}, summary="My email preferences")
    def get(self, request: Request) -> Response:
        return Response(_preferences(request.user))

    @extend_schema(
        request=PreferenceSerializer(many=True),
        responses={200: PreferenceSerializer(many=True)},
        summary="Change my email preferences",
        description='Send the kinds to change, e.g. `[{"kind": "task_due_soon", "email": false}]`; '
        "kinds left out keep their setting.",
    )
    def patch(self, request: Request) -> Response:
        payload = PreferenceSerializer(data=request.data, many=True)
        payload.is_valid(raise_exception=True)
        services.notification_preferences_set(
            actor=request.user, email={row["kind"]: row["email"] for row in payload.validated_data}
        )
        return Response(_preferences(request.user))


# --- my day -----------------------------------------------------------------------------------------


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)


class DayTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    account = RefSerializer()
    project = RefSerializer(allow_null=True)
    assignee = PersonRefSerializer(allow_null=True)
    priority = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)


class DayContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()
    account = RefSerializer()
    phones = serializers.CharField()
    email = serializers.CharField()
    preferred_channel = serializers.CharField()
    cadence_days = serializers.IntegerField(source="cadence")
    last_touch_at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(allow_null=True, help_text=_("Null when never contacted (due now)."))
    days_overdue = serializers.IntegerField(allow_null=True)


class DayRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account = RefSerializer()
    contact = RefSerializer(allow_null=True)
    channel = serializers.CharField()
    text = serializers.CharField()
    received_at = serializers.DateTimeField()
    response_due_at = serializers.DateTimeField(allow_null=True)
    over_target = serializers.BooleanField(help_text=_("Still waiting past its response target."))


class DayMeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    subject = serializers.CharField()
    occurred_at = serializers.DateTimeField(help_text=_("When it is planned."))
    duration_minutes = serializers.IntegerField(allow_null=True)
    account = RefSerializer()
    contacts = RefSerializer(many=True, source="contacts.all")


class AmountSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()


class TeamRowSerializer(serializers.Serializer):
    user = PersonRefSerializer()
    role = serializers.ChoiceField(choices=Role.choices)
    accounts = serializers.IntegerField(
        help_text=_("An account manager's own accounts; a specialist's accounts (team seats and open tasks).")
    )
    open_tasks = serializers.IntegerField(
        help_text=_("Open tasks of the account manager's accounts; open tasks assigned to the specialist.")
    )
    overdue_tasks = serializers.IntegerField()
    untriaged_requests = serializers.IntegerField(allow_null=True, help_text=_("Null for specialists."))
    overdue_money = AmountSerializer(
        many=True, help_text=_("Overdue receivables of an account manager's accounts, per currency.")
    )


class DayInvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    account = RefSerializer()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    currency = serializers.CharField()
    total = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    open_amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    status = serializers.CharField()


class DayOverdueInvoiceSerializer(DayInvoiceSerializer):
    days_overdue = serializers.IntegerField()


class DayContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    account = RefSerializer()
    billing_model = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=18, decimal_places=2, coerce_to_string=True, help_text=_("The value as signed.")
    )
    currency = serializers.CharField()
    end_date = serializers.DateField(allow_null=True)


class DayContractToInvoiceSerializer(DayContractSerializer):
    current_value = serializers.DecimalField(
        max_digits=18, decimal_places=2, coerce_to_string=True, help_text=_("A month's fee today, amendments applied.")
    )


class DayActSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    account = RefSerializer()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()
    sent_on = serializers.DateField()
    days_waiting = serializers.IntegerField(help_text=_("Days since it was sent."))


class DayRenewalSerializer(serializers.Serializer):
    contract = DayContractSerializer()
    value = serializers.DecimalField(
        max_digits=18, decimal_places=2, coerce_to_string=True, help_text=_("The value today, amendments applied.")
    )
    end = serializers.DateField(help_text=_("The end of the current term."))
    days_to_end = serializers.IntegerField()
    notice_deadline = serializers.DateField(help_text=_("The last day to give notice not to renew."))
    days_to_notice = serializers.IntegerField(help_text=_("Negative once the deadline has passed."))
    auto_renew = serializers.BooleanField(source="contract.auto_renew")


class DayMoneySerializer(serializers.Serializer):
    invoices_to_issue = DayInvoiceSerializer(many=True, help_text=_("Draft invoices, the earliest first."))
    contracts_to_invoice = DayContractToInvoiceSerializer(
        many=True, help_text=_("Active retainers with no invoice for the current month yet.")
    )
    overdue_invoices = DayOverdueInvoiceSerializer(many=True, help_text=_("Open invoices past due, oldest first."))
    acts_to_chase = DayActSerializer(many=True, help_text=_("Sent acts not signed within the chase period."))
    renewals_due = DayRenewalSerializer(
        many=True, help_text=_("Contracts whose end or notice deadline is within 30 days, with no outcome yet.")
    )
    overdue_total = AmountSerializer(many=True, help_text=_("Overdue receivables per currency."))


class DayAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account = RefSerializer()
    owner = PersonRefSerializer(source="account.owner", allow_null=True)
    rule = serializers.CharField()
    key = serializers.CharField()
    band = serializers.CharField(help_text=_("The account's band when the alert was raised."))
    score = serializers.IntegerField(allow_null=True)
    raised_on = serializers.DateField()
    message = serializers.CharField(help_text=_("What happened, in plain words."))


class DaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text=_("Today, in the person's time zone."))
    role = serializers.ChoiceField(choices=Role.choices, allow_null=True)
    overdue_tasks = DayTaskSerializer(many=True, help_text=_("Hot first: by priority, then by deadline."))
    today_tasks = DayTaskSerializer(many=True, help_text=_("Due later today, hot first."))
    upcoming_tasks = DayTaskSerializer(many=True, help_text=_("A specialist's later and undated open tasks."))
    contacts_due = DayContactSerializer(many=True, help_text=_("Due by cadence; never contacted first."))
    requests = DayRequestSerializer(many=True, help_text=_("Waiting for triage; the most pressing first."))
    meetings = DayMeetingSerializer(many=True, help_text=_("Today's planned meetings and calls."))
    team = TeamRowSerializer(
        many=True, allow_null=True, help_text=_("For heads and admins: per account manager and specialist.")
    )
    alerts = DayAlertSerializer(
        many=True,
        allow_null=True,
        help_text=_(
            "Open health alerts, red first: of an account manager's accounts, of the organization for heads and "
            "admins; null for other roles."
        ),
    )
    money = DayMoneySerializer(
        allow_null=True,
        help_text=_(
            "Money to see to: the lists for account managers and assistants, the overdue total for them and "
            "for heads; null for people who see no money."
        ),
    )


@extend_schema(tags=["auth"])
class MyDayView(APIView):
    """The signed-in person's day, as the home page shows it: an account manager's tasks, contacts due,
    requests, meetings and money to see to; a specialist's tasks; a head's team and overdue receivables."""

    @extend_schema(responses={200: DaySerializer}, summary="My day")
    def get(self, request: Request) -> Response:
        return Response(DaySerializer(day_for(request.user)).data)
