"""Open an organization with its first administrator, who then invites everyone else from the People page.

    python manage.py create_organization "Acme Agency" --admin-email anna@acme.example [--admin-name "Anna Petrova"]

The password is asked twice on a terminal; without one it is read from the first line of standard input
(`printf '%s\\n' "$PASSWORD" | manage.py create_organization ...`), so it never appears in the process list.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from keyaccount.core.money import Currency
from keyaccount.tenancy.models import Organization, Role, User
from keyaccount.tenancy.services import member_create, organization_create
from keyaccount.tenancy.slugs import organization_slug


class Command(BaseCommand):
    help = "Create an organization and its first administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The organization's name, e.g. the agency's.")
        parser.add_argument("--admin-email", required=True, help="The administrator's email (their sign-in).")
        parser.add_argument("--admin-name", default="", help="The administrator's full name.")
        parser.add_argument("--currency", default="RUB", choices=Currency.values, help="Default currency.")

    def read_password(self) -> str:
        if sys.stdin.isatty():
            first = getpass.getpass("Administrator's password: ")
            if first != getpass.getpass("Again: "):
                raise CommandError("The passwords differ.")
            return first
        return sys.stdin.readline().rstrip("\n")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        email = options["admin_email"].strip().lower()
        slug = organization_slug(name)
        if Organization.objects.filter(name__iexact=name).exists() or Organization.objects.filter(slug=slug).exists():
            raise CommandError(f'An organization named "{name}" (or with the slug "{slug}") already exists.')
        password = self.read_password()
        try:
            validate_password(password, User(email=email, name=options["admin_name"]))
        except ValidationError as e:
            raise CommandError("Choose another password: " + " ".join(e.messages)) from None
        try:
            with transaction.atomic():
                org = organization_create(name=name, slug=slug, default_currency=options["currency"])
                member_create(
                    organization=org, email=email, name=options["admin_name"], role=Role.ADMIN, password=password
                )
        except ValidationError as e:
            messages = [f"{field}: {' '.join(msgs)}" for field, msgs in e.message_dict.items()]
            raise CommandError("; ".join(messages)) from None
        self.stdout.write(self.style.SUCCESS(f'Created "{org.name}" with the administrator {email}.'))
