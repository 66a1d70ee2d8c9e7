"""Every list and detail page runs a fixed number of queries, whatever the amount of data."""

import pytest
from django.utils import timezone

from core.page_cache import bump_version
from tests.initiatives.factories import (
    ChallengeFactory,
    ImpactFigureFactory,
    InitiativeFactory,
    PartnerFactory,
    StoryFactory,
    UpdateFactory,
)
from tests.members.factories import RegionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(db):
    themes = [ThemeFactory(name="wonen", slug="wonen"), ThemeFactory(name="zorg", slug="zorg")]
    region = RegionFactory(name="Midden-Brabant", slug="midden-brabant")
    challenges = [ChallengeFactory(themes=themes, region=region) for _ in range(3)]
    initiatives = []
    for _ in range(5):
        initiative = InitiativeFactory(themes=themes)
        initiative.challenges.set(challenges, through_defaults={"confirmed_at": timezone.now()})
        for _ in range(2):
            PartnerFactory(initiative=initiative)
            ImpactFigureFactory(initiative=initiative)
            UpdateFactory(initiative=initiative)
            StoryFactory(initiative=initiative)
        initiatives.append(initiative)
    return {"initiative": initiatives[0], "challenge": challenges[0], "themes": themes}


def _more(content):
    """Double the data: the counts must not change."""
    for _ in range(5):
        initiative = InitiativeFactory(themes=content["themes"])
        StoryFactory(initiative=initiative)
        PartnerFactory(initiative=content["initiative"])
        ChallengeFactory(themes=content["themes"])


# For anonymous visitors; a logged-in visitor adds two (session, user).
LIST_PAGES = {
    # rows of the page (with lead/owner and region joined), their themes, the capped count
    # of matches ("23 initiatives", queries.capped_count), regions, themes
    "/initiatieven/": 5,
    "/initiatieven/?thema=wonen&regio=midden-brabant&fase=running&soort=social_enterprise": 5,
    "/initiatieven/?sorteer=title": 5,
    "/vraagstukken/": 5,
    "/vraagstukken/?thema=zorg&fase=open": 5,
    # stories with initiative and lead joined (no themes on cards), the capped count,
    # regions, themes
    "/verhalen/": 4,
    "/verhalen/?thema=wonen&viering=1": 4,
}


@pytest.mark.parametrize(("url", "expected"), list(LIST_PAGES.items()))
def test_list_pages_pin_their_queries(client, content, django_assert_num_queries, url, expected):
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    _more(content)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_the_next_page_costs_the_same(client, content, django_assert_num_queries) -> None:
    for _ in range(30):
        InitiativeFactory()
    first = client.get("/initiatieven/")
    cursor = first.context["page"].next_cursor
    assert cursor

    with django_assert_num_queries(5):  # the count is of all matches, on every page
        second = client.get("/initiatieven/", {"na": cursor})

    shown = {i.slug for i in first.context["page"].items}
    assert not shown & {i.slug for i in second.context["page"].items}


def test_initiative_detail_pins_its_queries(client, content, django_assert_num_queries) -> None:
    url = content["initiative"].get_absolute_url()
    # initiative with lead and region, themes, confirmed partners with organisations,
    # public challenges with owners, public stories, impact figures, updates, pictures
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    _more(content)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_initiative_detail_for_a_member_pins_its_queries(
    client, content, org_member, django_assert_num_queries
) -> None:
    client.force_login(org_member)
    url = content["initiative"].get_absolute_url()
    # the user (the session comes from the cache, core.sessions), then the eight above (the
    # viewer's role rides along in the first one), plus matchmaking's unread-notification
    # count from its context processor, and the viewer's roles for the matchmaking links
    # (suggestions, asking for an introduction)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_challenge_detail_pins_its_queries(client, content, django_assert_num_queries) -> None:
    url = content["challenge"].get_absolute_url()
    # challenge with owner and region, themes, public initiatives with their leads
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    _more(content)
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


def test_story_detail_pins_its_queries(client, content, django_assert_num_queries) -> None:
    story = content["initiative"].stories.first()
    # the story with its initiative, lead, region and author in one query
    with django_assert_num_queries(1):
        assert client.get(story.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # initiatives, challenges, stories (each with themes prefetched where cards show them)
        ("/themas/wonen/", 6),
        ("/regios/midden-brabant/", 6),
    ],
)
def test_theme_and_region_pages_pin_their_queries(
    client, content, django_assert_num_queries, url, expected
) -> None:
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    _more(content)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_home_pins_its_queries(client, content, django_assert_num_queries) -> None:
    # open challenges + themes, recent stories, recent initiatives + themes, curation's
    # featured items (none here), then the five home figures in one statement
    # (platform_site.home; cached afterwards, see tests/test_bounded_pages.py)
    with django_assert_num_queries(7):
        assert client.get("/").status_code == 200


def test_search_pins_its_queries(client, content, django_assert_num_queries) -> None:
    # typo correction of unknown words, then one statement: the four kinds ranked, and the
    # page's hits with their snippets
    with django_assert_num_queries(2):
        assert client.get("/zoeken/", {"q": "samen"}).status_code == 200
    # the correction is cached per word, so asking again is one statement (the page itself
    # comes from the page cache unless something changed: make it stale to see the view)
    bump_version()
    with django_assert_num_queries(1):
        assert client.get("/zoeken/", {"q": "samen"}).status_code == 200
