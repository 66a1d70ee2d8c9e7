"""One search across initiatives, challenges, stories and organisations.

PostgreSQL full-text search in the ``dutch_unaccent`` configuration (Dutch stemming, accents
ignored) over stored, GIN-indexed vectors: generated columns on our own models and on
``members.Organisation``. Typos are forgiven by correcting each unknown query word against a
vocabulary of known words with trigram similarity (``SearchTerm``) and searching for the
word *or* its correction.

A page of results costs at most two queries: the correction of unknown words (skipped for
words already looked up recently, see ``corrections_for``), and one statement that ranks
the four kinds and computes highlighted snippets for the page's hits only. Figures and the
reasoning behind each choice are in docs/performance.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from initiatives.models import SEARCH_CONFIG, Challenge, Initiative, PublicationStatus, Story
from initiatives.models.base import HIGHLIGHT_START, HIGHLIGHT_STOP
from initiatives.services import normalise_word
from members.models import Organisation, OrganisationKind
from members.roles import LISTED_STATUSES

PAGE_SIZE = 20
# Offsets are fine for search: people read the first pages of ranked results, never the 50th.
MAX_PAGES = 10
MAX_WORDS = 8
MIN_SIMILARITY = 0.4
# A query of several words (or a word with its correction): ranking reads every candidate's
# vector, so two common words that occur together in half of 100,000 texts would cost
# hundreds of milliseconds. Each kind ranks at most this many of their matches: below it
# ranking is exact; above it the best of the first CANDIDATES matches is shown. A one-word
# query is always ranked exactly, without this cap (``search``, docs/performance.md).
CANDIDATES = 400
# A correction depends only on the vocabulary, which changes slowly. A stale entry costs
# little: the typed word is always searched too, so a correction can only add hits.
CORRECTION_CACHE_SECONDS = 600

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
DETAIL_URLS = {
    "initiative": "initiatives:initiative_detail",
    "challenge": "initiatives:challenge_detail",
    "story": "initiatives:story_detail",
    "organisation": "members:organisation_detail",
}
QUERY_WORD_RE = re.compile(r"[^\W_]+")
MARKDOWN_MARKS_RE = re.compile(r"[*_#>`\[\]]")
# ts_headline parses and stems the whole text it is given: about 0.45 ms per 1,000 characters
# on this machine, so a page of long stories would cost tens of milliseconds. Snippets come
# from the opening of the text; a match further on still ranks, its snippet just shows the
# opening words (docs/performance.md).
HEADLINE_CHARS = 2000
HEADLINE_OPTIONS = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}, "
    "MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2"
)

_INITIATIVE = Initiative._meta.db_table
_CHALLENGE = Challenge._meta.db_table
_STORY = Story._meta.db_table
_ORGANISATION = Organisation._meta.db_table


# Each kind's matches, as (kind, id, rank). ``{q}`` is the query; it is repeated rather
# than put in a CTE so that the planner sees a constant and can estimate how many rows match.
# ``_VISIBLE`` is each kind's visibility rule on ``x`` (the row) and ``o`` (the organisation
# that must be listed): ``published()`` (a story also needs its initiative published) and
# ``Organisation.objects.listed()``; ``%(listed)s`` is ``members.roles.LISTED_STATUSES``.
_FROM = {
    "initiative": f"{_INITIATIVE} x JOIN {_ORGANISATION} o ON o.id = x.lead_id",
    "challenge": f"{_CHALLENGE} x JOIN {_ORGANISATION} o ON o.id = x.owner_id",
    "story": f"""{_STORY} x JOIN {_INITIATIVE} i ON i.id = x.initiative_id
        JOIN {_ORGANISATION} o ON o.id = i.lead_id""",
    "organisation": f"{_ORGANISATION} x JOIN {_ORGANISATION} o ON o.id = x.id",
}
_LISTED = "o.status = ANY(%(listed)s)"
_VISIBLE = {
    "initiative": f"x.publication_status = %(published)s AND {_LISTED}",
    "challenge": f"x.publication_status = %(published)s AND {_LISTED}",
    "story": "x.publication_status = %(published)s AND i.publication_status = %(published)s"
    f" AND {_LISTED}",
    "organisation": _LISTED,
}


def _capped_sql(kind: str) -> str:
    """At most CANDIDATES matches of a kind, ranked: for a query of several words."""
    return f"""
        SELECT '{kind}' AS kind, x.id, ts_rank(x.search_vector, {{q}}) AS rank
        FROM {_FROM[kind]} WHERE {_VISIBLE[kind]} AND x.search_vector @@ {{q}}
        LIMIT %(candidates)s"""


def _title_first_sql(kind: str) -> str:
    """A one-word query's best ``need`` title matches of a kind, from the rank-ordered
    postings (migration 0010); empty unless the query is one lexeme."""
    return f"""
        SELECT '{kind}' AS kind, p.object_id AS id, p.rank
        FROM initiatives_searchposting p JOIN {_FROM[kind]} ON x.id = p.object_id
        WHERE p.kind = '{kind}' AND numnode({{q}}) = 1
            AND p.lexeme = btrim(querytree({{q}}), '''') AND {_VISIBLE[kind]}
        ORDER BY p.rank DESC, p.object_id LIMIT %(need)s"""


def _ranked_sql(kind: str) -> str:
    """Every match of a kind ranked, the best ``need``: a one-word query's fallback when the
    kind has fewer title matches (``_exact_sql``)."""
    return f"""
        SELECT '{kind}' AS kind, x.id, ts_rank(x.search_vector, {{q}}) AS rank
        FROM {_FROM[kind]} WHERE {_VISIBLE[kind]} AND x.search_vector @@ {{q}}
        ORDER BY 3 DESC, 2 LIMIT %(need)s"""


def _exact_sql(kind: str) -> str:
    """The exact best ``need`` matches of a kind for a one-word query: its title matches if
    there are that many (they outrank every other match, see ``search``), otherwise every
    match ranked (``ranked_{kind}``). The fallback is a CTE of its own because PostgreSQL
    computes a CTE only when it is read: under a false one-time filter it never starts. As a
    plain subquery its parallel plan launched its workers even when the filter was false,
    about 200 ms at 1,000,000 initiatives on a busy machine (docs/performance.md)."""
    enough = f"(SELECT count(*) FROM top_{kind}) >= %(need)s"
    return f"""
        SELECT * FROM top_{kind} WHERE {enough}
        UNION ALL
        SELECT * FROM ranked_{kind} WHERE NOT {enough}"""


def _owned_page_sql(kind: str, table: str, owner_column: str) -> str:
    """The page's initiatives or challenges, with the name of the owning organisation."""
    return f"""
        SELECT p.kind, p.id, p.rank, x.title, x.slug, o.name,
            ts_headline({{config}}, left(x.search_text, %(headline_chars)s), {{q}}, %(headline)s)
        FROM page p JOIN {table} x ON x.id = p.id
            JOIN {_ORGANISATION} o ON o.id = x.{owner_column}
        WHERE p.kind = '{kind}'"""


# The page's hits with what a result shows: title, slug, a line of context, and the snippet.
# ts_headline re-parses the whole text, so it runs for the (at most 21) rows of the page only.
_PAGE_SQL = {
    "initiative": _owned_page_sql("initiative", _INITIATIVE, "lead_id"),
    "challenge": _owned_page_sql("challenge", _CHALLENGE, "owner_id"),
    "story": f"""
        SELECT p.kind, p.id, p.rank, x.title, x.slug, i.title,
            ts_headline({{config}}, left(x.search_text, %(headline_chars)s), {{q}}, %(headline)s)
        FROM page p JOIN {_STORY} x ON x.id = p.id
            JOIN {_INITIATIVE} i ON i.id = x.initiative_id
        WHERE p.kind = 'story'""",
    "organisation": f"""
        SELECT p.kind, p.id, p.rank, x.name, x.slug, x.kind,
            ts_headline({{config}}, left(x.description, %(headline_chars)s), {{q}}, %(headline)s)
        FROM page p JOIN {_ORGANISATION} x ON x.id = p.id
        WHERE p.kind = 'organisation'""",
}


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


def _correction_key(word: str) -> str:
    return f"search:correction:{word}"


def corrections_for(words: list[str]) -> dict[str, str]:
    """Map each word that is not in the vocabulary to its most similar known word.

    Known words are skipped by an exact look-up before the trigram search, which is the
    expensive part (milliseconds per word in a large vocabulary); results, including "no
    correction", are cached per word.
    """
    candidates = sorted({normalise_word(word) for word in words if len(word) >= 4})
    if not candidates:
        return {}
    cached = cache.get_many([_correction_key(word) for word in candidates])
    unknown = [word for word in candidates if _correction_key(word) not in cached]
    found: dict[str, str] = {}
    if unknown:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH unknown AS MATERIALIZED (
                    SELECT q.w FROM unnest(%s::text[]) AS q(w)
                    WHERE NOT EXISTS (SELECT FROM initiatives_searchterm k WHERE k.word = q.w)
                )
                SELECT u.w, t.word FROM unknown AS u
                CROSS JOIN LATERAL (
                    SELECT word FROM initiatives_searchterm
                    WHERE word %% u.w AND similarity(word, u.w) >= %s
                    ORDER BY similarity(word, u.w) DESC, word LIMIT 1
                ) AS t
                """,
                [unknown, MIN_SIMILARITY],
            )
            found = dict(cursor.fetchall())
        cache.set_many(
            {_correction_key(word): found.get(word, "") for word in unknown},
            CORRECTION_CACHE_SECONDS,
        )
    corrections = {}
    for word in candidates:
        best = found[word] if word in found else cached.get(_correction_key(word), "")
        if best and best != word:
            corrections[word] = best
    return corrections


def build_query(words: list[str], corrections: dict[str, str]) -> tuple[str, dict[str, str]]:
    """SQL for a tsquery in which all words must match, each as typed or as its correction."""
    parts, params = [], {}
    for index, word in enumerate(words):
        corrected = corrections.get(normalise_word(word))
        alternatives = [word, corrected] if corrected else [word]
        terms = []
        for number, alternative in enumerate(alternatives):
            name = f"word_{index}_{number}"
            params[name] = alternative
            terms.append(f"plainto_tsquery('{SEARCH_CONFIG}'::regconfig, %({name})s)")
        parts.append("(" + " || ".join(terms) + ")")
    return "(" + " && ".join(parts) + ")", params


def snippet_html(text: str) -> SafeString:
    """Escape everything a member wrote, then turn our own highlight markers into <mark>."""
    escaped = str(escape(text))
    return mark_safe(escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>"))


def _statement(kinds: list[str], query_sql: str, *, one_word: bool) -> str:
    """Rank the matches of each kind, keep one page, and describe that page's hits."""
    tops = ""
    if one_word:
        tops = "".join(
            f"top_{kind} AS MATERIALIZED ({_title_first_sql(kind)}), "
            f"ranked_{kind} AS MATERIALIZED ({_ranked_sql(kind)}), "
            for kind in kinds
        )
        candidates = " UNION ALL ".join(f"({_exact_sql(kind)})" for kind in kinds)
    else:
        candidates = " UNION ALL ".join(f"({_capped_sql(kind)})" for kind in kinds)
    page = " UNION ALL ".join(_PAGE_SQL[kind] for kind in kinds)
    return (
        f"WITH {tops}hits AS ({candidates}),"
        " page AS MATERIALIZED (SELECT kind, id, rank FROM hits"
        " ORDER BY rank DESC, kind, id LIMIT %(limit)s OFFSET %(offset)s)"
        f" {page} ORDER BY 3 DESC, 1, 2"
    ).format(q=query_sql, config=f"'{SEARCH_CONFIG}'::regconfig")


def search(text: str, *, kind: str = "", page: int = 1) -> Results:
    """Ranked hits for ``text``; ``kind`` is one of KINDS' keys or empty for everything.

    A one-word query (one lexeme, no correction) gets the exact top results by
    ``ts_rank(search_vector, query)``, ties by kind and id, whatever the number of matches.
    Why the title postings (migration 0010) are enough: ``ts_rank`` for one lexeme is
    ``sum(w_j / j**2) / 1.6449`` over the lexeme's positions j = 1, 2, ... in position order,
    with the weight ``w_j`` of each (A 1.0, B 0.4, C 0.2), and in our generated vectors every
    title (name) position comes before every B and C position. So a row with the word in
    its title ranks at least ``1 / 1.6449 = 0.608``, and a row without it at most
    ``0.4 * (pi**2 / 6) / 1.6449 < 0.4``. The postings hold each title word's exact rank in an
    index ordered by rank: if a kind has at least ``need`` visible title matches, its best
    ``need`` of them are its best ``need`` matches of all; otherwise that kind's matches are
    all ranked (few title matches: typically a rare word). tests/initiatives/
    test_search_ranking.py compares the result with an exhaustive ranking.
    """
    text = " ".join(text.split())[:200]
    words = QUERY_WORD_RE.findall(text.lower())[:MAX_WORDS]
    page = min(max(page, 1), MAX_PAGES)
    if not words:
        return Results(text, [], {}, page, has_next=False)
    corrections = corrections_for(words)
    query_sql, query_params = build_query(words, corrections)
    kinds = [KINDS[kind][0]] if kind in KINDS else [value[0] for value in KINDS.values()]
    with connection.cursor() as cursor:
        # One round trip, one implicit transaction: JIT off for this statement only. Its
        # estimated cost is that of the fallbacks that rank every match, which a common
        # word never runs; at 1,000,000 initiatives that estimate (300,000) made PostgreSQL
        # compile the plan with JIT on every search, 240-280 ms for a statement that
        # runs in 10-20 ms (docs/performance.md).
        cursor.execute(
            "SET LOCAL jit = off; "
            + _statement(kinds, query_sql, one_word=len(words) == 1 and not corrections),
            {
                **query_params,
                "published": PublicationStatus.PUBLISHED.value,
                "listed": list(LISTED_STATUSES),
                "candidates": CANDIDATES,
                "headline": HEADLINE_OPTIONS,
                "headline_chars": HEADLINE_CHARS,
                "need": page * PAGE_SIZE + 1,
                "limit": PAGE_SIZE + 1,
                "offset": (page - 1) * PAGE_SIZE,
            },
        )
        cursor.nextset()  # the SELECT's rows follow the SET's empty result
        rows = cursor.fetchall()
    has_next = len(rows) > PAGE_SIZE and page < MAX_PAGES
    hits = [
        Hit(
            row_kind,
            title,
            reverse(DETAIL_URLS[row_kind], kwargs={"slug": slug}),
            snippet_html(
                MARKDOWN_MARKS_RE.sub("", snippet) if row_kind == "organisation" else snippet
            ),
            str(OrganisationKind(meta).label) if row_kind == "organisation" else meta,
        )
        for row_kind, _pk, _rank, title, slug, meta, snippet in rows[:PAGE_SIZE]
    ]
    return Results(text, hits, corrections, page, has_next)
