"""Benchmark: match suggestions among many organisations and offers and needs.

Run against your own database (never production); it migrates the database first:
    DATABASE_URL=postgresql://... .venv/bin/python bench/matchmaking_bench.py \
        [--organisations 100000] [--offers-needs 500000] [--runs 100] [--clean-up]

The data is seeded in steps and kept: a rerun (or a larger size) reuses what is there and only
adds the difference (rows carry recognisable ``bench-`` slugs; ``--clean-up`` removes them).
It is committed and vacuumed like a live database. Each organisation has two themes, a sixth
carry the stamp, a tenth of the offers and needs are closed and they were created over two
years; 2,000 challenges and 20,000 initiatives give the reverse look-ups something to rank.

Timed, each over a fixed set of subjects in turn (``--subjects``): ``for_challenge``,
``for_initiative``, ``needs_meeting_offers``, ``challenges_for`` and ``initiatives_for``.
Prints p50 and p95 in ms, and a digest of every list found, so two runs (before and after a
change) can be compared for the same answers.

``--compare-with FILE`` also loads an older `matchmaking.suggestions` from FILE (for example
``git show HEAD:matchmaking/suggestions.py > /tmp/old.py``) and times it call by call against
the current one on the same subjects, under the same load; "same" counts the subjects for which
both give the same suggestions (organisations, scores, reasons, order).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Region, Theme  # noqa: E402
from initiatives.models import (  # noqa: E402
    Challenge,
    ChallengeLink,
    ChallengeStatus,
    Initiative,
    InitiativeStage,
    PublicationStatus,
    ResourceKind,
    ThemedChallenge,
    ThemedInitiative,
)
from matchmaking import suggestions  # noqa: E402
from matchmaking.models import OfferNeed, ThemedOfferNeed  # noqa: E402
from members.models import Organisation, OrganisationKind, ThemedOrganisation  # noqa: E402
from stamp.models import Charter, Claim, ClaimStatus  # noqa: E402

CHALLENGES = 2_000
INITIATIVES = 20_000
BATCH = 5_000


def _themes_and_regions() -> tuple[list[Region], list[Theme]]:
    regions = [
        Region.objects.get_or_create(slug=f"bench-regio-{i}", defaults={"name": f"Bench {i}"})[0]
        for i in range(12)
    ]
    themes = [
        Theme.objects.get_or_create(slug=f"bench-thema-{i}", defaults={"name": f"bench {i}"})[0]
        for i in range(30)
    ]
    return regions, themes


def _bench_organisation_ids() -> list[int]:
    return list(
        Organisation.objects.filter(slug__startswith="bench-organisatie-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def seed_organisations(
    rng: random.Random, wanted: int, regions: list[Region], themes: list[Theme]
) -> None:
    """Add bench organisations until there are ``wanted``: two themes each, a sixth stamped."""
    have = len(_bench_organisation_ids())
    if have >= wanted:
        return
    kinds = OrganisationKind.values
    charter = Charter.objects.filter(version=9999).first() or Charter.objects.create(
        version=9999, title="Bench", summary="Bench", body="Bench", published_at=timezone.now()
    )
    now = timezone.now()
    for start in range(have, wanted, BATCH):
        with transaction.atomic():
            organisations = Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"Bench organisatie {i}",
                        slug=f"bench-organisatie-{i}",
                        kind=rng.choice(kinds),
                        region=rng.choice(regions),
                        status="verified" if i % 3 else "pending",
                    )
                    for i in range(start, min(wanted, start + BATCH))
                ]
            )
            ThemedOrganisation.objects.bulk_create(
                [
                    ThemedOrganisation(content_object=org, tag=theme)
                    for org in organisations
                    for theme in rng.sample(themes, 2)
                ]
            )
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
                    for org in rng.sample(organisations, len(organisations) // 6)
                ]
            )
        print(f"  {start + len(organisations)} organisations", flush=True)


def seed_offers_needs(wanted: int, regions: list[Region], themes: list[Theme]) -> None:
    """Add offers and needs until there are ``wanted``, in one INSERT ... SELECT per step:
    random organisation, direction, kind, region, one theme, creation date over two years."""
    table = OfferNeed._meta.db_table
    have = OfferNeed.objects.filter(slug__startswith="bench-").count()
    if have >= wanted:
        return
    org_ids = _bench_organisation_ids()
    step = 100_000
    for start in range(have, wanted, step):
        end = min(wanted, start + step)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table}
                    (organisation_id, direction, kind, title, slug, description, region_id,
                     closed_at, hidden_reason, created_at, updated_at)
                SELECT (%(orgs)s::bigint[])[1 + floor(random() * %(n_orgs)s)::int],
                       (ARRAY['offer', 'need'])[1 + floor(random() * 2)::int],
                       (%(kinds)s::text[])[1 + floor(random() * %(n_kinds)s)::int],
                       'Bench aanbod ' || i, 'bench-' || i, 'Bench',
                       (%(regions)s::bigint[])[1 + floor(random() * %(n_regions)s)::int],
                       CASE WHEN i %% 10 = 0 THEN now() END, '',
                       now() - random() * interval '2 years', now()
                FROM generate_series(%(start)s, %(end)s) AS i
                """,
                {
                    "orgs": org_ids,
                    "n_orgs": len(org_ids),
                    "kinds": ResourceKind.values,
                    "n_kinds": len(ResourceKind.values),
                    "regions": [region.pk for region in regions],
                    "n_regions": len(regions),
                    "start": start + 1,
                    "end": end,
                },
            )
            cursor.execute(
                f"""
                INSERT INTO {ThemedOfferNeed._meta.db_table} (content_object_id, tag_id)
                SELECT x.id, (%(themes)s::bigint[])[1 + floor(random() * %(n)s)::int]
                FROM {table} x WHERE x.slug LIKE 'bench-%%' AND NOT EXISTS (
                    SELECT 1 FROM {ThemedOfferNeed._meta.db_table} t
                    WHERE t.content_object_id = x.id)
                """,
                {"themes": [theme.pk for theme in themes], "n": len(themes)},
            )
        print(f"  {end} offers and needs", flush=True)


