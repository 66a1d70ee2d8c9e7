"""The home page, the organisation page and the directory cost a fixed number of queries,
whatever the size of the site or of one organisation (bench/pages_bench.py times them)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from curation import services as curation_services
from curation.models import Feature
from initiatives.models import Initiative, PublicationStatus
from members.models import Organisation, OrganisationStatus, User
from platform_site import home
from tests.initiatives.factories import (
    ChallengeFactory,
    InitiativeFactory,
    PartnerFactory,
    StoryFactory,
)
from tests.members.factories import OrganisationFactory, ThemeFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------
# Home page
# ---------------------------------------------------------------------------


@pytest.fixture
def busy_home(editor: User) -> None:
    for position in range(3):
        curation_services.feature_save(
            feature=Feature(initiative=InitiativeFactory(), position=position), by=editor
        )
        curation_services.feature_save(
            feature=Feature(story=StoryFactory(), position=10), by=editor
        )
        ChallengeFactory()
        ClaimFactory(organisation=OrganisationFactory())


def test_the_home_page_counts_its_figures_in_one_query_when_they_are_not_cached(
    client: Client, busy_home: None, django_assert_num_queries: Any
) -> None:
    cache.clear()
    # featured items + themes of the featured initiatives; open challenges + themes; recent
    # stories; recent initiatives + themes; all five figures in one statement: 8, the budget.
    with django_assert_num_queries(8):
        response = client.get("/")
    assert response.status_code == 200
    assert response.context["carrier_count"] == 3
    assert response.context["initiative_count"] == Initiative.objects.published().count()
    assert cache.get(home.FIGURES_KEY) is not None


def test_the_home_page_reads_cached_figures_without_counting(
    client: Client, busy_home: None, django_assert_num_queries: Any
) -> None:
    cache.clear()
    figures = home.figures()  # as a visit moments ago left them

    # the same without the figures' statement
    with django_assert_num_queries(7):
        response = client.get("/")
    assert response.status_code == 200
    assert response.context["initiative_count"] == figures["initiative_count"]


def test_a_change_to_a_counted_row_drops_the_cached_figures(client: Client) -> None:
    InitiativeFactory()
    assert home.figures()["initiative_count"] == 1

    second = InitiativeFactory()
    assert cache.get(home.FIGURES_KEY) is None
    assert home.figures()["initiative_count"] == 2

    second.publication_status = PublicationStatus.ARCHIVED
    second.save()
    assert home.figures()["initiative_count"] == 1

    organisation = second.lead
    ClaimFactory(organisation=organisation)
    assert home.figures()["carrier_count"] == 1
    organisation.status = OrganisationStatus.SUSPENDED
    organisation.save()
    assert home.figures()["carrier_count"] == 0


def test_the_figures_count_what_the_old_queries_counted() -> None:
    InitiativeFactory()
    InitiativeFactory(publication_status=PublicationStatus.DRAFT)
    InitiativeFactory(lead=OrganisationFactory(status=OrganisationStatus.SUSPENDED))
    OrganisationFactory(status=OrganisationStatus.PENDING)

    figures = home.figures()

    assert figures["initiative_count"] == 1
    # the lead of the published one, the draft's lead and the pending one; not the suspended
    assert figures["organisation_count"] == Organisation.objects.listed().count() == 3
    assert figures["introductions_with_outcome"] == 0
    assert figures["current_offers_and_needs"] == 0


def test_without_a_cache_the_home_page_still_shows_its_figures(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unreachable:
        """What core.cache.ResilientRedisCache answers while Redis is down: misses."""

        def get(self, key: str, default: Any = None) -> Any:
            return default

        def set(self, *args: Any, **kwargs: Any) -> None:
            return None

        def delete(self, key: str) -> bool:
            return False

    monkeypatch.setattr(home, "cache", Unreachable())
    InitiativeFactory()

    for _ in range(2):
        cache.clear()  # the whole-page cache (core.page_cache) must not answer instead
        response = client.get("/")
        assert response.status_code == 200
        assert response.context["initiative_count"] == 1


# ---------------------------------------------------------------------------
# Organisation page
# ---------------------------------------------------------------------------


def _initiatives_on_page(client: Client, organisation: Organisation) -> list[str]:
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    return [initiative.title for initiative in response.context["initiatives"]]


def test_the_organisation_page_lists_led_and_partner_initiatives_newest_first(
    client: Client,
) -> None:
    organisation = OrganisationFactory()
    now = timezone.now()

    def at(hours: int, **kwargs: Any) -> Any:
        return InitiativeFactory(published_at=now - timedelta(hours=hours), **kwargs)

    for hours in range(0, 20, 2):  # ten it leads: 0, 2, ... 18 hours old
        at(hours, lead=organisation, title=f"leidt {hours}")
    for hours in (1, 3, 30):  # three it partners in
        PartnerFactory(organisation=organisation, initiative=at(hours, title=f"partner {hours}"))
    led_and_partner = at(5, lead=organisation, title="leidt en partner 5")
    PartnerFactory(organisation=organisation, initiative=led_and_partner)
    PartnerFactory(
        organisation=organisation, initiative=at(4, title="onbevestigd"), confirmed_at=None
    )
    at(7, lead=organisation, title="concept", publication_status=PublicationStatus.DRAFT)
    hidden_lead = OrganisationFactory(status=OrganisationStatus.SUSPENDED)
    PartnerFactory(organisation=organisation, initiative=at(9, lead=hidden_lead, title="geschorst"))

    assert _initiatives_on_page(client, organisation) == [
        "leidt 0",
        "partner 1",
        "leidt 2",
        "partner 3",
        "leidt 4",
        "leidt en partner 5",
        "leidt 6",
        "leidt 8",
        "leidt 10",
        "leidt 12",
        "leidt 14",
        "leidt 16",
    ]


def test_the_organisation_page_costs_the_same_for_a_small_and_a_large_organisation(
    client: Client, django_assert_num_queries: Any
) -> None:
    small, large = OrganisationFactory(), OrganisationFactory()
    InitiativeFactory(lead=small)
    for _ in range(30):
        InitiativeFactory(lead=large)
        ChallengeFactory(owner=large)
    for _ in range(15):
        PartnerFactory(organisation=large)

    # organisation with its region (joined); stamp; initiatives (one UNION); challenges;
    # offers and needs; themes; public members.
    for organisation in (small, large):
        cache.clear()
        with django_assert_num_queries(7):
            response = client.get(organisation.get_absolute_url())
        assert response.status_code == 200
    assert len(response.context["initiatives"]) == 12
    assert len(response.context["challenges"]) == 12


# ---------------------------------------------------------------------------
# Directory
# ---------------------------------------------------------------------------


def test_the_directory_costs_the_same_with_many_initiatives(
    client: Client, django_assert_num_queries: Any
) -> None:
    organisations = [OrganisationFactory() for _ in range(3)]
    for organisation in organisations:
        for _ in range(10):
            InitiativeFactory(lead=organisation)
        PartnerFactory(organisation=organisation)

    # paginator count, the page (+region), themes prefetch, regions and themes for the menus
    with django_assert_num_queries(5):
        response = client.get(reverse("members:organisation_list"))
    assert response.status_code == 200


def _directory_page(client: Client, **query: str) -> Any:
    cache.clear()  # the whole-page cache (core.page_cache) must not answer instead
    response = client.get(reverse("members:organisation_list"), query)
    assert response.status_code == 200
    return response.context["page"]


def _directory(client: Client, **query: str) -> list[Organisation]:
    return list(_directory_page(client, **query).object_list)


def test_every_directory_page_holds_what_plain_offset_paging_gives(client: Client) -> None:
    # KeysFirstPaginator reads a page's keys first: the pages must be those of
    # ORDER BY name, id LIMIT 24 OFFSET n, ties on the name broken by the id, the last page
    # short, an unlisted organisation nowhere.
    theme, other = ThemeFactory(), ThemeFactory()
    for number in range(53):
        organisation = OrganisationFactory(
            name=f"Organisatie {number % 20:02d}",  # 20 names, most of them twice or thrice
            kind="municipality" if number % 3 else "corporate",
            status=OrganisationStatus.PENDING if number % 4 == 0 else OrganisationStatus.VERIFIED,
        )
        organisation.themes.add(other)
        if number % 2:
            organisation.themes.add(theme)
    OrganisationFactory(name="Organisatie 00", status=OrganisationStatus.SUSPENDED)
    listed = Organisation.objects.listed().order_by("name", "pk")

    def pages(**query: str) -> list[Organisation]:
        shown: list[Organisation] = []
        number = 1
        while True:
            page = _directory_page(client, **query, pagina=str(number))
            shown += page.object_list
            if not page.has_next():
                return shown
            number += 1

    everything = pages()
    assert [o.pk for o in everything] == [o.pk for o in listed]
    assert len(_directory(client, pagina="3")) == 53 - 48
    assert _directory(client, pagina="99") == everything[48:]  # too high: the last page
    assert pages(soort="corporate", geverifieerd="1") == list(
        listed.filter(kind="corporate", status=OrganisationStatus.VERIFIED)
    )
    # two themes on one organisation: still listed once
    assert pages(thema=other.slug) == list(listed)
    assert pages(thema=theme.slug) == list(listed.filter(themes=theme))
    assert _directory(client, thema="geen-thema") == []


def test_a_deep_directory_page_costs_what_the_first_one_costs(
    client: Client, django_assert_num_queries: Any
) -> None:
    for _ in range(60):
        OrganisationFactory()

    for number in ("1", "3"):
        # paginator count, the page (+region), themes prefetch, regions and themes
        with django_assert_num_queries(5):
            assert len(_directory(client, pagina=number)) in (24, 12)
