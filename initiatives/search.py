"""One search across initiatives, challenges, stories and organisations.

PostgreSQL full-text search in the ``dutch_unaccent`` configuration (Dutch stemming, accents
ignored) over stored, GIN-indexed vectors: generated columns on our own models, an
expression index on organisations (see search_index). Typos are forgiven by correcting each
query word against a vocabulary of known words with trigram similarity (``SearchTerm``)
and searching for the word *or* its correction. A page of results costs at most six
queries: the correction, one ranked UNION over the four kinds, and one query per kind
on the page for its highlighted snippets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, QuerySet, Subquery, Value
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from initiatives.models import SEARCH_CONFIG, Challenge, Initiative, Story
from initiatives.models.base import HIGHLIGHT_START, HIGHLIGHT_STOP
from initiatives.search_index import organisation_search_vector
from initiatives.services import normalise_word
from members.models import Organisation

PAGE_SIZE = 20
# Offsets are fine for search: people read the first pages of ranked results, never the 50th.
MAX_PAGES = 10
MAX_WORDS = 8
MIN_SIMILARITY = 0.4
# Ranking reads every candidate's vector, so a word that occurs in half of 100,000 texts
# would cost hundreds of milliseconds. Each kind ranks at most this many matches: below it
# ranking is exact; above it the best of the first CANDIDATES matches is shown, and a second
# word narrows the search. This keeps p95 bounded whatever the size (docs/performance.md).
CANDIDATES = 400

KINDS = {
    "initiatieven": ("initiative", _("Initiatives")),
    "vraagstukken": ("challenge", _("Challenges")),
    "verhalen": ("story", _("Stories")),
    "organisaties": ("organisation", _("Organisations")),
}
KIND_LABELS = {
    "initiative": _("Initiative"),
    "challenge": _("Challenge"),
    "story": _("Story"),
    "organisation": _("Organisation"),
}
QUERY_WORD_RE = re.compile(r"[^\W_]+")
HEADLINE_OPTIONS = {"max_words": 35, "min_words": 15, "max_fragments": 2, "short_word": 2}


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    meta: str

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass
class Results:
    query: str
    hits: list[Hit]
    corrections: dict[str, str]
    page: int
    has_next: bool


def corrections_for(words: list[str]) -> dict[str, str]:
    """Map each word that is not in the vocabulary to its most similar known word."""
    candidates = sorted({normalise_word(word) for word in words if len(word) >= 4})
    if not candidates:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT q.w, t.word FROM unnest(%s::text[]) AS q(w)
            CROSS JOIN LATERAL (
                SELECT word FROM initiatives_searchterm
                WHERE word %% q.w AND similarity(word, q.w) >= %s
                ORDER BY similarity(word, q.w) DESC, word LIMIT 1
            ) AS t
            """,
            [candidates, MIN_SIMILARITY],
        )
        return {word: best for word, best in cursor.fetchall() if best != word}


def build_query(words: list[str], corrections: dict[str, str]) -> SearchQuery | None:
    """All words must match, each as typed or as its correction."""
    combined: Any = None
    for word in words:
        term: Any = SearchQuery(word, config=SEARCH_CONFIG, search_type="plain")
        corrected = corrections.get(normalise_word(word))
        if corrected:
            term = term | SearchQuery(corrected, config=SEARCH_CONFIG, search_type="plain")
        combined = term if combined is None else combined & term
    return combined