def seed_challenges_initiatives(
    rng: random.Random, regions: list[Region], themes: list[Theme]
) -> None:
    """2,000 open challenges and 20,000 initiatives (a third linked to a challenge, confirmed)."""
    if Challenge.objects.filter(slug__startswith="bench-vraagstuk-").exists():
        return
    org_ids = _bench_organisation_ids()
    now = timezone.now()
    kinds, resources = OrganisationKind.values, ResourceKind.values
    stages = InitiativeStage.values
    with transaction.atomic():
        challenges = Challenge.objects.bulk_create(
            [
                Challenge(
                    owner_id=rng.choice(org_ids),
                    title=f"Bench vraagstuk {i}",
                    slug=f"bench-vraagstuk-{i}",
                    summary="Bench",
                    description="Bench",
                    region=rng.choice(regions),
                    stakeholder_kinds=rng.sample(kinds, rng.randint(1, 3)),
                    resources_needed=rng.sample(resources, rng.randint(1, 3)),
                    status=ChallengeStatus.OPEN,
                    publication_status=PublicationStatus.PUBLISHED,
                    published_at=now - timedelta(days=rng.randint(0, 700)),
                )
                for i in range(CHALLENGES)
            ],
            batch_size=BATCH,
        )
        ThemedChallenge.objects.bulk_create(
            [
                ThemedChallenge(content_object=challenge, tag=theme)
                for challenge in challenges
                for theme in rng.sample(themes, 3)
            ],
            batch_size=BATCH,
        )
        initiatives = Initiative.objects.bulk_create(
            [
                Initiative(
                    lead_id=rng.choice(org_ids),
                    title=f"Bench initiatief {i}",
                    slug=f"bench-initiatief-{i}",
                    tagline="Bench",
                    description="Bench",
                    region=rng.choice(regions),
                    stage=rng.choice(stages),
                    publication_status=PublicationStatus.PUBLISHED,
                    published_at=now,
                )
                for i in range(INITIATIVES)
            ],
            batch_size=BATCH,
        )
        ThemedInitiative.objects.bulk_create(
            [
                ThemedInitiative(content_object=initiative, tag=theme)
                for initiative in initiatives
                for theme in rng.sample(themes, 2)
            ],
            batch_size=BATCH,
        )
        ChallengeLink.objects.bulk_create(
            [
                ChallengeLink(
                    initiative=initiative, challenge=rng.choice(challenges), confirmed_at=now
                )
                for initiative in initiatives[::3]
            ],
            batch_size=BATCH,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Initiative._meta.db_table} SET updated_at = now() - random() * interval "
                "'1 year' WHERE slug LIKE 'bench-initiatief-%%'"
            )


def clean_up() -> None:
    """Remove everything the benchmark made (its rows carry recognisable slugs)."""
    with transaction.atomic():
        Initiative.objects.filter(slug__startswith="bench-initiatief-").delete()
        Challenge.objects.filter(slug__startswith="bench-vraagstuk").delete()
        OfferNeed.objects.filter(slug__startswith="bench-").delete()
        Claim.objects.filter(charter_agreed__version=9999).delete()
        Charter.objects.filter(version=9999).delete()
        Organisation.objects.filter(slug__startswith="bench-organisatie-").delete()
        Theme.objects.filter(slug__startswith="bench-thema-").delete()
        Region.objects.filter(slug__startswith="bench-regio-").delete()


