"""The contact pages: the list of the client's people, one person's page and the contact forms.

Views read through selectors and write through services; they never touch a tenant model's manager.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.accounts.selectors import account_get_for, accounts_editable_by
from keyaccount.contacts import services
from keyaccount.contacts.filtersets import ContactFilterSet
from keyaccount.contacts.forms import AccountChoiceForm, ContactForm, ContactRoleForm
from keyaccount.contacts.models import Contact
from keyaccount.contacts.selectors import (
    contact_get_for,
    contact_roles_visible_to,
    contacts_editable_by,
    contacts_visible_to,
)
from keyaccount.core.web import checkbox_choices, run_service, vary_on_htmx, wants_partial
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.permissions import can

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

PAGE_SIZE = 25
# ?ordering=<key> or -<key>; the name and id break ties so pages never shuffle.
SORTS: dict[str, list[str]] = {
    "name": ["name"],
    "account": ["account__name", "name"],
    "influence": ["influence", "name"],
    "updated": ["updated_at", "name"],
}


def _see_contacts(actor: User) -> None:
    if not can(actor, "see_contacts"):
        raise PermissionDenied(_("Your role does not allow this."))


def sort_contacts(qs: QuerySet[Contact], ordering: str) -> tuple[QuerySet[Contact], str]:
    key = ordering.lstrip("-")
    if key not in SORTS:
        ordering, key = "name", "name"
    descending = ordering.startswith("-")
    fields = [f"-{f}" if descending and i == 0 else f for i, f in enumerate(SORTS[key])]
    return qs.order_by(*fields, "pk"), ordering


@member_required
def contact_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The client's people across the accounts the user sees; an htmx request gets only the table."""
    actor = request.user
    _see_contacts(actor)
    filterset = ContactFilterSet(request.GET, queryset=contacts_visible_to(actor), request=request)
    contacts, ordering = sort_contacts(filterset.qs, request.GET.get("ordering", "name"))
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {"filter": filterset, "page": page, "ordering": ordering}
    if wants_partial(request):
        return vary_on_htmx(render(request, "contacts/_contact_table.html", context))
    checkbox_choices(filterset.form, "decision_role", "attitude")
    fields = filterset.form.fields
    fields["account"].empty_label = _("Any account")
    fields["has_left"].widget = forms.Select(
        choices=[("", _("Anyone")), ("false", _("Still at the company")), ("true", _("Left the company"))]
    )
    context["can_add"] = can(actor, "edit_contacts")
    return vary_on_htmx(render(request, "contacts/contact_list.html", context))


def _contact_url(contact: Contact | int, section: str = "") -> str:
    pk = contact if isinstance(contact, int) else contact.pk
    url = reverse("contacts:detail", args=[pk])
    return f"{url}#{section}" if section else url


def _editable_contact(actor: User, pk: int) -> Contact:
    """The contact if visible (else 404) and changeable by the actor (else 403)."""
    contact = contact_get_for(actor, pk)
    if not contacts_editable_by(actor).filter(pk=contact.pk).exists():
        raise PermissionDenied(_("You cannot change this account's contacts."))
    return contact


def contact_page(
    request: AuthenticatedHttpRequest, pk: int, *, role_form: ContactRoleForm | None = None, status: int = 200
) -> HttpResponse:
    actor = request.user
    contact = contact_get_for(actor, pk)
    roles = list(contact_roles_visible_to(actor).filter(contact=contact).order_by("account__name"))
    editable_accounts = set(
        accounts_editable_by(actor, "edit_contacts")
        .filter(pk__in=[contact.account_id, *(r.account_id for r in roles)])
        .values_list("pk", flat=True)
    )
    for role in roles:
        role.removable = role.account_id in editable_accounts  # type: ignore[attr-defined]  # read by the template
    may_edit = contact.account_id in editable_accounts
    context: dict[str, Any] = {
        "contact": contact,
        "roles": roles,
        "reports": list(contacts_visible_to(actor).filter(reports_to=contact).select_related(None).order_by("name")),
        "may_edit": may_edit,
    }
    if can(actor, "edit_contacts"):
        context["role_form"] = role_form or ContactRoleForm(actor=actor, contact=contact, prefix="role")
    return render(request, "contacts/contact_detail.html", context, status=status)


@member_required
def contact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return contact_page(request, pk)


def _writable_account(actor: User, account_id: int | str) -> Account:
    account = account_get_for(actor, account_id)
    if not accounts_editable_by(actor, "edit_contacts").filter(pk=account.pk).exists():
        raise PermissionDenied(_("You cannot change this account's contacts."))
    return account


@member_required
def contact_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add a person to an account (?account=<id>); without an account, ask which one first."""
    actor = request.user
    if not can(actor, "edit_contacts"):
        raise PermissionDenied(_("Your role does not allow this."))
    if not request.GET.get("account"):
        picker = AccountChoiceForm(request.GET or None, actor=actor)
        return render(request, "contacts/contact_pick_account.html", {"form": picker})
    account = _writable_account(actor, request.GET["account"])
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST, actor=actor, account=account)
        if form.is_valid():
            contact, status = run_service(
                form, services.contact_create, actor=actor, account=account, **form.service_data()
            )
            if contact is not None:
                messages.success(request, _("The contact was added."))
                return redirect(_contact_url(contact))
    else:
        form = ContactForm(actor=actor, account=account)
    return render(request, "contacts/contact_form.html", {"form": form, "account": account}, status=status)


@member_required
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    contact = _editable_contact(actor, pk)
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST, instance=copy.copy(contact), actor=actor, account=contact.account)
        if form.is_valid():
            _result, status = run_service(
                form,
                services.contact_update,
                actor=actor,
                contact=copy.copy(contact),
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
            if not status:
                messages.success(request, _("The contact was saved."))
                return redirect(_contact_url(contact))
    else:
        form = ContactForm(instance=copy.copy(contact), actor=actor, account=contact.account)
    context = {"form": form, "account": contact.account, "contact": contact}
    return render(request, "contacts/contact_form.html", context, status=status)


@member_required
def contact_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    contact = _editable_contact(actor, pk)
    if request.method == "POST":
        services.contact_delete(actor=actor, contact=contact)
        messages.success(request, _("The contact “%(name)s” was deleted.") % {"name": contact.name})
        return redirect(reverse("accounts:detail", args=[contact.account_id]) + "#contacts")
    return render(request, "contacts/contact_confirm_delete.html", {"contact": contact})


@member_required
@require_POST
def contact_role_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    contact = contact_get_for(actor, pk)
    form = ContactRoleForm(request.POST, actor=actor, contact=contact, prefix="role")
    status = 200
    if form.is_valid():
        _result, status = run_service(
            form,
            services.contact_role_add,
            actor=actor,
            contact=contact,
            account=form.cleaned_data["account"],
            **form.service_data(),
        )
        if not status:
            messages.success(request, _("The role was added."))
            return redirect(_contact_url(contact, "roles"))
    return contact_page(request, pk, role_form=form, status=status)


@member_required
@require_POST
def contact_role_remove(request: AuthenticatedHttpRequest, pk: int, role_pk: int) -> HttpResponse:
    actor = request.user
    roles = contact_roles_visible_to(actor)
    try:
        role = roles.get(pk=role_pk, contact_id=pk)
    except roles.model.DoesNotExist:
        raise Http404 from None
    services.contact_role_remove(actor=actor, role=role)
    messages.success(request, _("The role was removed."))
    return redirect(_contact_url(pk, "roles"))
