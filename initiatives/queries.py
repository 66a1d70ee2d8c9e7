"""Read-side helpers: list pages with seek pagination, detail pages, home and feeds.

Lists page by *seeking* ("keyset pagination") instead of OFFSET: the link to the next page
carries the sort key of the last row shown, and the next query asks for rows after it. With
a partial index per sort order over published rows (see the models' Meta.indexes) every
page, the first or the thousandth, reads only the rows it shows. The slug breaks ties, so
no sequential id appears in a URL. The price: no "page 7 of 900". The count of matches
that a list shows is capped (``capped_count``): it reads at most ``COUNT_CAP + 1`` rows.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from core.models import Region, Theme
from initiatives.models import (
    Challenge,
    ChallengeLink,
    ChallengeQuerySet,
    ChallengeStatus,
    Initiative,
    InitiativePartner,
    InitiativeQuerySet,
    InitiativeStage,
    InitiativeUpdate,
    PublicationStatus,
    PublishableQuerySet,
    Story,
    StoryQuerySet,
)
from members.models import Membership, Organisation, OrganisationKind, User
from members.roles import LISTED_STATUSES

PAGE_SIZE = 24
COUNT_CAP = 1000
SORTS = ("newest", "title")

# taggit refuses custom prefetch querysets; Theme.Meta.ordering sorts by name.
THEMES = "themes"

# What a card shows (templates/initiatives/includes/*_card.html) and what seeking reads
# (title, slug, published_at): Django compiles and builds every selected column of every
# row, so a card query selects only these.
INITIATIVE_CARD_FIELDS = (
    *("title", "slug", "published_at", "tagline", "stage", "cover"),
    *("lead__name", "lead__slug", "region__name"),
)
CHALLENGE_CARD_FIELDS = (
    *("title", "slug", "published_at", "summary", "status", "deadline", "cover"),
    *("owner__name", "owner__slug", "region__name"),
)

STORY_CARD_FIELDS = (
    *("title", "slug", "summary", "is_celebration", "published_at"),
    *("initiative__title", "initiative__slug", "initiative__cover", "initiative__cover_alt"),
    *("initiative__lead__name", "initiative__lead__slug"),
)


def card_themes() -> Prefetch[str, Any, str]:
    """A card's themes as a plain list, ``theme_list`` (the cards read it through
    ``|card_themes``). taggit's own prefetch builds, filters and then throws away a
    queryset for every row (about as dear as a query each); ``to_attr`` skips that."""
    return Prefetch(THEMES, to_attr="theme_list")


@dataclass
class ListFilters:
    theme: str = ""
    region: str = ""
    stage: str = ""  # an initiative's stage or a challenge's status
    kind: str = ""  # the organisation kind of the lead or problem owner
    celebration: bool = False
    sort: str = "newest"
    after: str = ""

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (the sort order is no filter)."""
        return bool(self.theme or self.region or self.stage or self.kind or self.celebration)

    @classmethod
    def from_query(cls, query: Any, *, stages: list[str]) -> ListFilters:
        sort = query.get("sorteer", "newest")
        kind = query.get("soort", "")
        stage = query.get("fase", "")
        return cls(
            theme=query.get("thema", "")[:100],
            region=query.get("regio", "")[:100],
            stage=stage if stage in stages else "",
            kind=kind if kind in OrganisationKind.values else "",
            celebration=query.get("viering") == "1",
            sort=sort if sort in SORTS else "newest",
            after=query.get("na", "")[:300],
        )


@dataclass
class Page:
    items: list[Any]
    next_cursor: str = ""
    is_first: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    total: int | None = None  # matches of the filters, counted up to COUNT_CAP + 1

    count_cap = COUNT_CAP

    @property
    def total_exceeds_cap(self) -> bool:
        return self.total is not None and self.total > COUNT_CAP


def capped_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> int:
    """How many rows match, counting no further than ``cap + 1``: one bounded query, so a
    list with a million rows costs no more than one with a thousand (seek, never scan)."""
    return queryset.prefetch_related(None).order_by().values("pk")[: cap + 1].count()


