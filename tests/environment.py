"""Environment for the test suite, loaded as a pytest plugin (``-p tests.environment``).

It runs before pytest-django reads the settings, so the suite works from a bare
``pytest`` call too. Values already set in the environment win (e.g. DATABASE_URL).
"""

import os

TEST_ENVIRONMENT = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "test-secret-key-not-for-production-0123456789-abcdefghijklmnop",
    "DJANGO_HTTPS": "false",
    "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    # Staff personas log in without an authenticator app; the admin's second-factor rule
    # (on by default without debug) has its own tests in tests/security/test_platform.py.
    "ADMIN_REQUIRE_MFA": "false",
    # Never contacted: Django's test runner swaps every mailer for the in-memory one.
    "SMTP_URL": "smtp://127.0.0.1:1025",
    # The page cache is on only where the cache is shared by every process (Redis); a test
    # process is one process, so its local-memory cache is shared enough.
    "PAGE_CACHE": "true",
}

for name, value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(name, value)

# Parallel workers (pytest -n) must not share a Redis database: every test empties the cache
# (FLUSHDB), which would wipe another worker's rate-limit counters mid-test. Worker N uses the
# configured database number + N.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(os.environ["REDIS_URL"])
    _base = int(_parts.path.strip("/") or 0)
    _database = (_base + int(_worker[2:])) % 16
    os.environ["REDIS_URL"] = urlunsplit(_parts._replace(path=f"/{_database}"))
