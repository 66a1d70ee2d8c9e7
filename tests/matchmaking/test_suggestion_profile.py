"""The suggestion profile (`matchmaking.profile`) follows every kind of write.

After each write, every row of the profile must equal what is computed here in plain Python
from the organisations, their themes, and their offers and needs and those's themes: through
`save()`, the themes' many-to-many methods, `bulk_create`, `QuerySet.update()`, raw SQL and
deletes. The triggers that keep it are in the database, so nothing else may be needed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from initiatives.models import ResourceKind
from matchmaking.models import Direction, OfferNeed, ThemedOfferNeed
from matchmaking.profile import PROFILE_TABLE, keys_by_matches, kinds_key, profile_refresh
from members.models import Organisation, OrganisationStatus, ThemedOrganisation
from tests.matchmaking.factories import OfferNeedFactory
from tests.members.factories import OrganisationFactory, RegionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

OPEN_ENDED = object()


def _later(current: Any, ends_on: date | None) -> Any:
    """The last day of two: None (open-ended) wins over any date."""
    if current is None or ends_on is None:
        return None
    return ends_on if current is OPEN_ENDED else max(current, ends_on)


def expected() -> dict[tuple[int, str], tuple[Any, ...]]:
    """Every profile row, computed from the source tables in Python."""
    rows = {}
    for org in Organisation.objects.all():
        own = set(
            ThemedOrganisation.objects.filter(content_object=org).values_list("tag_id", flat=True)
        )
        for direction in Direction.values:
            kinds: dict[str, Any] = {}
            themes: dict[int, Any] = dict.fromkeys(own)
            for offer in OfferNeed.objects.filter(
                organisation=org, direction=direction, closed_at__isnull=True
            ):
                kinds[offer.kind] = _later(kinds.get(offer.kind, OPEN_ENDED), offer.ends_on)
                for tag_id in ThemedOfferNeed.objects.filter(content_object=offer).values_list(
                    "tag_id", flat=True
                ):
                    themes[tag_id] = _later(themes.get(tag_id, OPEN_ENDED), offer.ends_on)
            days = [day for day in [*kinds.values(), *themes.values()] if day is not None]
            rows[(org.pk, direction)] = (
                org.kind,
                org.region_id,
                org.status,
                org.open_to_cooperation,
                kinds_key(kinds),
                sorted(kinds),
                [kinds[kind] for kind in sorted(kinds)],
                sorted(themes),
                [themes[tag_id] for tag_id in sorted(themes)],
                min(days, default=None),
            )
    return rows


def stored() -> dict[tuple[int, str], tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organisation_id, direction, kind, region_id, status, open_to_cooperation,"
            f" kinds_key, kinds, kinds_until, themes, themes_until, soonest_until"
            f" FROM {PROFILE_TABLE}"
        )
        return {(row[0], row[1]): tuple(row[2:]) for row in cursor.fetchall()}


def assert_current() -> None:
    assert stored() == expected()


@pytest.fixture
def themes():
    return [ThemeFactory(name=f"thema {i}", slug=f"thema-{i}") for i in range(4)]


def test_new_organisations_get_a_profile_for_offers_and_for_needs():
    org = OrganisationFactory()
    assert set(stored()) == {(org.pk, "offer"), (org.pk, "need")}
    assert_current()


def test_the_profile_follows_saves_and_theme_changes(themes):
    org = OrganisationFactory()
    offer = OfferNeedFactory(organisation=org, kind="funding", themes=[themes[0]])
    need = OfferNeedFactory(organisation=org, direction=Direction.NEED, kind="space")
    assert stored()[(org.pk, "offer")][4] == "funding"
    assert_current()

    offer.themes.add(themes[1])  # type: ignore[attr-defined]  # taggit
    assert_current()
    offer.themes.remove(themes[0])  # type: ignore[attr-defined]
    assert_current()
    offer.themes.set([themes[2], themes[3]])  # type: ignore[attr-defined]
    assert_current()
    org.themes.add(themes[0])  # type: ignore[attr-defined]
    assert_current()
    org.themes.clear()  # type: ignore[attr-defined]
    assert_current()

    offer.ends_on = timezone.localdate() + timedelta(days=3)
    offer.save(update_fields=["ends_on"])
    assert stored()[(org.pk, "offer")][5:7] == (["funding"], [offer.ends_on])
    assert_current()

    offer.kind = "expertise"
    offer.save()
    assert_current()

    need.closed_at = timezone.now()
    need.save(update_fields=["closed_at"])
    assert stored()[(org.pk, "need")][4] == ""
    assert_current()

    other = OrganisationFactory()
    offer.organisation = other
    offer.save(update_fields=["organisation"])  # moves: both organisations change
    assert stored()[(org.pk, "offer")][4] == ""
    assert stored()[(other.pk, "offer")][4] == "expertise"
    assert_current()

    offer.delete()
    assert_current()


def test_the_profile_follows_bulk_writes_and_raw_sql(themes):
    orgs = [OrganisationFactory() for _ in range(3)]
    today = timezone.localdate()
    offers = OfferNeed.objects.bulk_create(
        OfferNeed(
            organisation=orgs[i % 3],
            direction=Direction.values[i % 2],
            kind=["data", "people", "space"][i % 3],
            title=f"Aanbod {i}",
            slug=f"aanbod-{i}",
            description="-",
            ends_on=[None, today, today + timedelta(days=9)][i % 3],
        )
        for i in range(12)
    )
    assert_current()
    ThemedOfferNeed.objects.bulk_create(
        ThemedOfferNeed(content_object=offer, tag=themes[i % 4]) for i, offer in enumerate(offers)
    )
    assert_current()
    ThemedOrganisation.objects.bulk_create(
        ThemedOrganisation(content_object=org, tag=themes[3]) for org in orgs
    )
    assert_current()

    # Bulk updates of what the profile reads, and of what it does not.
    OfferNeed.objects.filter(kind="data").update(kind="network")
    assert_current()
    OfferNeed.objects.filter(ends_on=today).update(ends_on=today - timedelta(days=1))
    assert_current()
    OfferNeed.objects.filter(organisation=orgs[0]).update(closed_at=timezone.now())
    assert stored()[(orgs[0].pk, "offer")][4] == ""
    assert_current()
    OfferNeed.objects.filter(organisation=orgs[0]).update(closed_at=None)
    assert_current()
    OfferNeed.objects.filter(organisation=orgs[1]).update(organisation=orgs[2])
    assert_current()
    OfferNeed.objects.update(title="Nieuw")
    assert_current()
    ThemedOfferNeed.objects.filter(tag=themes[0]).update(tag=themes[1])
    assert_current()

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {OfferNeed._meta.db_table} (organisation_id, direction, kind, title,"
            " slug, description, hidden_reason, created_at, updated_at)"
            " VALUES (%s, 'need', 'materials', 'Rauw', 'rauw', '-', '', now(), now())",
            [orgs[1].pk],
        )
        cursor.execute(
            f"DELETE FROM {ThemedOfferNeed._meta.db_table} WHERE tag_id = %s", [themes[1].pk]
        )
    assert stored()[(orgs[1].pk, "need")][4] == "materials"
    assert_current()

    ThemedOrganisation.objects.filter(content_object=orgs[2]).delete()
    assert_current()
    OfferNeed.objects.filter(kind="people").delete()
    assert_current()


def test_the_profile_follows_the_organisation_and_goes_with_it():
    org = OrganisationFactory(status=OrganisationStatus.PENDING)
    OfferNeedFactory(organisation=org)
    org.kind = "corporate"
    org.region = RegionFactory()
    org.status = OrganisationStatus.VERIFIED
    org.open_to_cooperation = False
    org.save()
    assert stored()[(org.pk, "offer")][:4] == (
        "corporate",
        org.region_id,
        OrganisationStatus.VERIFIED,
        False,
    )
    assert_current()
    Organisation.objects.filter(pk=org.pk).update(kind="municipality", region=None)
    assert_current()
    org.delete()
    assert stored() == {}


def test_a_truncate_starts_the_profile_again_from_what_is_left(themes):
    # The test runner's flush truncates every table Django knows at once; a foreign key
    # from the profile would make that fail, so the profile follows TRUNCATE itself.
    orgs = [OrganisationFactory() for _ in range(2)]
    OfferNeedFactory(organisation=orgs[0], themes=[themes[0]], ends_on=None)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no checks left pending before it
        cursor.execute("TRUNCATE matchmaking_offerneed CASCADE")
    assert stored()[(orgs[0].pk, "offer")][4:6] == ("", [])  # no open kinds left
    assert_current()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE members_organisation CASCADE")
    assert stored() == {}


def test_a_refresh_changes_nothing_that_the_triggers_kept(themes):
    orgs = [OrganisationFactory() for _ in range(2)]
    OfferNeedFactory(organisation=orgs[0], themes=[themes[0]])
    before = stored()
    profile_refresh([org.pk for org in orgs])
    assert stored() == before


def test_every_possible_kinds_key_is_counted_by_its_matches():
    keys = keys_by_matches(["funding", "space"])
    assert sorted(keys) == [0, 1, 2]
    assert "funding,space" in keys[2]
    assert "expertise,funding" in keys[1]
    assert "" in keys[0]
    assert sum(len(found) for found in keys.values()) == 2 ** len(ResourceKind.values)
