"""In-process cost of anonymous pages: without the page cache, a cache miss, a cache hit.

Run on a seeded database (e.g. a copy of the initiatives bench's) with the shared cache the
production settings use::

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/breinaald_bench \\
    REDIS_URL=redis://127.0.0.1:6379/13 DJANGO_SECRET_KEY=bench DJANGO_ALLOWED_HOSTS=testserver \\
        .venv/bin/python bench/page_cache_bench.py --seconds 2

Prints requests/s (wall clock) and this process's CPU milliseconds per request (PostgreSQL's
and Redis's own work not counted). ``bench/throughput.py`` measures the same over HTTP.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from core import page_cache  # noqa: E402
from initiatives.models import Initiative  # noqa: E402
from members.models import Organisation  # noqa: E402
from stamp.models import Claim  # noqa: E402


def pages() -> dict[str, str]:
    initiative = Initiative.objects.published().order_by("pk").first()
    organisation = Organisation.objects.order_by("pk").first()
    claim = Claim.objects.order_by("-pk").first()
    if initiative is None or organisation is None:
        sys.exit("Seed the database first (bench/initiatives_bench.py or seed_demo).")
    found = {
        "floor (robots.txt)": "/robots.txt",
        "home": "/",
        "initiative list": "/initiatieven/",
        "initiative detail": f"/initiatieven/{initiative.slug}/",
        "organisation page": f"/organisaties/{organisation.slug}/",
        "stamp carriers": "/stempel/dragers/",
        "search": "/zoeken/?q=buurt",
    }
    if claim is not None:
        found["badge SVG"] = f"/stempel/v/{claim.code}/stempel.svg"
        found["badge PNG"] = f"/stempel/v/{claim.code}/stempel.png"
    return found


def rate(
    path: str, seconds: float, before: Callable[[], object] | None = None
) -> tuple[float, float]:
    """Requests/s and CPU ms per request for ``path`` over ``seconds``."""
    client = Client()
    client.get(path, secure=True)
    count = 0
    cpu = time.process_time()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if before:
            before()
        response = client.get(path, secure=True)
        assert response.status_code == 200, (path, response.status_code)
        count += 1
    return count / (time.perf_counter() - start), (time.process_time() - cpu) * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0, help="per page and mode")
    args = parser.parse_args()
    without = [m for m in settings.MIDDLEWARE if m != "core.page_cache.PageCacheMiddleware"]
    print("load:", os.getloadavg())
    print(f"{'page':20} {'no cache':>15} {'miss':>15} {'hit':>15} {'CPU no/hit':>11}")
    for name, path in pages().items():
        with override_settings(MIDDLEWARE=without):
            plain = rate(path, args.seconds)
        miss = rate(path, args.seconds, page_cache.bump_version)
        hit = rate(path, args.seconds)
        print(
            f"{name:20} {plain[0]:6.0f}/s {plain[1]:5.1f}ms {miss[0]:6.0f}/s {miss[1]:5.1f}ms "
            f"{hit[0]:6.0f}/s {hit[1]:5.1f}ms {plain[1] / hit[1]:9.1f}x"
        )
    print("load:", os.getloadavg())


if __name__ == "__main__":
    main()