def snippet_html(text: str) -> SafeString:
    """Escape everything a member wrote, then turn our own highlight markers into <mark>."""
    escaped = str(escape(text))
    return mark_safe(escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>"))


def _ranked(kind: str, query: SearchQuery) -> QuerySet[Any]:
    if kind == "organisation":
        vector = organisation_search_vector()
        # Organisation vectors are computed from the expression index's definition, not
        # stored, so their candidates are capped lower. Typos in names are forgiven through
        # the vocabulary (which holds organisation names), not a trigram scan: that forced a
        # recheck of every candidate and cost 30 ms at 5,000 organisations.
        candidates = (
            Organisation.objects.listed()
            .annotate(vector=vector)
            .filter(vector=query)
            .values("pk")[: CANDIDATES // 4]
        )
        queryset = Organisation.objects.filter(pk__in=Subquery(candidates)).annotate(
            rank=Cast(SearchRank(vector, query), FloatField())
        )
    else:
        model = {"initiative": Initiative, "challenge": Challenge, "story": Story}[kind]
        candidates = (
            model.objects.published()  # type: ignore[attr-defined]
            .filter(search_vector=query)
            .values("pk")[:CANDIDATES]
        )
        queryset = model.objects.filter(pk__in=Subquery(candidates)).annotate(
            rank=Cast(SearchRank(F("search_vector"), query), FloatField())
        )
    return queryset.annotate(hit_kind=Value(kind)).values_list("hit_kind", "pk", "rank").order_by()


def _headline(field: str, query: SearchQuery) -> SearchHeadline:
    return SearchHeadline(
        field,
        query,
        config=SEARCH_CONFIG,
        start_sel=HIGHLIGHT_START,
        stop_sel=HIGHLIGHT_STOP,
        **HEADLINE_OPTIONS,
    )


def _hits(kind: str, pks: list[int], query: SearchQuery) -> dict[int, Hit]:
    hits: dict[int, Hit] = {}
    if kind == "initiative":
        for item in (
            Initiative.objects.filter(pk__in=pks)
            .select_related("lead")
            .only("title", "slug", "lead__name")
            .annotate(snippet=_headline("search_text", query))
        ):
            hits[item.pk] = Hit(
                kind,
                item.title,
                item.get_absolute_url(),
                snippet_html(item.snippet),
                item.lead.name,
            )
    elif kind == "challenge":
        for item in (
            Challenge.objects.filter(pk__in=pks)
            .select_related("owner")
            .only("title", "slug", "owner__name")
            .annotate(snippet=_headline("search_text", query))
        ):
            hits[item.pk] = Hit(
                kind,
                item.title,
                item.get_absolute_url(),
                snippet_html(item.snippet),
                item.owner.name,
            )
    elif kind == "story":
        for item in (
            Story.objects.filter(pk__in=pks)
            .select_related("initiative")
            .only("title", "slug", "initiative__title")
            .annotate(snippet=_headline("search_text", query))
        ):
            hits[item.pk] = Hit(
                kind,
                item.title,
                item.get_absolute_url(),
                snippet_html(item.snippet),
                item.initiative.title,
            )
    else:
        for item in (
            Organisation.objects.filter(pk__in=pks)
            .only("name", "slug", "kind")
            .annotate(snippet=_headline("description", query))
        ):
            plain = re.sub(r"[*_#>`\[\]]", "", item.snippet)
            hits[item.pk] = Hit(
                kind,
                item.name,
                item.get_absolute_url(),
                snippet_html(plain),
                item.get_kind_display(),
            )
    return hits


def search(text: str, *, kind: str = "", page: int = 1) -> Results:
    """Ranked hits for ``text``; ``kind`` is one of KINDS' keys or empty for everything."""
    text = " ".join(text.split())[:200]
    words = QUERY_WORD_RE.findall(text.lower())[:MAX_WORDS]
    page = min(max(page, 1), MAX_PAGES)
    if not words:
        return Results(text, [], {}, page, has_next=False)
    corrections = corrections_for(words)
    query = build_query(words, corrections)
    assert query is not None
    kinds = [KINDS[kind][0]] if kind in KINDS else [value[0] for value in KINDS.values()]
    ranked = _ranked(kinds[0], query)
    if len(kinds) > 1:
        ranked = ranked.union(*[_ranked(other, query) for other in kinds[1:]], all=True)
    offset = (page - 1) * PAGE_SIZE
    rows = list(ranked.order_by("-rank", "hit_kind", "pk")[offset : offset + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE and page < MAX_PAGES
    rows = rows[:PAGE_SIZE]
    by_kind: dict[str, list[int]] = {}
    for row_kind, pk, _rank in rows:
        by_kind.setdefault(row_kind, []).append(pk)
    found = {row_kind: _hits(row_kind, pks, query) for row_kind, pks in by_kind.items()}
    hits = [found[row_kind][pk] for row_kind, pk, _rank in rows if pk in found[row_kind]]
    return Results(text, hits, corrections, page, has_next)
