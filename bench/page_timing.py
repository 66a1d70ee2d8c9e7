"""What the in-process page benches share: Django set up on the bench's own database, and
the timing of a page through ``django.test.Client`` (p50/p95 server time, query count).

A bench script puts the project root on ``sys.path`` and then calls ``setup()`` before it
imports any model::

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.page_timing import measure, setup

    setup(example_database="br_pages_bench", page_cache=False)
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def setup(*, example_database: str, page_cache: bool = True) -> None:
    """Test-like settings (no debug, local hosts) on ``DATABASE_URL``, plain static names
    (no collected, hashed manifest needed) and, with ``page_cache=False``, no whole-page
    cache (``core.page_cache``): the timings are then what a page costs to render, which is
    what a visitor pays whenever the page cache misses."""
    import tests.environment  # noqa: F401  (sets the environment before the settings load)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings")
    if "DATABASE_URL" not in os.environ:
        sys.exit(f"Set DATABASE_URL to a database of its own, e.g. .../{example_database}")

    import django

    django.setup()

    from django.conf import settings
    from django.test.utils import override_settings

    overrides: dict[str, Any] = {
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    }
    if not page_cache:
        overrides["MIDDLEWARE"] = without_page_cache()
    override_settings(**overrides).enable()


def without_page_cache() -> list[str]:
    """The project's middleware without ``core.page_cache.PageCacheMiddleware``."""
    from django.conf import settings

    return [name for name in settings.MIDDLEWARE if not name.endswith("PageCacheMiddleware")]


def measure(
    client: Any,
    label: str,
    urls: list[str],
    before: Callable[[], None] | None = None,
) -> None:
    """Time a GET of each URL (after three warm-up requests) and print p50, p95 and the
    range of query counts; ``before`` runs ahead of each timed request, untimed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls[:3]:  # warm caches
        client.get(url)
    times, counts = [], set()
    for url in urls:
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.add(len(queries))
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"{label:<34} p50 {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   "
        f"queries {min(counts)}–{max(counts)}   ({len(times)} requests)",
        flush=True,
    )


def load_average() -> str:
    """The machine's load average (1, 5, 15 minutes), for the line above and below a table."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
