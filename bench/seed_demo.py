"""Time the demo loader and check the query budgets of the main lists on a fresh SQLite database.

    .venv/bin/python bench/seed_demo.py            (or: make bench)

Loads a 50-account and a 200-account organization with `seed_demo` (people, clients, stakeholders and
the working loop: projects, interactions, requests, tasks), reports seconds, SQL queries and the 200/50
ratios (about 4 means the loader is linear), then counts the queries of the portfolio list (selector,
page and API) for the head of each organization, and of the day, task, request, interaction, dashboard,
alert, survey and health pages and lists of am1 and head1: the counts must not grow with the number of
accounts. Exits non-zero when
200 accounts take 20 s or more, or when a list's query count grows.
Not part of the test suite: it takes a while and measures the machine as much as the code.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS_200 = 20.0


def setup_django(var_dir: str) -> None:
    os.environ.pop("DATABASE_URL", None)  # SQLite, the embedded default, is what the budget is for
    os.environ.update(
        DEBUG="1",
        KEYACCOUNT_VAR_DIR=var_dir,
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        AXES_ENABLED="0",
        DJANGO_SETTINGS_MODULE="keyaccount.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class QueryCounter:
    """Counts SQL statements sent on the default connection while active."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> QueryCounter:
        from django.db import connection

        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)


def seed(accounts: int) -> tuple[float, int]:
    from django.core.management import call_command

    with QueryCounter() as counter:
        start = time.perf_counter()
        call_command("seed_demo", organization=f"Bench {accounts}", accounts=accounts, seed=1, stdout=io.StringIO())
        seconds = time.perf_counter() - start
    return seconds, counter.count


def portfolio_queries(slug: str) -> dict[str, int]:
    """Queries for the head's portfolio: the selector over every account, the first page, the API list."""
    from django.test import Client
    from django.urls import reverse

    from keyaccount.accounts.selectors import accounts_visible_to
    from keyaccount.tenancy.models import User

    head = User.objects.select_related("membership").get(email=f"head1@{slug}.example")
    counts = {}
    with QueryCounter() as counter:
        rows = [(a.name, a.owner and a.owner.name, a.parent_id, [t.name for t in a.tags.all()])
                for a in accounts_visible_to(head)]  # fmt: skip
    counts["selector, every visible account"] = counter.count
    assert rows, "the head sees the organization's accounts"
    client = Client()
    client.force_login(head)
    for label, url in [
        ("portfolio page", reverse("accounts:portfolio")),
        ("API /api/v1/accounts/", "/api/v1/accounts/"),
    ]:
        with QueryCounter() as counter:
            status = client.get(url).status_code
        counts[f"{label} [{status}]"] = counter.count
    return counts


def day_queries(slug: str) -> dict[str, int]:
    """Queries for the working loop's pages and lists of am1 and head1: they must not grow with the organization."""
    from django.test import Client

    from keyaccount.tenancy.models import User

    counts = {}
    for login, urls in [
        (
            "am1",
            [
                "/",
                "/api/v1/me/day/",
                "/work/tasks/",
                "/api/v1/tasks/",
                "/api/v1/requests/",
                "/api/v1/interactions/",
                "/dashboards/",
                "/alerts/",
                "/surveys/",
                "/api/v1/health-scores/",
                "/api/v1/health-alerts/",
            ],
        ),
        ("head1", ["/", "/api/v1/me/day/", "/alerts/", "/api/v1/health-scores/", "/api/v1/health-alerts/"]),
    ]:
        client = Client()
        client.force_login(User.objects.get(email=f"{login}@{slug}.example"))
        for url in urls:
            with QueryCounter() as counter:
                status = client.get(url).status_code
            counts[f"{login} {url} [{status}]"] = counter.count
    return counts


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="keyaccount-bench-") as var_dir:
        setup_django(var_dir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        results = {n: seed(n) for n in (50, 200)}
        print(f"{'accounts':>8} {'seconds':>8} {'queries':>8} {'queries/account':>16}")
        for n, (seconds, queries) in results.items():
            print(f"{n:>8} {seconds:>8.2f} {queries:>8} {queries / n:>16.1f}")
        (s50, q50), (s200, q200) = results[50], results[200]
        print(f"ratio 200/50: time {s200 / s50:.2f}, queries {q200 / q50:.2f} (4.0 is linear)")

        grew = False
        for title, measure in [
            ("portfolio of head1", portfolio_queries),
            ("the day, tasks, requests and interactions", day_queries),
        ]:
            small, large = measure("bench-50"), measure("bench-200")
            print(f"\n{title} (queries): 50 accounts vs 200 accounts")
            for (label, a), b in zip(small.items(), large.values(), strict=True):
                flag = "ok" if a == b else "GROWS"
                grew = grew or a != b
                print(f"  {label:<44} {a:>4} {b:>4}  {flag}")

        slow = s200 >= BUDGET_SECONDS_200
        print(f"\n200 accounts in {s200:.1f} s: {'OVER' if slow else 'within'} the {BUDGET_SECONDS_200:.0f} s budget")
        return 1 if slow or grew else 0


if __name__ == "__main__":
    sys.exit(main())
