"""Explainable suggestions, scored in PostgreSQL.

One SQL statement per list (organisations: a few rounds over the suggestion profile, see
`_organisation_rows`). It returns the *facts* behind each score (shared theme ids,
matching resource kinds, same region, kind asked for, carries the stamp, recently active);
the score is a plain weighted sum of those facts, and Python turns the same facts into
reasons in words, in the reader's language. So every number on the page can be explained.

Weights (see SCORE_SQL): a resource that meets a need 3 each, the kind of organisation asked
for 3, a shared theme 2 each (at most 3 count), the same region 2, the stamp 1, activity in
the last RECENT_DAYS days 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from core.models import Theme
from initiatives.models import (
    Challenge,
    ChallengeLink,
    ChallengeStatus,
    Initiative,
    InitiativePartner,
    InitiativeStage,
    PublicationStatus,
    ResourceKind,
    ThemedChallenge,
    ThemedInitiative,
)
from matchmaking.models import Direction, Introduction, OfferNeed, ThemedOfferNeed
from matchmaking.profile import PROFILE_TABLE, keys_by_matches
from members.models import Organisation, OrganisationKind, OrganisationStatus, ThemedOrganisation
from members.roles import LISTED_STATUSES
from stamp.models import Claim, ClaimStatus

RECENT_DAYS = 90
DEFAULT_LIMIT = 10

# How strong a match reads, from the score (see SCORE_SQL): a strong match meets a need and
# more (a resource and the kind asked for, or a resource and shared themes); a good one has
# one solid reason and a bit more; anything else that made the list is possible.
STRONG_MATCH = 8
GOOD_MATCH = 5

SCORE_SQL = """
    3 * cardinality(resource_kinds)
    + 3 * kind_asked::int
    + 2 * LEAST(cardinality(theme_ids), 3)
    + 2 * same_region::int
    + carries_stamp::int
    + recently_active::int
