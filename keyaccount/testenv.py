"""A pytest plugin loaded first (`-p keyaccount.testenv`): tests need no deployment environment.

`KEYACCOUNT_TEST_TODAY=2027-02-28 make test` runs the whole suite as if that were the real date (the
clock keeps ticking from 10:00 UTC that day; `2027-02-28T23:30` starts at that time, UTC): the suite must
pass on any date and at any hour, and this is how to try one.
"""

import datetime
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("AXES_ENABLED", "0")

_TODAY = os.environ.get("KEYACCOUNT_TEST_TODAY", "").strip()
if _TODAY:
    import time_machine

    try:
        _start = datetime.datetime.fromisoformat(_TODAY if "T" in _TODAY else f"{_TODAY}T10:00")
    except ValueError as error:
        raise SystemExit(f"KEYACCOUNT_TEST_TODAY must be a date such as 2027-02-28, not {_TODAY!r}") from error
    time_machine.travel(_start.replace(tzinfo=_start.tzinfo or datetime.UTC), tick=True).start()
