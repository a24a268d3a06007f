"""REST API of invoices: `/api/v1/invoices/` with their lines, issuing, voiding, generating from a
retainer, the printable HTML and PDF, and the CSV/XLSX export of the filtered list.

Money goes in and out as decimal strings ("1200.50"); a JSON number with a fraction is refused, so no
amount ever passes through a float. Serializers only check shape; writes go to
`keyaccount.billing.services.invoices` with the signed-in user as the actor.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing import selectors
from keyaccount.billing.filtersets.invoices import InvoiceFilterSet
from keyaccount.billing.models import Contract, Invoice, InvoiceLine, InvoiceStatus
from keyaccount.billing.services import invoices as services
from keyaccount.core import clock
from keyaccount.core.api import (
    DecimalStringField,
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
    VersionedSerializerMixin,
)
from keyaccount.tenancy.actors import AuthenticatedRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONFLICT = OpenApiResponse(description="Someone else saved the invoice first (stale `version`); nothing changed.")


def _money(**kwargs: Any) -> DecimalStringField:
    return DecimalStringField(max_digits=18, decimal_places=2, **kwargs)


def _money_out(help_text: StrOrPromise) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, help_text=help_text)


class InvoiceLineSerializer(serializers.ModelSerializer):
    """One line: what, how many, at what price and tax rate; net, tax and total are computed (rounded per line)."""

    quantity = DecimalStringField(max_digits=12, decimal_places=3, help_text=_("Greater than zero, up to 3 decimals."))
    unit_price = _money(help_text=_("Greater than zero, in the invoice's currency (no decimals for JPY)."))
    tax_rate = DecimalStringField(
        max_digits=5, decimal_places=2, required=False, default=Decimal("0"), help_text=_("Percent, 0–100.")
    )
    net = _money_out(_("Quantity × unit price, rounded to the currency."))
    tax = _money_out(_("Net × tax rate, rounded to the currency."))
    total = _money_out(_("Net + tax."))

    class Meta:
        model = InvoiceLine
        fields = ["description", "quantity", "unit_price", "tax_rate", "net", "tax", "total"]


class InvoiceSerializer(VersionedSerializerMixin, ServiceModelSerializer):
    """An invoice. Only a draft changes (PATCH/PUT, DELETE); `POST …/{id}/issue/` sends it and
    `POST …/{id}/void/` cancels it. Sending `lines` replaces all of them."""

    account = ScopedPrimaryKeyRelatedField(model=Account, scope=accounts_visible_to)
    contract = ScopedPrimaryKeyRelatedField(
        model=Contract,
        scope=selectors.contracts_visible_to,
        allow_null=True,
        required=False,
        help_text=_("A contract of the same account; the invoice takes its currency and payment terms."),
    )
    lines = InvoiceLineSerializer(many=True, help_text=_("At least one line."))
    open_amount = _money_out(_("What the client still owes: total − paid, for an issued or partly paid invoice."))
    create_only_fields = {"account": _("An invoice stays with its account.")}

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "account",
            "contract",
            "issue_date",
            "due_date",
            "currency",
            "period_start",
            "period_end",
            "note",
            "lines",
            "subtotal",
            "tax_total",
            "total",
            "paid_amount",
            "open_amount",
            "status",
            "issued_at",
            "void_reason",
            "voided_on",
            "paid_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "subtotal",
            "tax_total",
            "total",
            "paid_amount",
            "status",
            "issued_at",
            "void_reason",
            "voided_on",
            "paid_on",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "number": {
                "required": False,
                "allow_blank": True,
                "help_text": _('Unique in the organization; blank takes the next of the issue year ("2026-031").'),
            },
            "due_date": {
                "required": False,
                "allow_null": True,
                "help_text": _("Default: the issue date + the contract's (or the organization's) payment terms."),
            },
            "currency": {"required": False, "help_text": _("Default: the contract's currency, else the account's.")},
            "note": {"required": False},
        }
        validators: list[Any] = []  # the number's uniqueness is the service's to check, after the permission


class IssueInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, help_text=_("The version you read."))


class VoidInputSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Why the invoice is cancelled; kept on record."))
    voided_on = serializers.DateField(required=False, help_text=_("Default: today."))
    version = serializers.IntegerField(required=False, min_value=1, help_text=_("The version you read."))


class GenerateInputSerializer(serializers.Serializer):
    contract = ScopedPrimaryKeyRelatedField(
        model=Contract, scope=selectors.contracts_visible_to, help_text=_("A monthly retainer.")
    )
    period_start = serializers.DateField()
    period_end = serializers.DateField(required=False, help_text=_("Default: the end of the period's first month."))
    issue_date = serializers.DateField(required=False, help_text=_("Default: today."))


def _nested(error: DjangoValidationError, line_count: int) -> serializers.ValidationError | DjangoValidationError:
    """A service's "lines[1].quantity" errors in the API's nested shape: {"lines": [{}, {"quantity": […]}]}."""
    if not hasattr(error, "error_dict"):
        return error
    detail: dict[str, Any] = {}
    per_line: dict[int, dict[str, list[str]]] = {}
    for key, errors in error.error_dict.items():
        messages = [str(m) for e in errors for m in e.messages]
        match = services.LINE_ERROR_KEY.match(key)
        if match:
            per_line.setdefault(int(match.group(1)), {})[match.group(2)] = messages
        else:
            detail["non_field_errors" if key == "__all__" else key] = messages
    if per_line:
        size = max(line_count, max(per_line) + 1)
        detail["lines"] = [per_line.get(i, {}) for i in range(size)]
    return serializers.ValidationError(detail)


@contextlib.contextmanager
def _line_errors(line_count: int) -> Iterator[None]:
    try:
        yield
    except DjangoValidationError as e:
        raise _nested(e, line_count) from None


class FileRenderer(renderers.BaseRenderer):
    """Lets `?format=csv|xlsx|pdf` through content negotiation; the action answers with the file itself,
    and an error (e.g. 403) is written as JSON."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return json.dumps(data, default=str).encode()


class CSVRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


class PDFRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class PrintRenderer(renderers.BaseRenderer):
    media_type = "text/html"
    format = "html"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return json.dumps(data, default=str).encode()


EXPORT_FILTERS = [
    OpenApiParameter("format", OpenApiTypes.STR, enum=["csv", "xlsx"], description="The file type; default csv."),
    OpenApiParameter("account", OpenApiTypes.INT, description="An account's id."),
    OpenApiParameter("contract", OpenApiTypes.INT, description="A contract's id."),
    OpenApiParameter(
        "status", OpenApiTypes.STR, many=True, enum=[s.value for s in InvoiceStatus], description="One or more."
    ),
    OpenApiParameter("currency", OpenApiTypes.STR, description="ISO 4217 code, e.g. RUB."),
    OpenApiParameter("issue_date_from", OpenApiTypes.DATE, description="Issued on or after."),
    OpenApiParameter("issue_date_to", OpenApiTypes.DATE, description="Issued on or before."),
    OpenApiParameter("open", OpenApiTypes.BOOL, description="Only invoices still owed (issued, partly paid)."),
    OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Only invoices still owed past their due date."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Number, account name or a line's description."),
    OpenApiParameter("ordering", OpenApiTypes.STR, description="As in the list, e.g. -issue_date."),
]