"""


@dataclass
class Suggestion:
    """One ranked suggestion: what it is, its score, and why."""

    kind: str  # "organisation", "challenge" or "initiative"
    pk: int
    title: str
    slug: str
    url: str
    detail: str
    score: int
    reasons: list[str] = field(default_factory=list)
    organisation_slug: str = ""

    @property
    def strength(self) -> str:
        """The score in a word ("strong", "good" or "possible"), for CSS and tests."""
        return match_strength(self.score)

    @property
    def strength_label(self) -> str:
        return match_strength_label(self.score)


def match_strength(score: int) -> str:
    """The one place that turns a score into a strength."""
    if score >= STRONG_MATCH:
        return "strong"
    if score >= GOOD_MATCH:
        return "good"
    return "possible"


def match_strength_label(score: int) -> str:
    """The score in words ("strong match", ...), in the active language."""
    return {
        "strong": pgettext("suggestion", "strong match"),
        "good": pgettext("suggestion", "good match"),
        "possible": pgettext("suggestion", "possible match"),
    }[match_strength(score)]


def _tables() -> dict[str, str]:
    return {
        "org": Organisation._meta.db_table,
        "org_theme": ThemedOrganisation._meta.db_table,
        "offer": OfferNeed._meta.db_table,
        "offer_theme": ThemedOfferNeed._meta.db_table,
        "claim": Claim._meta.db_table,
        "challenge": Challenge._meta.db_table,
        "challenge_theme": ThemedChallenge._meta.db_table,
        "initiative": Initiative._meta.db_table,
        "initiative_theme": ThemedInitiative._meta.db_table,
        "initiative_challenges": ChallengeLink._meta.db_table,
        "partner": InitiativePartner._meta.db_table,
    }


# The stamp counts as `stamp.models.carrying_q` says (keep the two in step): the claim is
# active and not past its confirmation deadline, and the organisation is verified.
STAMP_SQL = """({status} = %(verified)s AND EXISTS (
    SELECT 1 FROM {{claim}} cl WHERE cl.organisation_id = {organisation}
        AND cl.status = %(claim_active)s
        AND (cl.confirmation_due_at IS NULL OR cl.confirmation_due_at > %(now)s)))"""

# Recently active: posted an offer or need, or updated an initiative it leads.
RECENT_SQL = """(EXISTS (
        SELECT 1 FROM {offer} r WHERE r.organisation_id = o.id AND r.created_at >= %(since)s)
    OR EXISTS (
        SELECT 1 FROM {initiative} ri WHERE ri.lead_id = o.id
        AND ri.publication_status = %(published)s AND ri.updated_at >= %(since)s))"""

CURRENT_OFFER_SQL = "x.closed_at IS NULL AND (x.ends_on IS NULL OR x.ends_on >= %(today)s)"

# Organisations, scored exactly: those in %(candidates)s (see `_organisation_rows`) whose facts
# can still reach %(floor)s; the stamp and recent activity (together at most 2) are looked up
# only for those.
ORGANISATIONS_SQL = """
WITH facts AS MATERIALIZED (
    SELECT o.id, o.name, o.slug, o.kind, o.status,
        -- Current: the last day of an open one has not passed (NULL: open-ended).
        ARRAY(SELECT u.kind FROM unnest(p.kinds, p.kinds_until) AS u (kind, until)
              WHERE u.kind = ANY(%(resources)s::text[])
                  AND (u.until IS NULL OR u.until >= %(today)s)
              ORDER BY u.kind) AS resource_kinds,
        ARRAY(SELECT u.tag_id FROM unnest(p.themes, p.themes_until) AS u (tag_id, until)
              WHERE u.tag_id = ANY(%(themes)s::bigint[])
                  AND (u.until IS NULL OR u.until >= %(today)s)
              ORDER BY u.tag_id) AS theme_ids,
        COALESCE(o.region_id = %(region)s, false) AS same_region,
        (o.kind = ANY(%(kinds)s)) AS kind_asked
    FROM unnest(%(candidates)s::bigint[]) AS c (organisation_id)
    JOIN {profile} p ON p.organisation_id = c.organisation_id AND p.direction = %(direction)s
    JOIN {org} o ON o.id = c.organisation_id
    WHERE o.status = ANY(%(listed)s) AND o.open_to_cooperation
        AND NOT (o.id = ANY(%(exclude)s))
),
hopeful AS MATERIALIZED (
    SELECT f.* FROM facts f
    WHERE (cardinality(theme_ids) > 0 OR cardinality(resource_kinds) > 0
           OR same_region OR kind_asked)
        AND (NOT %(require_resource)s OR cardinality(resource_kinds) > 0)
        AND 3 * cardinality(resource_kinds) + 3 * kind_asked::int
            + 2 * LEAST(cardinality(theme_ids), 3) + 2 * same_region::int + 2 >= %(floor)s
),
scored AS MATERIALIZED (
    SELECT o.*, ORGANISATION_STAMP AS carries_stamp, RECENT AS recently_active FROM hopeful o
)
SELECT id, name, slug, kind, theme_ids, resource_kinds, same_region, kind_asked,
    carries_stamp, recently_active, (SCORE) AS score
FROM scored
ORDER BY score DESC, name, id
LIMIT %(limit)s
"""

# The organisations of one tier (their profile's kinds hold MATCHES asked resources) whose
# bound, plus 2 for the stamp and recent activity, reaches the floor; read from the index
# alone. The bound: resources, the kind asked for, the same region and shared themes (at most
# 3 count; THEMES adds them up), from kinds and themes that may include ones past their day.
TIER_BOUND_SQL = """(3 * MATCHES + 3 * (p.kind = ANY(%(kinds)s))::int
    + 2 * COALESCE(p.region_id = %(region)s, false)::int + 2 * LEAST(3, THEMES))"""
TIER_SQL = """
    SELECT p.organisation_id, MATCHES AS matches, BOUND AS bound,
        (p.soonest_until IS NULL OR p.soonest_until >= %(today)s) AS exact
    FROM {profile} p
    WHERE p.direction = %(direction)s AND p.kinds_key = ANY(%(keys_MATCHES)s) CONDITION
        AND p.status = ANY(%(listed)s) AND p.open_to_cooperation
        AND NOT (p.organisation_id = ANY(%(exclude)s))
        AND BOUND + 2 >= %(floor)s
