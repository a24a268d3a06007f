"""Load a demo organization: a digital agency with its people, clients, their stakeholders and history,
its working loop (projects, three months of interactions, client requests and team tasks; see
`keyaccount.demo.work`) and its money (contracts, a year of invoices, payments and acts, renewals; see
`keyaccount.demo.money`).

    python manage.py seed_demo [--organization NAME] [--accounts N] [--password P] [--seed S] [--if-empty]

Everything is written through the services (so the audit trail is there, as for real work) in one
transaction per organization. The same --seed gives the same organization: first the whole
organization is planned with one seeded random generator, then written; dates are counted back
from today. This module is the command (its options and output); the loading is `keyaccount.demo.loader`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from keyaccount.demo.loader import load
from keyaccount.demo.staff import login_lines
from keyaccount.tenancy.models import Organization
from keyaccount.tenancy.slugs import organization_slug

DEFAULT_ORGANIZATION = "Demo Agency"
DEFAULT_ACCOUNTS = 40
DEFAULT_PASSWORD = "demo"
DEFAULT_SEED = 1


class Command(BaseCommand):
    help = (
        "Create a demo organization (a digital agency) with its people, client accounts and stakeholders, "
        "deterministic for --seed. Every user's password is --password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", default=DEFAULT_ORGANIZATION, help="Name of the new organization.")
        parser.add_argument("--accounts", type=int, default=DEFAULT_ACCOUNTS, help="Number of client accounts.")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password of every new user.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed: same seed, same data.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only when the database has no organization yet (otherwise print the existing demo logins).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["organization"].strip()
        accounts: int = options["accounts"]
        if not name:
            raise CommandError("--organization must not be empty.")
        if not 1 <= accounts <= 5000:
            raise CommandError("--accounts must be between 1 and 5000.")
        if not options["password"]:
            raise CommandError("--password must not be empty.")
        slug = organization_slug(name)

        if options["if_empty"] and Organization.objects.exists():
            self.stdout.write("The database already has organizations; no demo data loaded.")
            existing = Organization.objects.filter(slug=slug).first()
            if existing is not None:
                self.print_logins(existing, password=None)
            return

        clash = Organization.objects.filter(name__iexact=name).first() or Organization.objects.filter(slug=slug).first()
        if clash is not None:
            raise CommandError(
                f'An organization named "{clash.name}" (slug "{clash.slug}") already exists; '
                "seed_demo only adds new organizations. Choose another --organization name."
            )

        started = timezone.now()
        today = timezone.localdate()
        try:
            org, writer = load(
                name=name, accounts=accounts, seed=options["seed"], password=options["password"], today=today
            )
        except (ValidationError, PermissionDenied) as e:
            raise CommandError(f"Could not load the demo organization: {e}") from e
        seconds = (timezone.now() - started).total_seconds()
        plan = writer.plan
        contacts = sum(len(p.contacts) for p in plan.accounts)
        work = plan.work.values()
        self.stdout.write(
            self.style.SUCCESS(
                f'Loaded "{org.name}": {len(plan.accounts)} accounts, {contacts} contacts, '
                f"{len(plan.people)} people, {sum(len(w.projects) for w in work)} projects, "
                f"{sum(len(w.interactions) for w in work)} interactions, {sum(len(w.requests) for w in work)} "
                f"requests, {sum(len(w.all_tasks()) for w in work)} tasks, {writer.money_counts['contracts']} "
                f"contracts, {writer.money_counts['invoices']} invoices, {writer.money_counts['payments']} payments, "
                f"{writer.health_counts['surveys']} surveys, {writer.health_counts['snapshots']} health snapshots "
                f"in {seconds:.1f} s."
            )
        )
        self.print_logins(org, password=options["password"])

    def print_logins(self, organization: Organization, password: str | None) -> None:
        if password is None:
            self.stdout.write(f'Demo logins of "{organization.name}" (password "demo" unless you changed it):')
        else:
            self.stdout.write(f'Logins of "{organization.name}" (every password is "{password}"):')
        for line in login_lines(organization):
            self.stdout.write(line)
