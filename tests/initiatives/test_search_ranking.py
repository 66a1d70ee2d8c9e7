"""Exact ranking: a one-word search returns the true top results by ``ts_rank``.

A generated data set with a small vocabulary, so that every word matches most texts: far
more than the candidate cap that multi-word searches still use (lowered here to make a capped
ranking fail). The truth is an exhaustive ``ts_rank`` over every visible match, in plain SQL.
"""

import random

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from initiatives import search as search_module
from initiatives.models import Challenge, Initiative, Story
from initiatives.search import DETAIL_URLS, PAGE_SIZE, search
from members.models import Organisation, OrganisationStatus
from members.roles import LISTED_STATUSES
from tests.initiatives.factories import RegionFactory

pytestmark = pytest.mark.django_db

WORDS = ["buurt", "woning", "energie", "zorg", "taal", "moestuin", "fietsen", "school"]

# Every visible match of every kind, ranked, ties by kind and id: what the page promises.
# ``{q}`` is the query; bench/initiatives_bench.py uses this too, for its exactness check.
EXHAUSTIVE_TEMPLATE = """
    SELECT kind, slug FROM (
        SELECT 'initiative' AS kind, x.id, x.slug, ts_rank(x.search_vector, {q}) AS rank
        FROM initiatives_initiative x JOIN members_organisation o ON o.id = x.lead_id
        WHERE x.publication_status = 'published' AND o.status = ANY(%(listed)s)
            AND x.search_vector @@ {q}
        UNION ALL
        SELECT 'challenge', x.id, x.slug, ts_rank(x.search_vector, {q})
        FROM initiatives_challenge x JOIN members_organisation o ON o.id = x.owner_id
        WHERE x.publication_status = 'published' AND o.status = ANY(%(listed)s)
            AND x.search_vector @@ {q}
        UNION ALL
        SELECT 'story', x.id, x.slug, ts_rank(x.search_vector, {q})
        FROM initiatives_story x JOIN initiatives_initiative i ON i.id = x.initiative_id
            JOIN members_organisation o ON o.id = i.lead_id
        WHERE x.publication_status = 'published' AND i.publication_status = 'published'
            AND o.status = ANY(%(listed)s) AND x.search_vector @@ {q}
        UNION ALL
        SELECT 'organisation', id, slug, ts_rank(search_vector, {q})
        FROM members_organisation
        WHERE status = ANY(%(listed)s) AND search_vector @@ {q}
    ) AS hits
    ORDER BY rank DESC, kind, id LIMIT %(limit)s OFFSET %(offset)s"""
EXHAUSTIVE = EXHAUSTIVE_TEMPLATE.format(q="plainto_tsquery('dutch_unaccent', %(word)s)")


def _sentence(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(length))


@pytest.fixture
def generated() -> None:
    """3,000 initiatives, 300 challenges, 600 stories and 60 organisations; some drafts, some
    suspended owners, so visibility is checked too. Titles of three words from eight."""
    rng = random.Random(14)
    region = RegionFactory()
    statuses = [OrganisationStatus.VERIFIED] * 5 + [OrganisationStatus.SUSPENDED]
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisatie {_sentence(rng, 2)}",
            slug=f"org-{n}",
            kind="social_enterprise",
            status=rng.choice(statuses),
            description=_sentence(rng, 20),
        )
        for n in range(60)
    )
    status = ["published"] * 9 + ["draft"]
    now = timezone.now()

    def state(rng: random.Random) -> dict:
        chosen = rng.choice(status)
        return {"publication_status": chosen, "published_at": now if chosen != "draft" else None}

    initiatives = Initiative.objects.bulk_create(
        Initiative(
            title=_sentence(rng, 3),
            slug=f"ini-{n}",
            tagline=_sentence(rng, 6),
            search_text=_sentence(rng, rng.randint(5, 60)),
            lead=rng.choice(orgs),
            region=region,
            stage="running",
            **state(rng),
        )
        for n in range(3000)
    )
    Challenge.objects.bulk_create(
        Challenge(
            title=_sentence(rng, 3),
            slug=f"cha-{n}",
            summary=_sentence(rng, 6),
            search_text=_sentence(rng, rng.randint(5, 60)),
            owner=rng.choice(orgs),
            region=region,
            **state(rng),
        )
        for n in range(300)
    )
    Story.objects.bulk_create(
        Story(
            title=_sentence(rng, 3),
            slug=f"sto-{n}",
            summary=_sentence(rng, 6),
            search_text=_sentence(rng, rng.randint(5, 60)),
            initiative=initiative,
            **state(rng),
        )
        for n, initiative in enumerate(initiatives[::5])
    )


def _truth(word: str, page: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            EXHAUSTIVE,
            {
                "word": word,
                "listed": list(LISTED_STATUSES),
                "limit": PAGE_SIZE,
                "offset": (page - 1) * PAGE_SIZE,
            },
        )
        rows = cursor.fetchall()
    return [reverse(DETAIL_URLS[kind], kwargs={"slug": slug}) for kind, slug in rows]


def _found(word: str, page: int) -> list[str]:
    return [hit.url for hit in search(word, page=page).hits]


@pytest.mark.parametrize("word", [*WORDS, "organisatie", "woningen"])
def test_a_common_word_returns_the_exhaustive_top_results(generated, monkeypatch, word) -> None:
    monkeypatch.setattr(search_module, "CANDIDATES", 50)

    for page in (1, 2, 10):
        assert _found(word, page) == _truth(word, page), (word, page)


def test_the_ranking_follows_edits_and_deletions(generated) -> None:
    # ini-1 has no story (stories belong to every fifth initiative), so it can be deleted.
    initiative = Initiative.objects.get(slug="ini-1")
    url = reverse("initiatives:initiative_detail", kwargs={"slug": initiative.slug})
    assert url not in _found("moestuin", 1)
    initiative.title = "moestuin moestuin moestuin"
    initiative.publication_status = "published"
    initiative.published_at = timezone.now()
    initiative.save()
    Organisation.objects.filter(pk=initiative.lead_id).update(status=OrganisationStatus.VERIFIED)

    top = _found("moestuin", 1)
    assert top == _truth("moestuin", 1)
    assert url in top

    initiative.delete()
    top = _found("moestuin", 1)
    assert top == _truth("moestuin", 1)
    assert url not in top