"""


def _sql(template: str) -> str:
    tables = _tables()
    return (
        template.replace("CURRENT_OFFER", CURRENT_OFFER_SQL)
        .replace("ORGANISATION_STAMP", STAMP_SQL.format(status="o.status", organisation="o.id"))
        .replace("OWNER_STAMP", STAMP_SQL.format(status="c.status", organisation="c.owner_id"))
        .replace("RECENT", RECENT_SQL)
        .replace("SCORE", SCORE_SQL)
        .format(**tables, profile=PROFILE_TABLE)
    )


def _defaults() -> dict[str, Any]:
    now = timezone.now()
    return {
        "since": now - timedelta(days=RECENT_DAYS),
        "today": timezone.localdate(),
        # Which organisations the public may see: members.roles answers, never a literal here.
        "listed": list(LISTED_STATUSES),
        # Publication and other states come from their choices too, never a literal here.
        "published": PublicationStatus.PUBLISHED,
        "challenge_open": ChallengeStatus.OPEN,
        "completed": InitiativeStage.COMPLETED,
        "need": Direction.NEED,
        "verified": OrganisationStatus.VERIFIED,
        "claim_active": ClaimStatus.ACTIVE,
        "now": now,
    }


@contextmanager
def _statements() -> Iterator[Callable[[str, dict[str, Any]], list[dict[str, Any]]]]:
    """Run statements in one transaction, with the same moment (``now``, ``today``) for all."""
    defaults = _defaults()
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner's cost estimate for 10,000 organisations crosses jit_above_cost, and
        # compiling the plan takes longer than running it: no JIT for these statements.
        cursor.execute("SET LOCAL jit = off")

        def run(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
            cursor.execute(sql, {**defaults, **params})
            columns = [column.name for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

        yield run


def _fetch(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with _statements() as run:
        return run(sql, params)


def _labels(choices: Any, values: Iterable[str]) -> str:
    names = dict(choices)
    return str(get_text_list([str(names.get(value, value)).lower() for value in values], _("and")))


def _theme_names(rows: Sequence[dict[str, Any]]) -> dict[int, str]:
    ids = {theme_id for row in rows for theme_id in row["theme_ids"]}
    if not ids:
        return {}
    return {theme.pk: theme.label for theme in Theme.objects.filter(pk__in=ids)}


def _shared_themes(row: dict[str, Any], names: dict[int, str]) -> str | None:
    if not row["theme_ids"]:
        return None
    labels = sorted(names[pk] for pk in row["theme_ids"] if pk in names)
    return _("shared themes: %(themes)s") % {"themes": ", ".join(labels)}


# ---------------------------------------------------------------------------
# Organisations that could help a challenge or an initiative, or need what one offers
# ---------------------------------------------------------------------------


def _organisation_rows(
    *,
    themes: Sequence[int],
    region: int | None,
    kinds: Sequence[str],
    resources: Sequence[str],
    exclude: Sequence[int],
    direction: str = Direction.OFFER,
    require_resource: bool = False,
    only: Sequence[int] = (),
    limit: int = DEFAULT_LIMIT,
) -> list[dict[str, Any]]:
    """The best ``limit`` organisations, exactly as if every one were scored.

    Each round takes a floor and reads, from the profile's index alone, the organisations whose
    bound reaches it (`_tiers`). The ``limit``-th best bound that is exact (no end date passed)
    is a floor too: at least ``limit`` organisations score that much. Only the organisations
    that can reach the higher of the two are scored exactly. When the ``limit``-th of those
    scores at least the round's floor, no organisation left out can beat or tie it: the answer
    is complete. Otherwise the floor drops to that score (or by 2 when too few were found) and
    the round runs again.
    """
    params: dict[str, Any] = {
        "themes": list(themes),
        "region": region,
        "kinds": list(kinds),
        "resources": list(resources),
        "exclude": list(exclude),
        "direction": str(direction),
        "require_resource": require_resource,
        "limit": limit,
    }
    if limit <= 0:
        return []
    sql = _sql(ORGANISATIONS_SQL)
    with _statements() as run:
        if only:
            return run(sql, {**params, "candidates": list(only), "floor": 0})
        return _rounds(
            run,
            sql,
            params,
            themes=themes,
            kinds=kinds,
            region=region,
            resources=resources,
            require_resource=require_resource,
            limit=limit,
        )


def _rounds(
    run: Callable[[str, dict[str, Any]], list[dict[str, Any]]],
    sql: str,
    params: dict[str, Any],
    *,
    themes: Sequence[int],
    region: int | None,
    kinds: Sequence[str],
    resources: Sequence[str],
    require_resource: bool,
    limit: int,
) -> list[dict[str, Any]]:
    """The rounds of `_organisation_rows`, lowering the floor until the answer is complete."""
    keys = keys_by_matches(resources)
    params.update({f"keys_{matches}": found for matches, found in keys.items()})
    asked_themes = sorted(set(themes))
    params.update({f"theme_{i}": theme for i, theme in enumerate(asked_themes)})
    shared = " + ".join(f"(%(theme_{i})s = ANY(p.themes))::int" for i in range(len(asked_themes)))
    bound = TIER_BOUND_SQL.replace("THEMES", f"(0 {'+ ' if shared else ''}{shared})")
    themes_max = 2 * min(len(asked_themes), 3)
    # Start a little below the most any organisation could score here.
    floor = 3 * max(keys) + 3 * bool(kinds) + 2 * (region is not None) + themes_max - 1
    settled = False  # whether at least `limit` organisations are known to reach the floor
    while True:
        tiers = _tiers(
            keys,
            bound=bound,
            floor=floor,
            themes_max=themes_max,
            kinds=bool(kinds),
            region=region is not None,
        )
        found = run(_sql(tiers), {**params, "floor": floor}) if tiers else []
        if settled:  # every candidate can reach the floor: score them all at once
            ids = [row["organisation_id"] for row in found]
            return run(sql, {**params, "candidates": ids, "floor": floor})
        exact = sorted(
            (
                row["bound"]
                for row in found
                if row["exact"] and row["bound"] > 0 and (row["matches"] or not require_resource)
            ),
            reverse=True,
        )
        known = exact[limit - 1] if len(exact) >= limit else 0
        hopeful = max(floor, known)
        rows = _best_of(
            run,
            sql,
            params,
            [row for row in found if row["bound"] + 2 >= hopeful],
            floor=hopeful,
            limit=limit,
        )
        if (len(rows) == limit and rows[-1]["score"] >= floor) or floor <= 0:
            return rows
        settled = len(rows) == limit
        floor = rows[-1]["score"] if settled else floor - 2


def _best_of(
    run: Callable[[str, dict[str, Any]], list[dict[str, Any]]],
    sql: str,
    params: dict[str, Any],
    found: list[dict[str, Any]],
    *,
    floor: int,
    limit: int,
) -> list[dict[str, Any]]:
    """The best ``limit`` of the ``found`` candidates, scored exactly, best bounds first.

    The stamp and recent activity add at most 2 to a bound. Those with the highest bounds are
    scored first; the rest only when their bound plus 2 could reach the ``limit``-th score.
    """
    bounds = sorted((row["bound"] for row in found), reverse=True)
    cut = bounds[limit - 1] if len(bounds) > limit else -1
    first = [row["organisation_id"] for row in found if row["bound"] >= cut]
    rows = run(sql, {**params, "candidates": first, "floor": floor})
    rest = [row for row in found if row["bound"] < cut]
    if not rest or (len(rows) == limit and max(r["bound"] for r in rest) + 2 < rows[-1]["score"]):
        return rows
    least = max(floor, rows[-1]["score"] if len(rows) == limit else floor)
    more = [row["organisation_id"] for row in rest if row["bound"] + 2 >= least]
    return run(sql, {**params, "candidates": first + more, "floor": least})


def _tiers(
    keys: dict[int, list[str]],
    *,
    bound: str,
    floor: int,
    themes_max: int,
    kinds: bool,
    region: bool,
) -> str:
    """The candidate statement for a floor: per number of matching resources, the organisations
    whose kind and region can still bring them to the floor."""
    parts = []
    for matches in sorted(keys, reverse=True):
        short = floor - (3 * matches + themes_max + 2)  # still needed from kind and region
        if short <= 0:
            condition = ""
        elif short <= 2 and kinds and region:
            condition = "AND (p.kind = ANY(%(kinds)s) OR p.region_id = %(region)s)"
        elif short <= 2 and (kinds or region):
            condition = "AND p.kind = ANY(%(kinds)s)" if kinds else "AND p.region_id = %(region)s"
        elif short <= 3 and kinds:
            condition = "AND p.kind = ANY(%(kinds)s)"
        elif short <= 5 and kinds and region:
            condition = "AND p.kind = ANY(%(kinds)s) AND p.region_id = %(region)s"
        else:
            continue
        parts.append(
            TIER_SQL.replace("BOUND", bound)
            .replace("MATCHES", str(matches))
            .replace("CONDITION", condition)
        )
    return " UNION ALL ".join(parts)


def _organisation_suggestions(
    rows: list[dict[str, Any]], *, resource_reason: str, kind_reason: str
) -> list[Suggestion]:
    names = _theme_names(rows)
    kind_labels = dict(OrganisationKind.choices)
    suggestions = []
    for row in rows:
        reasons = []
        if row["resource_kinds"]:
            resources = _labels(ResourceKind.choices, row["resource_kinds"])
            reasons.append(resource_reason % {"resources": resources})
        if row["kind_asked"]:
            reasons.append(kind_reason % {"kind": str(kind_labels.get(row["kind"], "")).lower()})
        if row["same_region"]:
            reasons.append(_("same region"))
        shared = _shared_themes(row, names)
        if shared:
            reasons.append(shared)
        if row["carries_stamp"]:
            reasons.append(_("carries the stamp"))
        if row["recently_active"]:
            reasons.append(_("recently active"))
        suggestions.append(
            Suggestion(
                kind="organisation",
                pk=row["id"],
                title=row["name"],
                slug=row["slug"],
                url=reverse("members:organisation_detail", kwargs={"slug": row["slug"]}),
                detail=str(kind_labels.get(row["kind"], "")),
                score=row["score"],
                reasons=reasons,
                organisation_slug=row["slug"],
            )
        )
    return suggestions


def _theme_ids(obj: Challenge | Initiative | Organisation) -> list[int]:
    through = obj.themes.through
    return list(through.objects.filter(content_object=obj).values_list("tag_id", flat=True))


def for_challenge(
    challenge: Challenge, *, limit: int = DEFAULT_LIMIT, only: Sequence[int] = ()
) -> list[Suggestion]:
    """Organisations that could help with a challenge, best first, each with its reasons
    (``only``: score just these organisations)."""
    rows = _organisation_rows(
        themes=_theme_ids(challenge),
        region=challenge.region_id,
        kinds=challenge.stakeholder_kinds,
        resources=challenge.resources_needed,
        exclude=[challenge.owner_id],
        only=only,
        limit=limit,
    )
    return _organisation_suggestions(
        rows,
        resource_reason=_("offers %(resources)s, which this challenge is looking for"),
        kind_reason=_("is a %(kind)s, a kind of organisation this challenge asks for"),
    )


def initiative_needs(initiative: Initiative) -> tuple[list[str], list[str]]:
    """What an initiative looks for: its challenges' kinds and resources, and its lead's needs."""
    kinds: set[str] = set()
    resources: set[str] = set()
    # Only links the problem owner confirmed: naming a challenge does not make it yours.
    for stakeholder_kinds, resources_needed in initiative.challenge_links.confirmed().values_list(
        "challenge__stakeholder_kinds", "challenge__resources_needed"
    ):
        kinds.update(stakeholder_kinds)
        resources.update(resources_needed)
    resources.update(
        OfferNeed.objects.current()
        .needs()
        .filter(organisation_id=initiative.lead_id)
        .values_list("kind", flat=True)
    )
    return sorted(kinds), sorted(resources)


def for_initiative(
    initiative: Initiative, *, limit: int = DEFAULT_LIMIT, only: Sequence[int] = ()
) -> list[Suggestion]:
    kinds, resources = initiative_needs(initiative)
    partners = list(initiative.partnerships.values_list("organisation_id", flat=True))
    rows = _organisation_rows(
        themes=_theme_ids(initiative),
        region=initiative.region_id,
        kinds=kinds,
        resources=resources,
        exclude=[initiative.lead_id, *partners],
        only=only,
        limit=limit,
    )
    return _organisation_suggestions(
        rows,
        resource_reason=_("offers %(resources)s, which this initiative is looking for"),
        kind_reason=_("is a %(kind)s, a kind of organisation this initiative asks for"),
    )


def _offered_kinds(organisation: Organisation) -> list[str]:
    return sorted(
        set(
            OfferNeed.objects.current()
            .offers()
            .filter(organisation=organisation)
            .values_list("kind", flat=True)
        )
    )


def needs_meeting_offers(
    organisation: Organisation, *, limit: int = DEFAULT_LIMIT
) -> list[Suggestion]:
    """Organisations whose current need meets one of this organisation's current offers."""
    offered = _offered_kinds(organisation)
    if not offered:
        return []
    rows = _organisation_rows(
        themes=_theme_ids(organisation),
        region=organisation.region_id,
        kinds=[],
        resources=offered,
        exclude=[organisation.pk],
        direction=Direction.NEED,
        require_resource=True,
        limit=limit,
    )
    return _organisation_suggestions(
        rows, resource_reason=_("needs %(resources)s, which you offer"), kind_reason="%(kind)s"
    )


