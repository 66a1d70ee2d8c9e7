"""Benchmark: suggestions for one challenge among 10,000 organisations and 50,000 offers and needs.

Run against your own database (never production):
    DATABASE_URL=postgresql://... .venv/bin/python bench/matchmaking_bench.py [--runs 100]

The data is committed and vacuumed (like a live database), and removed again at the end.
Prints p50 and p95 of the wall time of ``for_challenge``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Region, Theme  # noqa: E402
from initiatives.models import Challenge, PublicationStatus, ResourceKind  # noqa: E402
from matchmaking import suggestions  # noqa: E402
from matchmaking.models import OfferNeed, ThemedOfferNeed  # noqa: E402
from members.models import Organisation, OrganisationKind, ThemedOrganisation  # noqa: E402
from stamp.models import Charter, Claim, ClaimStatus  # noqa: E402

ORGANISATIONS = 10_000
OFFERS_AND_NEEDS = 50_000


def build(rng: random.Random) -> Challenge:
    regions = [
        Region.objects.get_or_create(slug=f"bench-regio-{i}", defaults={"name": f"Bench {i}"})[0]
        for i in range(12)
    ]
    themes = [
        Theme.objects.get_or_create(slug=f"bench-thema-{i}", defaults={"name": f"bench {i}"})[0]
        for i in range(30)
    ]
    kinds = OrganisationKind.values
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench organisatie {i}",
                slug=f"bench-organisatie-{i}",
                kind=rng.choice(kinds),
                region=rng.choice(regions),
                status="verified" if i % 3 else "pending",
            )
            for i in range(ORGANISATIONS)
        ],
        batch_size=2000,
    )
    ThemedOrganisation.objects.bulk_create(
        [
            ThemedOrganisation(content_object=org, tag=theme)
            for org in organisations
            for theme in rng.sample(themes, 2)
        ],
        batch_size=5000,
    )
    charter = Charter.objects.create(
        version=9999, title="Bench", summary="Bench", body="Bench", published_at=timezone.now()
    )
    now = timezone.now()
    Claim.objects.bulk_create(
        [
            Claim(
                organisation=org,
                status=ClaimStatus.ACTIVE,
                charter_agreed=charter,
                charter_confirmed=charter,
                active_since=now,
                # An issued claim names its recipient (stamp_claim_issued_has_recipient).
                recipient={
                    "type": "url",
                    "hashed": False,
                    "identity": f"https://{org.slug}.example",
                },
            )
            for org in rng.sample(organisations, 1500)
        ],
        batch_size=2000,
    )
    # Offers and needs in one INSERT ... SELECT: random organisation, direction, kind, region,
    # theme and creation date (over two years, so "recently active" really filters).
    org_ids = [org.pk for org in organisations]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {OfferNeed._meta.db_table}
                (organisation_id, direction, kind, title, slug, description, region_id,
                 closed_at, created_at, updated_at)
            SELECT (%(orgs)s::bigint[])[1 + floor(random() * %(n_orgs)s)::int],
                   (ARRAY['offer', 'need'])[1 + floor(random() * 2)::int],
                   (%(kinds)s::text[])[1 + floor(random() * %(n_kinds)s)::int],
                   'Bench aanbod ' || i, 'bench-' || i, 'Bench',
                   (%(regions)s::bigint[])[1 + floor(random() * %(n_regions)s)::int],
                   CASE WHEN i %% 10 = 0 THEN now() END,
                   now() - random() * interval '2 years', now()
            FROM generate_series(1, %(count)s) AS i
            """,
            {
                "orgs": org_ids,
                "n_orgs": len(org_ids),
                "kinds": ResourceKind.values,
                "n_kinds": len(ResourceKind.values),
                "regions": [region.pk for region in regions],
                "n_regions": len(regions),
                "count": OFFERS_AND_NEEDS,
            },
        )
        cursor.execute(
            f"""
            INSERT INTO {ThemedOfferNeed._meta.db_table} (content_object_id, tag_id)
            SELECT x.id, (%(themes)s::bigint[])[1 + floor(random() * %(n)s)::int]
            FROM {OfferNeed._meta.db_table} x WHERE x.slug LIKE 'bench-%%'
            """,
            {"themes": [theme.pk for theme in themes], "n": len(themes)},
        )
    owner = organisations[0]
    challenge = Challenge.objects.create(
        owner=owner,
        title="Bench vraagstuk",
        slug="bench-vraagstuk",
        summary="Bench",
        description="Bench",
        region=regions[0],
        stakeholder_kinds=["housing_corporation", "energy_company"],
        resources_needed=["funding", "space", "expertise"],
        publication_status=PublicationStatus.PUBLISHED,
        published_at=now,
    )
    challenge.themes.set(themes[:3])
    return challenge


def clean_up() -> None:
    """Remove everything the benchmark made (its rows carry recognisable slugs)."""
    with transaction.atomic():
        Challenge.objects.filter(slug="bench-vraagstuk").delete()
        OfferNeed.objects.filter(slug__startswith="bench-").delete()
        Claim.objects.filter(charter_agreed__version=9999).delete()
        Charter.objects.filter(version=9999).delete()
        Organisation.objects.filter(slug__startswith="bench-organisatie-").delete()
        Theme.objects.filter(slug__startswith="bench-thema-").delete()
        Region.objects.filter(slug__startswith="bench-regio-").delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(42)
    clean_up()
    try:
        started = time.perf_counter()
        with transaction.atomic():
            challenge = build(rng)
        # Like a live database: committed, vacuumed (visibility map) and analysed.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(
            f"Built {ORGANISATIONS} organisations and {OFFERS_AND_NEEDS} offers and needs "
            f"in {time.perf_counter() - started:.1f} s"
        )
        suggestions.for_challenge(challenge)  # warm up
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            found = suggestions.for_challenge(challenge)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"suggestions.for_challenge, {args.runs} runs: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        print(f"best match: {found[0].title} (score {found[0].score}): {found[0].reasons}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            print(f"PostgreSQL: {cursor.fetchone()[0].split(',')[0]}")
        machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
        print(f"Machine: {machine}, Python {platform.python_version()}")
    finally:
        clean_up()


if __name__ == "__main__":
    main()
