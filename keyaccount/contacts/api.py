"""REST API of the client's people: contacts and their roles on other accounts.

Writes go to `keyaccount.contacts.services` with the signed-in user as the actor; querysets come
from `keyaccount.contacts.selectors`.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.contacts import services
from keyaccount.contacts.filtersets import ContactFilterSet
from keyaccount.contacts.models import Attitude, Contact, ContactAccountRole, DecisionRole
from keyaccount.contacts.selectors import contact_roles_visible_to, contacts_visible_to
from keyaccount.contacts.services import CONTACT_FIELDS
from keyaccount.core.api import (
    IdFilter,
    ScopedPrimaryKeyRelatedField,
    ServiceModelSerializer,
    ServiceViewSetMixin,
    VersionedSerializerMixin,
)

CONFLICT = OpenApiResponse(description="Someone else saved the contact first (stale `version`); nothing changed.")


class ContactSerializer(VersionedSerializerMixin, ServiceModelSerializer):
    """A person on the client's side. `account` is the company they work for (set once)."""

    account = ScopedPrimaryKeyRelatedField(
        model=Account, scope=accounts_visible_to, help_text=_("The account the person works for.")
    )
    reports_to = ScopedPrimaryKeyRelatedField(
        model=Contact,
        scope=contacts_visible_to,
        allow_null=True,
        required=False,
        help_text=_("Their manager: a contact of the same account."),
    )
    create_only_fields = {
        "account": _("A contact's account does not change; give them a role on another account instead."),
    }

    class Meta:
        model = Contact
        fields = ["id", "account", *CONTACT_FIELDS, "has_left", "version", "created_at", "updated_at"]
        read_only_fields = ["has_left", "created_at", "updated_at"]


@extend_schema(tags=["contacts"])
@extend_schema_view(update=extend_schema(responses={200: ContactSerializer, 409: CONFLICT}))
class ContactViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The client's people; `?account=` lists those who work at the account or have a role on it."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    search_fields = ["name", "email", "title"]
    ordering_fields = ["name", "influence", "created_at", "updated_at"]
    ordering = ["name", "id"]
    capabilities = {"create": "edit_contacts", "update": "edit_contacts", "destroy": "edit_contacts"}
    selector = contacts_visible_to
    services = {"create": services.contact_create, "update": services.contact_update, "delete": services.contact_delete}


class ContactRoleFilterSet(django_filters.FilterSet):
    account = IdFilter(field_name="account_id", label=_("Account"))
    contact = IdFilter(field_name="contact_id", label=_("Contact"))
    decision_role = django_filters.MultipleChoiceFilter(choices=DecisionRole.choices, label=_("Decision role"))
    attitude = django_filters.MultipleChoiceFilter(choices=Attitude.choices, label=_("Attitude"))

    class Meta:
        model = ContactAccountRole
        fields = ["account", "contact", "decision_role", "attitude"]


class ContactRoleSerializer(ServiceModelSerializer):
    """A contact's part on another account than the one they work for."""

    contact = ScopedPrimaryKeyRelatedField(model=Contact, scope=contacts_visible_to)
    account = ScopedPrimaryKeyRelatedField(model=Account, scope=accounts_visible_to)
    create_only_fields = {
        "contact": _("Remove this role and add a new one instead."),
        "account": _("Remove this role and add a new one instead."),
    }

    class Meta:
        model = ContactAccountRole
        fields = ["id", "contact", "account", "decision_role", "attitude", "influence", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators: list[object] = []  # uniqueness is the service's to check, after the permission


@extend_schema(tags=["contacts"])
class ContactRoleViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Contacts' roles on accounts other than their own (e.g. a holding's CFO on a subsidiary)."""

    serializer_class = ContactRoleSerializer
    filterset_class = ContactRoleFilterSet
    ordering_fields = ["created_at", "influence"]
    ordering = ["id"]
    capabilities = {"create": "edit_contacts", "update": "edit_contacts", "destroy": "edit_contacts"}
    selector = contact_roles_visible_to
    services = {
        "create": services.contact_role_add,
        "update": services.contact_role_update,
        "delete": services.contact_role_remove,
    }
    object_kwarg = "role"
