"""A pytest plugin loaded first (`-p keyaccount.testenv`): tests need no deployment environment."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("AXES_ENABLED", "0")