def _seek_and_count(queryset: QuerySet[Any], filters: ListFilters) -> Page:
    page = seek(queryset, sort=filters.sort, after=filters.after)
    page.total = capped_count(queryset)
    return page


def _encode(*parts: str) -> str:
    return base64.urlsafe_b64encode("\x1f".join(parts).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[str] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    parts = raw.split("\x1f")
    return parts if len(parts) == 2 else None


def seek(queryset: QuerySet[Any], *, sort: str, after: str, size: int = PAGE_SIZE) -> Page:
    """One page after the cursor ``after``, in ``sort`` order (see the module docstring)."""
    if sort == "title":
        queryset = queryset.order_by("title", "slug")
    else:
        queryset = queryset.order_by("-published_at", "-slug")
    cursor = _decode(after) if after else None
    if cursor is not None:
        key, slug = cursor
        if sort == "title":
            queryset = queryset.filter(Q(title__gt=key) | Q(title=key, slug__gt=slug))
        else:
            try:
                moment = datetime.fromisoformat(key)
            except ValueError:
                moment = None
            if moment is not None and moment.tzinfo is not None:
                queryset = queryset.filter(
                    Q(published_at__lt=moment) | Q(published_at=moment, slug__lt=slug)
                )
    rows = list(queryset[: size + 1])
    next_cursor = ""
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        key = last.title if sort == "title" else last.published_at.isoformat()
        next_cursor = _encode(key, last.slug)
    return Page(items=rows, next_cursor=next_cursor, is_first=cursor is None)


# ---------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------


def initiative_cards() -> InitiativeQuerySet:
    return (
        Initiative.objects.published()
        .select_related("lead", "region")
        .prefetch_related(card_themes())
        .only(*INITIATIVE_CARD_FIELDS)
    )


def challenge_cards() -> ChallengeQuerySet:
    return (
        Challenge.objects.published()
        .select_related("owner", "region")
        .prefetch_related(card_themes())
        .only(*CHALLENGE_CARD_FIELDS)
    )


def story_cards() -> StoryQuerySet:
    return (
        Story.objects.published()
        .select_related("initiative", "initiative__lead")
        .only(*STORY_CARD_FIELDS)
    )


def _filtered_page[Items: PublishableQuerySet[Any]](
    items: Items, filters: ListFilters, *, stage_field: str = ""
) -> Page:
    """One page of a list: the filters every list shares, then seek and count. The stage
    filter reads ``stage_field`` (an initiative's stage, a challenge's status)."""
    if filters.theme:
        items = items.with_theme(filters.theme)
    if filters.region:
        items = items.in_region(filters.region)
    if filters.stage and stage_field:
        items = items.filter(**{stage_field: filters.stage})
    if filters.kind:
        items = items.filter(**{f"{items.model.ORGANISATION_PATH}__kind": filters.kind})
    return _seek_and_count(items, filters)


def initiative_list(filters: ListFilters) -> Page:
    return _filtered_page(initiative_cards(), filters, stage_field="stage")


def challenge_list(filters: ListFilters) -> Page:
    return _filtered_page(challenge_cards(), filters, stage_field="status")


def story_list(filters: ListFilters) -> Page:
    stories = story_cards()
    if filters.celebration:
        stories = stories.filter(is_celebration=True)
    return _filtered_page(stories, filters)


def facet_options() -> dict[str, Any]:
    """The choices every filter form offers (two queries: regions and themes)."""
    return {
        "regions": list(Region.objects.only("name", "slug")),
        "themes": list(Theme.objects.order_by("name")),
        "kinds": OrganisationKind.choices,
        "stages": InitiativeStage.choices,
        "statuses": ChallengeStatus.choices,
    }


# ---------------------------------------------------------------------------
# Detail pages
# ---------------------------------------------------------------------------


def _with_viewer_role(queryset: QuerySet[Any], user: User | None, organisation_path: str) -> Any:
    """Annotate the viewer's membership role in the owning organisation: no extra query."""
    if user is None or not user.is_authenticated:
        return queryset
    role = Membership.objects.filter(organisation=OuterRef(organisation_path), user=user).values(
        "role"
    )[:1]
    return queryset.annotate(viewer_role=Subquery(role))


def initiative_detail(slug: str, user: User | None) -> Initiative | None:
    """The initiative with everything its page shows; None when it does not exist."""
    initiatives = (
        Initiative.objects.select_related("lead", "region")
        .defer("search_vector")
        .prefetch_related(
            THEMES,
            Prefetch(
                "partnerships",
                queryset=InitiativePartner.objects.filter(
                    confirmed_at__isnull=False, organisation__status__in=LISTED_STATUSES
                )
                .select_related("organisation")
                .order_by("role", "organisation__name"),
                to_attr="confirmed_partners",
            ),
            Prefetch(
                "challenge_links",
                queryset=ChallengeLink.objects.public()
                .select_related("challenge__owner")
                .only(
                    "initiative_id",
                    "challenge__title",
                    "challenge__slug",
                    "challenge__summary",
                    "challenge__status",
                    "challenge__owner__name",
                    "challenge__owner__slug",
                )
                .order_by("-challenge__published_at"),
                to_attr="public_challenge_links",
            ),
            Prefetch(
                "stories",
                queryset=Story.objects.filter(publication_status=PublicationStatus.PUBLISHED)
                .only("title", "slug", "summary", "is_celebration", "published_at", "initiative")
                .order_by("-published_at"),
                to_attr="public_stories",
            ),
            "impact_figures",
            Prefetch("updates", queryset=InitiativeUpdate.objects.order_by("-happened_on", "-id")),
            "images",
        )
    )
    initiative = _with_viewer_role(initiatives, user, "lead").filter(slug=slug).first()
    if initiative is not None:
        initiative.public_challenges = [
            link.challenge for link in initiative.public_challenge_links
        ]
    return initiative


def challenge_detail(slug: str, user: User | None) -> Challenge | None:
    challenges = (
        Challenge.objects.select_related("owner", "region")
        .defer("search_vector")
        .prefetch_related(
            THEMES,
            Prefetch(
                "initiative_links",
                queryset=ChallengeLink.objects.public()
                .select_related("initiative__lead")
                .only(
                    "challenge_id",
                    "initiative__title",
                    "initiative__slug",
                    "initiative__tagline",
                    "initiative__stage",
                    "initiative__lead__name",
                    "initiative__lead__slug",
                )
                .order_by("-initiative__published_at"),
                to_attr="public_initiative_links",
            ),
        )
    )
    challenge = _with_viewer_role(challenges, user, "owner").filter(slug=slug).first()
    if challenge is not None:
        challenge.public_initiatives = [
            link.initiative for link in challenge.public_initiative_links
        ]
    return challenge


def story_detail(slug: str, user: User | None) -> Story | None:
    stories = Story.objects.select_related(
        "initiative", "initiative__lead", "initiative__region", "author"
    ).defer("search_vector", "initiative__search_vector", "initiative__search_text")
    return _with_viewer_role(stories, user, "initiative__lead").filter(slug=slug).first()


# ---------------------------------------------------------------------------
# Home, theme and region pages, organisation pages, feeds
# ---------------------------------------------------------------------------


def open_challenges(limit: int = 3) -> list[Challenge]:
    return list(challenge_cards().open().order_by("-published_at", "-slug")[:limit])


def recent_stories(limit: int = 3) -> list[Story]:
    return list(story_cards().order_by("-published_at", "-slug")[:limit])


def recent_initiatives(limit: int = 6) -> list[Initiative]:
    return list(initiative_cards().order_by("-published_at", "-slug")[:limit])


def theme_overview(theme: Theme, limit: int = 6) -> dict[str, list[Any]]:
    return {
        "initiatives": list(
            initiative_cards().with_theme(theme.slug).order_by("-published_at", "-slug")[:limit]
        ),
        "challenges": list(
            challenge_cards().with_theme(theme.slug).order_by("-published_at", "-slug")[:limit]
        ),
        "stories": list(
            story_cards().with_theme(theme.slug).order_by("-published_at", "-slug")[:limit]
        ),
    }


def region_overview(region: Region, limit: int = 6) -> dict[str, list[Any]]:
    return {
        "initiatives": list(
            initiative_cards().in_region(region.slug).order_by("-published_at", "-slug")[:limit]
        ),
        "challenges": list(
            challenge_cards().in_region(region.slug).order_by("-published_at", "-slug")[:limit]
        ),
        "stories": list(
            story_cards().in_region(region.slug).order_by("-published_at", "-slug")[:limit]
        ),
    }


def organisation_activity(organisation: Organisation, limit: int = 12) -> dict[str, list[Any]]:
    """Public initiatives it leads or is a confirmed partner of, and its public challenges.

    The initiatives are the newest ``limit`` of two look-ups, each bounded by the
    organisation's own rows: the newest it leads (index ``initiative_pub_lead``) and the
    newest it partners in (its partnership rows), as one ``UNION``. One ``lead = … OR pk IN
    (…)`` would walk the site-wide newest-first index until it found ``limit`` of them: all of
    it for an organisation with few initiatives.
    """
    newest = ("-published_at", "-slug")
    published = Initiative.objects.published().only(
        "title", "slug", "tagline", "stage", "lead_id", "published_at"
    )
    partner_of = InitiativePartner.objects.filter(
        organisation=organisation, confirmed_at__isnull=False
    ).values("initiative_id")
    led = published.filter(lead=organisation).order_by(*newest)[:limit]
    partnered = published.filter(pk__in=partner_of).order_by(*newest)[:limit]
    initiatives = led.union(partnered).order_by(*newest)[:limit]
    challenges = (
        Challenge.objects.published()
        .filter(owner=organisation)
        .only("title", "slug", "summary", "status")
        .order_by("-published_at", "-slug")[:limit]
    )
    return {"initiatives": list(initiatives), "challenges": list(challenges)}


def workspace(user: User) -> dict[str, Any]:
    """What a member works on: items of their organisations and partner requests to confirm."""
    organisations = Organisation.objects.filter(memberships__user=user)
    admin_of = Organisation.objects.administered_by(user)
    return {
        "initiatives": list(
            Initiative.objects.filter(lead__in=organisations)
            .select_related("lead")
            .only("title", "slug", "publication_status", "hidden_at", "updated_at", "lead__name")
            .order_by("-updated_at")
        ),
        "challenges": list(
            Challenge.objects.filter(owner__in=organisations)
            .select_related("owner")
            .only("title", "slug", "publication_status", "hidden_at", "updated_at", "owner__name")
            .order_by("-updated_at")
        ),
        "stories": list(
            Story.objects.filter(initiative__lead__in=organisations)
            .select_related("initiative")
            .only(
                "title",
                "slug",
                "publication_status",
                "hidden_at",
                "updated_at",
                "initiative__title",
            )
            .order_by("-updated_at")
        ),
        "partner_requests": list(
            InitiativePartner.objects.filter(
                organisation__in=admin_of, confirmed_at__isnull=True
            ).select_related("initiative", "organisation")
        ),
        "challenge_link_requests": list(
            ChallengeLink.objects.filter(challenge__owner__in=admin_of, confirmed_at__isnull=True)
            .select_related("initiative__lead", "challenge")
            .only(
                "initiative__title",
                "initiative__slug",
                "initiative__lead__name",
                "challenge__title",
                "challenge__slug",
            )
            .order_by("created_at")
        ),
    }


def feed_items(
    *, kind: str, theme: str = "", region: str = "", limit: int = 30
) -> list[Challenge | Initiative | Story]:
    """Newest published items for a feed: one kind, or all three for a theme or region."""
    sources: dict[str, PublishableQuerySet[Any]] = {
        "initiatives": Initiative.objects.published().select_related("lead"),
        "challenges": Challenge.objects.published().select_related("owner"),
        "stories": Story.objects.published().select_related("initiative__lead"),
    }
    chosen = sources if kind == "all" else {kind: sources[kind]}
    items: list[Any] = []
    for queryset in chosen.values():
        if theme:
            queryset = queryset.with_theme(theme)
        if region:
            queryset = queryset.in_region(region)
        items.extend(queryset.defer("search_vector").order_by("-published_at", "-slug")[:limit])
    items.sort(key=lambda item: item.published_at, reverse=True)
    return items[:limit]
