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
directory ``/organisaties/`` (first page, a deep one, two filtered ones). It prints p50/p95
server time, the query count per page and the machine's load average (bench/page_timing.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.page_timing import load_average, measure, setup

# No whole-page cache (core.page_cache): the bench times what a page costs to render.
setup(example_database="br_pages_bench", page_cache=False)

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from initiatives.models import Initiative, InitiativePartner  # noqa: E402
from members.models import Organisation, OrganisationKind  # noqa: E402

SMALL, BIG = "bench-pages-small", "bench-pages-big"
DIRECTORY_URLS = [
    "/organisaties/",
    "/organisaties/?pagina=150",
    "/organisaties/?soort=municipality&regio=utrecht",
    "/organisaties/?geverifieerd=1&pagina=40",
]
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
        f"load average {load_average()}"
    )
    measure(client, "home, figures cached", ["/"] * n)
    measure(client, "home, figures dropped each time", ["/"] * n, lambda: cache.delete(FIGURES_KEY))
    measure(client, "organisation, 5 initiatives", [small.get_absolute_url()] * n)
    measure(client, "organisation, 20,000 initiatives", [big.get_absolute_url()] * n)
    for url in DIRECTORY_URLS:
        measure(client, url, [url] * n)
    print(f"load average {load_average()}")


if __name__ == "__main__":
    main()
