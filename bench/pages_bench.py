"""Benchmark the organisation pages and the home page at scale.

Usage, on a copy of the initiatives bench's database (``bench/initiatives_bench.py`` seeds
it; this script adds two organisations and never empties anything):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/br_pages_bench \\
        .venv/bin/python bench/pages_bench.py [--requests 60]

It adds, once, ``bench-pages-small`` (leads 5 of the oldest initiatives, a confirmed
partner of 3 more) and ``bench-pages-big`` (leads 20,000 initiatives, taken over from the
seeded organisations so the total stays the same, and a confirmed partner of 50). Then it
times in-process through django.test.Client: the home page with the figures cached (warm)
and with them dropped before every request (cold), both organisation pages, and the
directory ``/organisaties/`` (first page and a deep one). It prints p50/p95 server time,
the query count per page and the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import tests.environment  # noqa: F401  (test-like settings: no debug, local hosts)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings")
if "DATABASE_URL" not in os.environ:
    sys.exit("Set DATABASE_URL to a database of its own, e.g. .../br_pages_bench")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

# Plain static names, and no whole-page cache (core.page_cache): the bench times what a
# page costs to render, which is what a visitor pays whenever the page cache misses.
override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != "core.page_cache.PageCacheMiddleware"],
).enable()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from initiatives.models import Initiative, InitiativePartner  # noqa: E402
from members.models import Organisation, OrganisationKind  # noqa: E402

SMALL, BIG = "bench-pages-small", "bench-pages-big"
FIGURES_KEY = "home:figures:v1"  # platform_site.home.FIGURES_KEY (absent before the change)


def _organisation(slug: str) -> tuple[Organisation, bool]:
    return Organisation.objects.get_or_create(
        slug=slug,
        defaults={"name": slug, "kind": OrganisationKind.values[0], "status": "verified"},
    )


def _partner_of(organisation: Organisation, initiative_ids: list[int]) -> None:
    now = timezone.now()
    InitiativePartner.objects.bulk_create(
        [
            InitiativePartner(
                initiative_id=pk,
                organisation=organisation,
                role="knowledge_partner",
                confirmed_at=now,
            )
            for pk in initiative_ids
        ],
        ignore_conflicts=True,
    )


def seed() -> None:
    small, created_small = _organisation(SMALL)
    big, created_big = _organisation(BIG)
    if not (created_small or created_big):
        return
    oldest = list(
        Initiative.objects.exclude(lead__slug__in=[SMALL, BIG])
        .order_by("published_at")
        .values_list("pk", flat=True)[:8]
    )
    Initiative.objects.filter(pk__in=oldest[:5]).update(lead=small)
    _partner_of(small, oldest[5:8])
    # Every fifth initiative, newest to oldest, so the big one's rows spread over all dates.
    taken = list(
        Initiative.objects.exclude(lead__slug__in=[SMALL, BIG])
        .order_by("-published_at")
        .values_list("pk", flat=True)[::5][:20_000]
    )
    Initiative.objects.filter(pk__in=taken).update(lead=big)
    partner = list(
        Initiative.objects.exclude(lead=big).order_by("?").values_list("pk", flat=True)[:50]
    )
    _partner_of(big, partner)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print("added the small and the big organisation")


def measure(
    client: Client, label: str, url: str, n: int, before: Callable[[], None] | None = None
) -> None:
    for _ in range(3):  # warm up
        client.get(url)
    times, counts = [], set()
    for _ in range(n):
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
        f"queries {min(counts)}–{max(counts)}   ({n} requests)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--show", nargs="+", metavar="URL", help="print one request's SQL")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    seed()
    n = args.requests
    client = Client()
    for url in args.show or []:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"{url}: {len(queries)} queries")
        for query in queries.captured_queries:
            print(f"  {query['time']} s  {query['sql'][:400]}")
    if args.show:
        return
    small = Organisation.objects.get(slug=SMALL)
    big = Organisation.objects.get(slug=BIG)
    print(
        f"\n{Initiative.objects.count()} initiatives, {Organisation.objects.count()} "
        f"organisations; small leads {Initiative.objects.filter(lead=small).count()}, "
        f"big leads {Initiative.objects.filter(lead=big).count()}; {os.cpu_count()} CPUs; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    measure(client, "home, figures cached", "/", n)
    measure(client, "home, figures dropped each time", "/", n, lambda: cache.delete(FIGURES_KEY))
    measure(client, "organisation, 5 initiatives", small.get_absolute_url(), n)
    measure(client, "organisation, 20,000 initiatives", big.get_absolute_url(), n)
    measure(client, "/organisaties/", "/organisaties/", n)
    measure(client, "/organisaties/?pagina=150", "/organisaties/?pagina=150", n)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
