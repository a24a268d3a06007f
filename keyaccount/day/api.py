"""REST API of the signed-in person's day: `/api/v1/me/day/`.

The payload's sections are the providers' fields (`keyaccount.core.day`), each shown by the
serializer field its app gives, in their positions' order.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from keyaccount.day.providers import fields
from keyaccount.day.selectors import day_for
from keyaccount.tenancy.actors import AuthenticatedRequest
from keyaccount.tenancy.models import Role


class DaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text=_("Today, in the person's time zone."))
    role = serializers.ChoiceField(choices=Role.choices, allow_null=True)

    def get_fields(self) -> dict[str, Any]:
        declared = super().get_fields()
        return {**declared, **{f.key: f.api_field() for f in fields()}}


@extend_schema(tags=["auth"])
class MyDayView(APIView):
    """The signed-in person's day, as the home page shows it: an account manager's tasks, contacts due,
    requests, meetings and money to see to; a specialist's tasks; a head's team and overdue receivables."""

    @extend_schema(responses={200: DaySerializer}, summary="My day")
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(DaySerializer(day_for(request.user)).data)