def for_introduction(introduction: Introduction) -> Suggestion | None:
    """Why the two organisations of an introduction match, scored like every suggestion.

    The party whose subject it is (the challenge's owner, the initiative's lead, the offer's
    poster; without a subject the requesting organisation) asks; the other party is scored
    against the subject, or against what the asking party currently needs. None when
    nothing connects them.
    """
    owner_id = introduction.subject_organisation_id or introduction.requesting_organisation_id
    if owner_id == introduction.receiving_organisation_id:
        owner, other = introduction.receiving_organisation, introduction.requesting_organisation
    else:
        owner, other = introduction.requesting_organisation, introduction.receiving_organisation
    found: list[Suggestion]
    if introduction.challenge is not None:
        found = for_challenge(introduction.challenge, limit=1, only=[other.pk])
    elif introduction.initiative is not None:
        found = for_initiative(introduction.initiative, limit=1, only=[other.pk])
    else:
        offer_need = introduction.offer_need
        if offer_need is not None and offer_need.direction == Direction.OFFER:
            direction, resources = Direction.NEED, [offer_need.kind]
            reason = _("needs %(resources)s, which %(organisation)s offers")
        else:
            direction = Direction.OFFER
            resources = (
                [offer_need.kind]
                if offer_need is not None
                else sorted(
                    set(
                        OfferNeed.objects.current()
                        .needs()
                        .filter(organisation=owner)
                        .values_list("kind", flat=True)
                    )
                )
            )
            reason = _("offers %(resources)s, which %(organisation)s is looking for")
        rows = _organisation_rows(
            themes=_theme_ids(owner),
            region=owner.region_id,
            kinds=[],
            resources=resources,
            exclude=[owner.pk],
            direction=direction,
            only=[other.pk],
            limit=1,
        )
        found = _organisation_suggestions(
            rows,
            # The organisation's name goes in now; the resources when the row is read.
            resource_reason=reason.replace("%(organisation)s", owner.name.replace("%", "%%")),
            kind_reason="%(kind)s",
        )
    return found[0] if found else None


