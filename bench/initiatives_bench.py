"""Benchmark the initiatives pages at scale: list, filtered list, detail and search.

Usage (a database of its own; it is filled, never emptied):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/breinaald_bench \\
        .venv/bin/python bench/initiatives_bench.py [--initiatives 100000] [--requests 60]

Seeds N published initiatives (organisations N/20, challenges N/10, stories N/5) with
bulk_create when the database holds fewer, then times each page in-process through
django.test.Client and prints p50/p95 server times and the query count per page.
``--only search`` times the search rows alone.

The texts use a 64-word vocabulary, so the typo vocabulary (SearchTerm) is padded with
VOCABULARY made-up Dutch-looking words: a real site's vocabulary holds tens of thousands of
words, and the trigram look-up for a typo costs in proportion.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.page_timing import load_average, measure, setup

# No whole-page cache (core.page_cache): every row times the page itself.
setup(example_database="breinaald_bench", page_cache=False)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Region, Theme  # noqa: E402
from initiatives import search  # noqa: E402
from initiatives.models import (  # noqa: E402
    Challenge,
    Initiative,
    SearchTerm,
    Story,
    ThemedChallenge,
    ThemedInitiative,
)
from initiatives.services import words_of  # noqa: E402
from members.models import Organisation, OrganisationKind  # noqa: E402
from members.roles import LISTED_STATUSES  # noqa: E402
from tests.initiatives.test_search_ranking import EXHAUSTIVE_TEMPLATE  # noqa: E402

WORDS = [
    "buurt",
    "wijk",
    "bewoners",
    "gemeente",
    "jongeren",
    "ouderen",
    "werk",
    "woning",
    "woningen",
    "energie",
    "zonnepanelen",
    "isolatie",
    "warmte",
    "armoede",
    "schulden",
    "eenzaamheid",
    "voedsel",
    "moestuin",
    "fietsen",
    "repareren",
    "taal",
    "school",
    "stage",
    "leerwerkbaan",
    "chauffeur",
    "transport",
    "zorg",
    "welzijn",
    "vrijwilligers",
    "maatjes",
    "samenwerking",
    "coalitie",
    "ondernemers",
    "corporatie",
    "huurders",
    "verduurzamen",
    "klimaat",
    "groen",
    "water",
    "regen",
    "daken",
    "tuinen",
    "spelen",
    "sport",
    "cultuur",
    "muziek",
    "kunst",
    "bibliotheek",
    "digitaal",
    "jeugdwerkloosheid",
    "nul-op-de-meter",
    "statushouders",
    "nieuwkomers",
    "inclusie",
    "mantelzorg",
    "dementie",
    "gezondheid",
    "bewegen",
    "mobiliteit",
    "deelauto",
    "laadpalen",
    "afval",
    "circulair",
    "hergebruik",
]
THEMES = ["energietransitie", "wonen", "zorg", "armoede", "voedsel", "jeugdwerkloosheid"]
REGIONS = ["midden-brabant", "utrecht", "amsterdam", "rotterdam-rijnmond", "twente", "groningen"]
STAGES = ["idea", "pilot", "running", "scaling", "completed"]
BATCH = 5000
VOCABULARY = 100_000
SYLLABLES = (  # noqa: SIM905  (one line of text reads better than a hundred lines)
    "aan af al an ar as be bo bu da de di do dr ee ei el en er es ge gr ha he ho hu ij in ka "
    "ke ki kl ko kr la le li lo lu ma me mi mo na ne ni no oe om on oo op or ou pa pe pl po "
    "pr ra re ri ro sa sch se sl sm sn so sp st ta te ti to tr tu ui va ve vi vo vr wa we wi "
    "wo za ze zi zo heid lijk baar ing ster tje atie isch loos werk huis bouw land stad"
).split()


def sentence(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + "."


def seed(total: int) -> None:
    rng = random.Random(42)
    existing = Initiative.objects.count()
    if existing >= total:
        print(f"database already holds {existing} initiatives")
        return
    started = time.perf_counter()
    regions = [
        Region.objects.get_or_create(slug=s, defaults={"name": s.title()})[0] for s in REGIONS
    ]
    themes = [Theme.objects.get_or_create(slug=s, defaults={"name": s})[0] for s in THEMES]
    kinds = OrganisationKind.values
    want_orgs = max(total // 20, 10)
    have_orgs = Organisation.objects.filter(slug__startswith="bench-org-").count()
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Organisatie {n} {rng.choice(WORDS)}",
                slug=f"bench-org-{n}",
                kind=rng.choice(kinds),
                region=rng.choice(regions),
                status="verified",
                description=sentence(rng, 25),
            )
            for n in range(have_orgs, want_orgs)
        ],
        batch_size=BATCH,
    )
    org_ids = list(Organisation.objects.values_list("pk", flat=True))
    now = timezone.now()

    def published_at(n: int) -> object:
        return now - timedelta(minutes=n)

    for start in range(existing, total, BATCH):
        stop = min(start + BATCH, total)
        batch = []
        for n in range(start, stop):
            text = " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(4, 10)))
            batch.append(
                Initiative(
                    title=f"{sentence(rng, 3)[:-1]} {n}",
                    slug=f"bench-initiatief-{n}",
                    tagline=sentence(rng, 10),
                    description=text,
                    search_text=text,
                    lead_id=rng.choice(org_ids),
                    region=rng.choice(regions),
                    stage=rng.choice(STAGES),
                    publication_status="published",
                    published_at=published_at(n),
                )
            )
        created = Initiative.objects.bulk_create(batch)
        ThemedInitiative.objects.bulk_create(
            [
                ThemedInitiative(content_object_id=item.pk, tag=theme)
                for item in created
                for theme in rng.sample(themes, 2)
            ]
        )
        challenges = []
        for n in range(start // 10, stop // 10):
            text = " ".join(sentence(rng, 15) for _ in range(5))
            challenges.append(
                Challenge(
                    owner_id=rng.choice(org_ids),
                    title=f"Vraagstuk {sentence(rng, 3)[:-1]} {n}",
                    slug=f"bench-vraagstuk-{n}",
                    summary=sentence(rng, 15),
                    description=text,
                    search_text=text,
                    region=rng.choice(regions),
                    publication_status="published",
                    published_at=published_at(n),
                )
            )
        created_challenges = Challenge.objects.bulk_create(challenges)
        ThemedChallenge.objects.bulk_create(
            [
                ThemedChallenge(content_object_id=c.pk, tag=rng.choice(themes))
                for c in created_challenges
            ]
        )
        stories = []
        for index, item in enumerate(created[::5]):
            text = " ".join(sentence(rng, 15) for _ in range(8))
            stories.append(
                Story(
                    initiative_id=item.pk,
                    title=f"Verhaal {item.title}",
                    slug=f"bench-verhaal-{start + index}",
                    summary=sentence(rng, 12),
                    problem=text,
                    search_text=text,
                    publication_status="published",
                    published_at=published_at(start + index),
                )
            )
        Story.objects.bulk_create(stories)
        print(f"  {stop} initiatives ({time.perf_counter() - started:.0f} s)", flush=True)
    vocabulary = set()
    for word in WORDS:
        vocabulary |= words_of(word)
    SearchTerm.objects.bulk_create([SearchTerm(word=w) for w in vocabulary], ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded in {time.perf_counter() - started:.0f} s")


def seed_vocabulary(size: int) -> None:
    """Pad the typo vocabulary with made-up words, so a typo costs what it would on a real site."""
    have = SearchTerm.objects.count()
    if have >= size:
        return
    rng = random.Random(11)
    words: set[str] = set()
    while len(words) < size - have:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5)))
        if 4 <= len(word) <= 60:
            words.add(word)
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=word) for word in words], batch_size=BATCH, ignore_conflicts=True
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE initiatives_searchterm")
    print(f"typo vocabulary: {SearchTerm.objects.count()} words")


def typo(rng: random.Random, word: str) -> str:
    """The word with one letter replaced: a fresh typo, which no cache has seen yet."""
    position = rng.randrange(1, len(word))
    return word[:position] + rng.choice("aeiouklmnrst") + word[position + 1 :]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--initiatives", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--only", choices=["search"], help="time only these pages")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    seed(args.initiatives)
    seed_vocabulary(VOCABULARY)
    rng = random.Random(7)
    client = Client()
    n = args.requests
    total = Initiative.objects.count()
    print(
        f"\n{total} initiatives, {Challenge.objects.count()} challenges, "
        f"{Story.objects.count()} stories, {Organisation.objects.count()} organisations; "
        f"{os.cpu_count()} CPUs; load average {load_average()}"
    )
    if args.only != "search":
        measure_pages(client, rng, n, total)
    measure_search(rng, n, total)
    print(f"load average {load_average()}")


def measure_pages(client: Client, rng: random.Random, n: int, total: int) -> None:
    measure(client, "list /initiatieven/", ["/initiatieven/"] * n)
    deep = []
    url = "/initiatieven/"
    for _ in range(50):  # follow "More" fifty pages deep
        cursor = re.search(r'na=([^"&]+)" rel="next"', client.get(url).content.decode())
        assert cursor is not None
        url = f"/initiatieven/?na={cursor.group(1)}"
        deep.append(url)
    measure(client, "list, pages 1–50 deep", deep[:n])
    measure(
        client,
        "filtered list",
        [
            f"/initiatieven/?thema={rng.choice(THEMES)}&regio={rng.choice(REGIONS)}"
            f"&fase={rng.choice(STAGES)}&sorteer={rng.choice(['newest', 'title'])}"
            for _ in range(n)
        ],
    )
    slugs = [f"bench-initiatief-{rng.randrange(total)}" for _ in range(n)]
    measure(client, "initiative detail", [f"/initiatieven/{slug}/" for slug in slugs])


def check_top_twenty(queries: list[str]) -> None:
    """How many of the true top 20 (exhaustive ts_rank over all matches) search() returns,
    in the same order; a mismatch is printed, not fatal, so the timings still run."""
    exact = 0
    for text in queries:
        words = text.split()
        query_sql, params = search.build_query(words, {})
        with connection.cursor() as cursor:
            cursor.execute(
                EXHAUSTIVE_TEMPLATE.format(q=query_sql),
                {**params, "listed": list(LISTED_STATUSES), "limit": 20, "offset": 0},
            )
            truth = [
                reverse(search.DETAIL_URLS[kind], kwargs={"slug": slug})
                for kind, slug in cursor.fetchall()
            ]
        got = [hit.url for hit in search.search(text).hits]
        found = len(set(got) & set(truth))
        same = got == truth
        exact += same
        print(f"  top 20 for {text!r:<26} {found:2d} of {len(truth)} found, same order: {same}")
    print(f"top-20 exactness: {exact} of {len(queries)} queries exact")


def measure_search(rng: random.Random, n: int, total: int) -> None:
    client = Client()
    pick = random.Random(11)  # its own generator: the timed URLs stay those of earlier runs
    check_top_twenty([*pick.sample(WORDS, 8), *(" ".join(pick.sample(WORDS, 2)) for _ in range(2))])
    measure(client, "search, common word", [f"/zoeken/?q={rng.choice(WORDS)}" for _ in range(n)])
    measure(
        client,
        "search, two words",
        [f"/zoeken/?q={rng.choice(WORDS)}+{rng.choice(WORDS)}" for _ in range(n)],
    )
    measure(client, "search, typo", ["/zoeken/?q=jeugdwerkloosheit" for _ in range(n)])
    long_words = [word for word in WORDS if len(word) >= 6 and word.isalpha()]
    measure(
        client,
        "search, fresh typos",
        [f"/zoeken/?q={typo(rng, rng.choice(long_words))}" for _ in range(n)],
    )
    measure(
        client, "search, rare title word", [f"/zoeken/?q={rng.randrange(total)}" for _ in range(n)]
    )


if __name__ == "__main__":
    main()
