"""The suggestions equal an exhaustive scoring written plainly from the documented rules.

`matchmaking.suggestions` scores in one SQL statement (its candidate sources: organisations'
own themes, their current offers' themes, matching resources, region, kind). Here every
organisation is scored in Python, straight from the rules in the module's docstring, on a
generated data set (varied themes, regions, kinds, directions,
dates, closed and expired offers, statuses, stamps), and the top lists must be the same: the
same organisations, in the same order, with the same scores and facts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import pytest
import time_machine
from django.utils import timezone

from core.models import Theme
from initiatives.models import (
    Challenge,
    ChallengeLink,
    Initiative,
    InitiativePartner,
    InitiativeStage,
    PartnerRole,
    PublicationStatus,
    ResourceKind,
)
from matchmaking import suggestions
from matchmaking.models import Direction, OfferNeed, ThemedOfferNeed
from members.models import Organisation, OrganisationKind, OrganisationStatus, ThemedOrganisation
from members.roles import LISTED_STATUSES
from stamp.models import Claim, ClaimStatus
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory
from tests.members.factories import OrganisationFactory, RegionFactory, ThemeFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db

ORGANISATIONS = 160
OFFERS_AND_NEEDS = 420
# Few kinds and themes, so that many organisations share a score and the order of names
# decides, and the bounds the SQL uses are tested at their edges.
KINDS = ["municipality", "housing_corporation", "corporate", "civil_society"]
RESOURCES = ["expertise", "funding", "space", "people"]


@dataclass(frozen=True)
class World:
    organisations: list[Organisation]
    challenges: list[Challenge]
    initiatives: list[Initiative]


@pytest.fixture
def world() -> World:
    rng = random.Random(14)
    now = timezone.now()
    today = timezone.localdate()
    regions = [RegionFactory(name=f"Regio {i}", slug=f"regio-{i}") for i in range(4)]
    themes = [ThemeFactory(name=f"thema {i}", slug=f"thema-{i}") for i in range(7)]
    statuses = [OrganisationStatus.VERIFIED] * 5 + [
        OrganisationStatus.PENDING,
        OrganisationStatus.SUSPENDED,
    ]
    # factory_boy's types name the factory, not the model it returns.
    # Names of letters and digits only: PostgreSQL's collation and Python sort them alike.
    organisations: list[Organisation] = [
        cast(
            Organisation,
            OrganisationFactory(
                name=f"org{i:04d}",
                kind=rng.choice(KINDS),
                region=rng.choice([*regions, None]),
                status=rng.choice(statuses),
                open_to_cooperation=rng.random() > 0.1,
            ),
        )
        for i in range(ORGANISATIONS)
    ]
    ThemedOrganisation.objects.bulk_create(
        ThemedOrganisation(content_object=org, tag=theme)
        for org in organisations
        for theme in rng.sample(themes, rng.randint(0, 3))
    )
    for org in rng.sample(organisations, 40):
        # Some stamps are past their confirmation deadline: those do not count.
        due = rng.choice([None, None, now + timedelta(days=5), now - timedelta(days=5)])
        ClaimFactory(organisation=org, confirmation_due_at=due)
    offers = OfferNeed.objects.bulk_create(
        OfferNeed(
            organisation=rng.choice(organisations),
            direction=rng.choice(Direction.values),
            kind=rng.choice(RESOURCES),
            title=f"Aanbod {i}",
            slug=f"aanbod-{i}",
            description="Bench",
            closed_at=now if rng.random() < 0.15 else None,
            ends_on=rng.choice(
                [None, None, today, today - timedelta(days=1), today + timedelta(30)]
            ),
        )
        for i in range(OFFERS_AND_NEEDS)
    )
    ThemedOfferNeed.objects.bulk_create(
        ThemedOfferNeed(content_object=offer, tag=theme)
        for offer in offers
        for theme in rng.sample(themes, rng.randint(0, 2))
    )
    for offer in offers:  # created over half a year: some recent, some not
        OfferNeed.objects.filter(pk=offer.pk).update(
            created_at=now - timedelta(days=rng.randint(0, 180))
        )
    challenges: list[Challenge] = [
        cast(
            Challenge,
            ChallengeFactory(
                owner=rng.choice(organisations),
                region=rng.choice([*regions, None]),
                themes=rng.sample(themes, rng.randint(0, 4)),
                stakeholder_kinds=rng.sample(KINDS, rng.randint(0, 2)),
                resources_needed=rng.sample(RESOURCES, rng.randint(0, 3)),
            ),
        )
        for _ in range(12)
    ]
    initiatives: list[Initiative] = [
        cast(
            Initiative,
            InitiativeFactory(
                lead=rng.choice(organisations),
                region=rng.choice([*regions, None]),
                themes=rng.sample(themes, rng.randint(0, 3)),
                stage=rng.choice([InitiativeStage.RUNNING, InitiativeStage.IDEA]),
            ),
        )
        for _ in range(12)
    ]
    for initiative in initiatives:
        Initiative.objects.filter(pk=initiative.pk).update(
            updated_at=now - timedelta(days=rng.randint(0, 180))
        )
        for challenge in rng.sample(challenges, rng.randint(0, 2)):
            ChallengeLink.objects.create(
                initiative=initiative,
                challenge=challenge,
                confirmed_at=now if rng.random() > 0.3 else None,
            )
        for partner in rng.sample(organisations, rng.randint(0, 2)):
            if partner.pk != initiative.lead_id:
                InitiativePartner.objects.create(
                    initiative=initiative, organisation=partner, role=PartnerRole.FUNDER
                )
    return World(organisations=organisations, challenges=challenges, initiatives=initiatives)


# ---------------------------------------------------------------------------
# The exhaustive scoring: every organisation, every fact, in plain Python
# ---------------------------------------------------------------------------


def _is_current(offer: OfferNeed) -> bool:
    today = timezone.localdate()
    return offer.closed_at is None and (offer.ends_on is None or offer.ends_on >= today)


def exhaustive(
    *,
    themes: set[int],
    region: int | None,
    kinds: set[str],
    resources: set[str],
    exclude: set[int],
    direction: str = Direction.OFFER,
    require_resource: bool = False,
    limit: int,
) -> list[tuple[Any, ...]]:
    """(id, score, resource kinds, theme ids, same region, kind asked, stamp, recent), best
    first, for every organisation that may be suggested."""
    now = timezone.now()
    since = now - timedelta(days=suggestions.RECENT_DAYS)
    offers = list(OfferNeed.objects.prefetch_related("themes"))  # type: ignore[misc]  # taggit
    own_themes: dict[int, set[int]] = {}
    for org_id, tag_id in ThemedOrganisation.objects.values_list("content_object_id", "tag_id"):
        own_themes.setdefault(org_id, set()).add(tag_id)
    stamped = {
        claim.organisation_id
        for claim in Claim.objects.filter(status=ClaimStatus.ACTIVE)
        if claim.confirmation_due_at is None or claim.confirmation_due_at > now
    }
    active_leads = set(
        Initiative.objects.filter(
            publication_status=PublicationStatus.PUBLISHED, updated_at__gte=since
        ).values_list("lead_id", flat=True)
    )
    found = []
    for org in Organisation.objects.all():
        if org.status not in LISTED_STATUSES or not org.open_to_cooperation or org.pk in exclude:
            continue
        own = [o for o in offers if o.organisation_id == org.pk]
        current = [o for o in own if o.direction == direction and _is_current(o)]
        resource_kinds = sorted({o.kind for o in current} & resources)
        offer_themes = {theme.pk for o in current for theme in o.themes.all()}
        theme_ids = sorted((own_themes.get(org.pk, set()) | offer_themes) & themes)
        same_region = region is not None and org.region_id == region
        kind_asked = org.kind in kinds
        if not (resource_kinds or theme_ids or same_region or kind_asked):
            continue
        if require_resource and not resource_kinds:
            continue
        stamp = org.status == OrganisationStatus.VERIFIED and org.pk in stamped
        recent = any(o.created_at >= since for o in own) or org.pk in active_leads
        score = (
            3 * len(resource_kinds)
            + 3 * kind_asked
            + 2 * min(len(theme_ids), 3)
            + 2 * same_region
            + stamp
            + recent
        )
        found.append(
            (
                org.name,
                org.pk,
                score,
                resource_kinds,
                theme_ids,
                same_region,
                kind_asked,
                stamp,
                recent,
            )
        )
    found.sort(key=lambda row: (-row[2], row[0], row[1]))
    return [row[1:] for row in found[:limit]]


def _rows(**subject: Any) -> list[tuple[Any, ...]]:
    """What the SQL finds, in the same shape."""
    return [
        (
            row["id"],
            row["score"],
            sorted(row["resource_kinds"]),
            sorted(row["theme_ids"]),
            row["same_region"],
            row["kind_asked"],
            row["carries_stamp"],
            row["recently_active"],
        )
        for row in suggestions._organisation_rows(**subject)
    ]


def _theme_ids(obj: Challenge | Initiative | Organisation) -> set[int]:
    return set(
        obj.themes.through.objects.filter(content_object=obj).values_list("tag_id", flat=True)
    )


LIMITS = (1, 3, 10, 40)


def _check(subject: dict[str, Any]) -> int:
    """Compare both for every limit; return how many organisations the longest list holds."""
    longest = 0
    for limit in LIMITS:
        expected = exhaustive(
            themes=set(subject["themes"]),
            region=subject["region"],
            kinds=set(subject["kinds"]),
            resources=set(subject["resources"]),
            exclude=set(subject["exclude"]),
            direction=subject.get("direction", Direction.OFFER),
            require_resource=subject.get("require_resource", False),
            limit=limit,
        )
        assert _rows(**subject, limit=limit) == expected, (subject, limit)
        longest = max(longest, len(expected))
    return longest


def test_suggestions_for_challenges_equal_an_exhaustive_scoring(world):
    sizes = []
    for challenge in world.challenges:
        subject = {
            "themes": sorted(_theme_ids(challenge)),
            "region": challenge.region_id,
            "kinds": challenge.stakeholder_kinds,
            "resources": challenge.resources_needed,
            "exclude": [challenge.owner_id],
        }
        sizes.append(_check(subject))
        # The public function ranks the same organisations with the same scores.
        expected = _rows(**subject, limit=suggestions.DEFAULT_LIMIT)
        found = suggestions.for_challenge(challenge)
        assert [(s.pk, s.score) for s in found] == [(row[0], row[1]) for row in expected]
    assert max(sizes) == max(LIMITS)  # the data set is rich enough to fill the longest list


def test_suggestions_for_initiatives_equal_an_exhaustive_scoring(world):
    for initiative in world.initiatives:
        kinds: set[str] = set()
        resources: set[str] = set()
        for link in ChallengeLink.objects.filter(initiative=initiative, confirmed_at__isnull=False):
            kinds.update(link.challenge.stakeholder_kinds)
            resources.update(link.challenge.resources_needed)
        resources.update(
            o.kind
            for o in OfferNeed.objects.filter(
                organisation_id=initiative.lead_id, direction=Direction.NEED
            )
            if _is_current(o) and o.organisation.status in LISTED_STATUSES
        )
        partners = InitiativePartner.objects.filter(initiative=initiative)
        subject = {
            "themes": sorted(_theme_ids(initiative)),
            "region": initiative.region_id,
            "kinds": sorted(kinds),
            "resources": sorted(resources),
            "exclude": [initiative.lead_id, *partners.values_list("organisation_id", flat=True)],
        }
        _check(subject)
        expected = _rows(**subject, limit=suggestions.DEFAULT_LIMIT)
        found = suggestions.for_initiative(initiative)
        assert [(s.pk, s.score) for s in found] == [(row[0], row[1]) for row in expected]


def test_organisations_that_need_what_one_offers_equal_an_exhaustive_scoring(world):
    checked = 0
    for organisation in world.organisations[:60]:
        if organisation.status not in LISTED_STATUSES:
            continue
        offered = sorted(
            {
                o.kind
                for o in OfferNeed.objects.filter(
                    organisation=organisation, direction=Direction.OFFER
                )
                if _is_current(o)
            }
        )
        if not offered:
            assert suggestions.needs_meeting_offers(organisation) == []
            continue
        subject = {
            "themes": sorted(_theme_ids(organisation)),
            "region": organisation.region_id,
            "kinds": [],
            "resources": offered,
            "exclude": [organisation.pk],
            "direction": Direction.NEED,
            "require_resource": True,
        }
        _check(subject)
        found = suggestions.needs_meeting_offers(organisation)
        expected = _rows(**subject, limit=suggestions.DEFAULT_LIMIT)
        assert [(s.pk, s.score) for s in found] == [(row[0], row[1]) for row in expected]
        checked += 1
    assert checked >= 20


def test_the_kinds_and_themes_here_are_real_choices():
    assert set(KINDS) <= set(OrganisationKind.values)
    assert set(RESOURCES) <= set(ResourceKind.values)


@pytest.mark.parametrize("days", [1, 31])
def test_suggestions_stay_exact_as_end_dates_pass(world, days):
    """The profile is not rewritten when a day passes: offers, needs and their themes whose
    last day has gone stop counting all the same."""
    later = timezone.now() + timedelta(days=days)
    with time_machine.travel(later, tick=False):
        for challenge in world.challenges[:6]:
            _check(
                {
                    "themes": sorted(_theme_ids(challenge)),
                    "region": challenge.region_id,
                    "kinds": challenge.stakeholder_kinds,
                    "resources": challenge.resources_needed,
                    "exclude": [challenge.owner_id],
                }
            )
        for organisation in world.organisations[:20]:
            _check(
                {
                    "themes": sorted(_theme_ids(organisation)),
                    "region": organisation.region_id,
                    "kinds": [],
                    "resources": list(RESOURCES),
                    "exclude": [organisation.pk],
                    "direction": Direction.NEED,
                    "require_resource": True,
                }
            )


def test_suggestions_stay_exact_after_writes_of_every_kind(world):
    """The triggers keep the profile right through saves, theme changes, bulk updates and
    deletes; the suggestions still equal the exhaustive scoring afterwards."""
    rng = random.Random(3)
    offers = list(OfferNeed.objects.order_by("pk"))
    themes = list(Theme.objects.order_by("pk"))
    today = timezone.localdate()
    for offer in rng.sample(offers, 20):
        offer.kind = rng.choice(RESOURCES)
        offer.ends_on = rng.choice([None, today - timedelta(days=1), today + timedelta(days=2)])
        offer.closed_at = None if rng.random() < 0.7 else timezone.now()
        offer.save()
    for offer in rng.sample(offers, 20):
        offer.themes.set(rng.sample(themes, rng.randint(0, 2)))  # type: ignore[attr-defined]
    moved = [offer.pk for offer in rng.sample(offers, 20)]
    OfferNeed.objects.filter(pk__in=moved).update(organisation=rng.choice(world.organisations))
    OfferNeed.objects.filter(pk__in=[offer.pk for offer in offers[::7]]).update(
        direction=Direction.NEED
    )
    OfferNeed.objects.filter(pk__in=[offer.pk for offer in offers[::11]]).delete()
    for organisation in rng.sample(world.organisations, 10):
        organisation.themes.set(rng.sample(themes, rng.randint(0, 3)))  # type: ignore[attr-defined]
    Organisation.objects.filter(pk__in=[o.pk for o in world.organisations[::9]]).update(
        kind=KINDS[0]
    )
    for challenge in world.challenges:
        _check(
            {
                "themes": sorted(_theme_ids(challenge)),
                "region": challenge.region_id,
                "kinds": challenge.stakeholder_kinds,
                "resources": challenge.resources_needed,
                "exclude": [challenge.owner_id],
            }
        )