# ---------------------------------------------------------------------------
# Challenges and initiatives an organisation could join
# ---------------------------------------------------------------------------

CHALLENGES_SQL = """
WITH candidates AS (
    SELECT ch.id AS challenge_id, ch.title, ch.slug, o.name AS owner_name, o.id AS owner_id,
        o.status,
        ARRAY(SELECT t.tag_id FROM {challenge_theme} t
              WHERE t.content_object_id = ch.id AND t.tag_id = ANY(%(themes)s)) AS theme_ids,
        ARRAY(SELECT unnest(ch.resources_needed::text[])
              INTERSECT SELECT unnest(%(resources)s::text[])) AS resource_kinds,
        COALESCE(ch.region_id = %(region)s, false) AS same_region,
        (%(kind)s = ANY(ch.stakeholder_kinds)) AS kind_asked,
        ch.published_at >= %(since)s AS recently_active
    FROM {challenge} ch JOIN {org} o ON o.id = ch.owner_id
    WHERE ch.publication_status = %(published)s AND ch.status = %(challenge_open)s
        AND o.status = ANY(%(listed)s)
        AND ch.owner_id <> %(organisation)s
),
facts AS (SELECT c.*, OWNER_STAMP AS carries_stamp FROM candidates c)
SELECT challenge_id AS id, title, slug, owner_name, theme_ids, resource_kinds, same_region,
    kind_asked, carries_stamp, recently_active, (SCORE) AS score
FROM facts
WHERE cardinality(theme_ids) > 0 OR cardinality(resource_kinds) > 0 OR same_region OR kind_asked
ORDER BY score DESC, title, id
LIMIT %(limit)s
"""