def _time(
    name: str,
    call: Callable[[Any], list[suggestions.Suggestion]],
    subjects: Sequence[Any],
    runs: int,
) -> str:
    """Time ``call`` over the subjects in turn; return a digest of the answers."""
    digest = hashlib.sha256()
    for subject in subjects:  # warm up, and the answers
        for found in call(subject):
            digest.update(f"{found.kind}:{found.pk}:{found.score};".encode())
        digest.update(b"|")
    timings = []
    for run in range(runs):
        subject = subjects[run % len(subjects)]
        started = time.perf_counter()
        call(subject)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    short = digest.hexdigest()[:12]
    print(
        f"{name:<22} {runs} runs: p50 {p50:6.1f} ms, p95 {p95:6.1f} ms, answers {short}", flush=True
    )
    return short


def _percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def _answer(found: list[suggestions.Suggestion]) -> list[tuple[Any, ...]]:
    return [(s.kind, s.pk, s.title, s.score, tuple(s.reasons)) for s in found]


def _load_old(path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location("suggestions_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _compare(
    name: str,
    old: Callable[[Any], Any],
    new: Callable[[Any], Any],
    subjects: Sequence[Any],
    runs: int,
) -> None:
    """Old and new call by call on the same subject; p50/p95 of each and how many agree."""
    same = sum(_answer(old(subject)) == _answer(new(subject)) for subject in subjects)
    before: list[float] = []
    after: list[float] = []
    for run in range(runs):
        subject = subjects[run % len(subjects)]
        for call, timings in (
            ((old, before), (new, after)) if run % 2 else ((new, after), (old, before))
        ):
            started = time.perf_counter()
            call(subject)
            timings.append((time.perf_counter() - started) * 1000)
    b50, b95 = _percentiles(before)
    a50, a95 = _percentiles(after)
    print(
        f"| {name} | {b50:.1f} | {b95:.1f} | {a50:.1f} | {a95:.1f} |"
        f" {b50 / a50:.1f}x / {b95 / a95:.1f}x | {same}/{len(subjects)} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--offers-needs", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--subjects", type=int, default=20, help="subjects per look-up")
    parser.add_argument("--clean-up", action="store_true", help="remove the bench data and stop")
    parser.add_argument("--compare-with", help="an older suggestions.py to time against")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if args.clean_up:
        clean_up()
        return
    rng = random.Random(42)
    started = time.perf_counter()
    regions, themes = _themes_and_regions()
    seed_organisations(rng, args.organisations, regions, themes)
    seed_offers_needs(args.offers_needs, regions, themes)
    seed_challenges_initiatives(rng, regions, themes)
    with connection.cursor() as cursor:
        # Like a live database: committed, vacuumed (visibility map) and analysed.
        cursor.execute("VACUUM ANALYZE")
    organisations = len(_bench_organisation_ids())
    offers = OfferNeed.objects.filter(slug__startswith="bench-").count()
    print(
        f"Data: {organisations} organisations, {offers} offers and needs, {CHALLENGES} challenges,"
        f" {INITIATIVES} initiatives (ready in {time.perf_counter() - started:.1f} s)"
    )
    pick = random.Random(7)
    challenges = list(Challenge.objects.filter(slug__startswith="bench-vraagstuk-").order_by("pk"))
    linked = list(
        Initiative.objects.filter(
            slug__startswith="bench-initiatief-", challenge_links__isnull=False
        )
        .exclude(stage=InitiativeStage.COMPLETED)
        .order_by("pk")
    )
    offering = list(
        Organisation.objects.filter(
            slug__startswith="bench-organisatie-",
            pk__in=OfferNeed.objects.current().offers().values("organisation_id"),
        ).order_by("pk")[:2000]
    )
    count = args.subjects
    looks: list[tuple[str, Callable[[Any], list[suggestions.Suggestion]], Sequence[Any]]] = [
        ("for_challenge", suggestions.for_challenge, pick.sample(challenges, count)),
        ("for_initiative", suggestions.for_initiative, pick.sample(linked, count)),
        ("needs_meeting_offers", suggestions.needs_meeting_offers, pick.sample(offering, count)),
        ("challenges_for", suggestions.challenges_for, pick.sample(offering, count)),
        ("initiatives_for", suggestions.initiatives_for, pick.sample(offering, count)),
    ]
    print(f"Load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    for name, call, subjects in looks:
        _time(name, call, subjects, args.runs)
    if args.compare_with:
        old = _load_old(args.compare_with)
        print(f"Interleaved with {args.compare_with}, {args.runs} runs each (ms):")
        print(
            "| look-up | before p50 | before p95 | after p50 | after p95 | ratio p50 / p95 | same |"
        )
        print("|---|---|---|---|---|---|---|")
        for name, call, subjects in looks:
            _compare(name, getattr(old, name), call, subjects, args.runs)
    print(f"Load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(f"PostgreSQL: {cursor.fetchone()[0].split(',')[0]}")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