@extend_schema(tags=["billing"])
@extend_schema_view(
    update=extend_schema(responses={200: InvoiceSerializer, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: InvoiceSerializer, 409: CONFLICT}),
)
class InvoiceViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Invoices of the accounts the signed-in user sees money of. `?overdue=true` lists those past due."""

    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilterSet
    search_fields = ["number", "account__name"]
    ordering_fields = ["number", "issue_date", "due_date", "total", "status", "created_at"]
    ordering = ["-issue_date", "-id"]
    capabilities = {
        "create": "manage_money",
        "update": "manage_money",
        "destroy": "manage_money",
        "issue": "manage_money",
        "void": "manage_money",
        "generate": "manage_money",
    }
    selector = selectors.invoices_with_lines
    services = {
        "create": services.invoice_create,
        "update": services.invoice_update,
        "delete": services.invoice_delete,
    }

    def create_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "lines": [dict(li) for li in data["lines"]]}

    def update_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        if "lines" in data:
            data["lines"] = [dict(li) for li in data["lines"]]
        return {"data": data}

    def call_service(self, verb: str, **kwargs: Any) -> Any:
        if verb == "delete":
            return super().call_service(verb, **kwargs)
        lines = kwargs["lines"] if verb == "create" else kwargs["data"].get("lines", [])
        with _line_errors(len(lines)):  # the service's "lines[1].quantity" errors, nested as the input is
            return super().call_service(verb, **kwargs)

    @extend_schema(
        request=IssueInputSerializer,
        responses={200: InvoiceSerializer, 409: CONFLICT},
        summary="Issue a draft invoice to the client",
    )
    @action(detail=True, methods=["post"], serializer_class=IssueInputSerializer)
    def issue(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        invoice = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.invoice_issue(
            actor=request.user, invoice=invoice, expected_version=payload.validated_data.get("version")
        )
        return self.fresh_response(invoice, InvoiceSerializer)

    @extend_schema(
        request=VoidInputSerializer,
        responses={200: InvoiceSerializer, 409: CONFLICT},
        summary="Void an invoice, with the reason (refused while payments are allocated to it)",
    )
    @action(detail=True, methods=["post"], serializer_class=VoidInputSerializer)
    def void(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        invoice = self.get_object()
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.invoice_void(
            actor=request.user,
            invoice=invoice,
            reason=data["reason"],
            voided_on=data.get("voided_on"),
            expected_version=data.get("version"),
        )
        return self.fresh_response(invoice, InvoiceSerializer)

    @extend_schema(
        request=GenerateInputSerializer,
        responses={201: InvoiceSerializer},
        summary="Draft the invoice of a retainer contract for a period",
    )
    @action(detail=False, methods=["post"], serializer_class=GenerateInputSerializer)
    def generate(self, request: AuthenticatedRequest) -> Response:
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invoice = services.invoice_generate_from_contract(actor=request.user, **payload.validated_data)
        fresh = self.get_queryset().get(pk=invoice.pk)
        return Response(InvoiceSerializer(fresh, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="The invoice as a PDF document",
    )
    @action(detail=True, methods=["get"], renderer_classes=[PDFRenderer, renderers.JSONRenderer])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        from keyaccount.billing.views.invoices.documents import invoice_pdf_response

        invoice = selectors.invoice_get_for(request.user, self.get_object().pk)
        return invoice_pdf_response(request, invoice)

    @extend_schema(
        responses={(200, "text/html"): OpenApiTypes.STR},
        summary="The invoice as a printable HTML page",
    )
    @action(detail=True, methods=["get"], renderer_classes=[PrintRenderer, renderers.JSONRenderer])
    def html(self, request: Request, pk: str | None = None) -> HttpResponse:
        from keyaccount.billing.views.invoices.documents import invoice_document_html

        invoice = selectors.invoice_get_for(request.user, self.get_object().pk)
        return HttpResponse(invoice_document_html(request, invoice), content_type="text/html; charset=utf-8")

    @extend_schema(
        parameters=EXPORT_FILTERS,
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
        },
        summary="The filtered invoice list as CSV or XLSX",
    )
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
        renderer_classes=[CSVRenderer, XLSXRenderer, renderers.JSONRenderer],
    )
    def export(self, request: Request) -> HttpResponse:
        from keyaccount.billing.views.invoices.documents import invoice_export_response

        fmt = request.query_params.get("format") or "csv"
        if fmt not in ("csv", "xlsx"):
            return Response({"format": [_("Choose csv or xlsx.")]}, status=status.HTTP_400_BAD_REQUEST)
        invoices = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        return invoice_export_response(fmt, invoices, clock.today_for(request.user))


def register(router: Any) -> None:
    """Put this area's viewsets on the API router."""
    router.register("invoices", InvoiceViewSet, basename="invoice")