INITIATIVES_SQL = """
WITH candidates AS (
    SELECT i.id AS initiative_id, i.title, i.slug, o.name AS owner_name, o.id AS owner_id,
        o.status,
        ARRAY(SELECT t.tag_id FROM {initiative_theme} t
              WHERE t.content_object_id = i.id AND t.tag_id = ANY(%(themes)s)) AS theme_ids,
        ARRAY(SELECT unnest(ARRAY(
                    -- The lead's current needs: one index look-up per initiative
                    -- (offerneed_open_by_org), not a grouping of every need.
                    SELECT x.kind FROM {offer} x
                    WHERE x.organisation_id = i.lead_id AND x.direction = %(need)s
                        AND CURRENT_OFFER)::text[] || ARRAY(
                    SELECT unnest(c.resources_needed) FROM {initiative_challenges} ic
                    JOIN {challenge} c ON c.id = ic.challenge_id
                    WHERE ic.initiative_id = i.id AND ic.confirmed_at IS NOT NULL))
              INTERSECT SELECT unnest(%(resources)s::text[])) AS resource_kinds,
        COALESCE(i.region_id = %(region)s, false) AS same_region,
        EXISTS (SELECT 1 FROM {initiative_challenges} ic JOIN {challenge} c
                ON c.id = ic.challenge_id
                WHERE ic.initiative_id = i.id AND ic.confirmed_at IS NOT NULL
                    AND %(kind)s = ANY(c.stakeholder_kinds))
            AS kind_asked,
        i.updated_at >= %(since)s AS recently_active
    FROM {initiative} i JOIN {org} o ON o.id = i.lead_id
    WHERE i.publication_status = %(published)s AND i.stage <> %(completed)s
        AND o.status = ANY(%(listed)s)
        AND i.lead_id <> %(organisation)s
        AND NOT EXISTS (SELECT 1 FROM {partner} p
                        WHERE p.initiative_id = i.id AND p.organisation_id = %(organisation)s)
),
facts AS (SELECT c.*, OWNER_STAMP AS carries_stamp FROM candidates c)
SELECT initiative_id AS id, title, slug, owner_name, theme_ids, resource_kinds, same_region,
    kind_asked, carries_stamp, recently_active, (SCORE) AS score
FROM facts
WHERE cardinality(theme_ids) > 0 OR cardinality(resource_kinds) > 0 OR same_region OR kind_asked
ORDER BY score DESC, title, id
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class _ItemList:
    """What differs between the challenges and the initiatives an organisation could join:
    the statement, where a suggestion links to, and the words of its reasons (untranslated:
    they are translated when the reasons are written, in the reader's language)."""

    kind: str
    sql: str
    url_name: str
    resource_reason: str
    kind_reason: str
    stamp_reason: str
    recent_reason: str


CHALLENGE_LIST = _ItemList(
    kind="challenge",
    sql=CHALLENGES_SQL,
    url_name="initiatives:challenge_detail",
    resource_reason=gettext_noop("asks for %(resources)s, which you offer"),
    kind_reason=gettext_noop("asks for your kind of organisation (%(kind)s)"),
    stamp_reason=gettext_noop("the problem owner carries the stamp"),
    recent_reason=gettext_noop("recently published"),
)
INITIATIVE_LIST = _ItemList(
    kind="initiative",
    sql=INITIATIVES_SQL,
    url_name="initiatives:initiative_detail",
    resource_reason=gettext_noop("needs %(resources)s, which you offer"),
    kind_reason=gettext_noop("looks for your kind of organisation (%(kind)s)"),
    stamp_reason=gettext_noop("the lead organisation carries the stamp"),
    recent_reason=gettext_noop("recently active"),
)


def _item_suggestions(organisation: Organisation, items: _ItemList, limit: int) -> list[Suggestion]:
    """Ranked ``items`` for ``organisation``, each with its reasons in the reader's language."""
    rows = _fetch(_sql(items.sql), _organisation_params(organisation, limit))
    kind_label = organisation.get_kind_display().lower()
    names = _theme_names(rows)
    suggestions = []
    for row in rows:
        reasons = []
        if row["resource_kinds"]:
            resources = _labels(ResourceKind.choices, row["resource_kinds"])
            reasons.append(_(items.resource_reason) % {"resources": resources})
        if row["kind_asked"]:
            reasons.append(_(items.kind_reason) % {"kind": kind_label})
        if row["same_region"]:
            reasons.append(_("same region"))
        shared = _shared_themes(row, names)
        if shared:
            reasons.append(shared)
        if row["carries_stamp"]:
            reasons.append(_(items.stamp_reason))
        if row["recently_active"]:
            reasons.append(_(items.recent_reason))
        suggestions.append(
            Suggestion(
                kind=items.kind,
                pk=row["id"],
                title=row["title"],
                slug=row["slug"],
                url=reverse(items.url_name, kwargs={"slug": row["slug"]}),
                detail=row["owner_name"],
                score=row["score"],
                reasons=reasons,
            )
        )
    return suggestions


def _organisation_params(organisation: Organisation, limit: int) -> dict[str, Any]:
    return {
        "organisation": organisation.pk,
        "themes": _theme_ids(organisation),
        "region": organisation.region_id,
        "kind": organisation.kind,
        "resources": _offered_kinds(organisation),
        "limit": limit,
    }


def challenges_for(organisation: Organisation, *, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
    """Open, published challenges this organisation could help with, best first."""
    return _item_suggestions(organisation, CHALLENGE_LIST, limit)


def initiatives_for(organisation: Organisation, *, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
    """Running initiatives this organisation could join as a partner, best first."""
    return _item_suggestions(organisation, INITIATIVE_LIST, limit)
