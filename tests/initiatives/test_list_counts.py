"""Lists say how many results there are, offer to clear their filters, link the lead
organisation and colour each stage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from initiatives import queries
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.matchmaking.factories import OfferNeedFactory
from tests.members.factories import OrganisationFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch_again_afterwards() -> Iterator[None]:
    """A request to an /en/ page leaves English active in this thread; later tests of the
    same worker build their URLs in Dutch."""
    yield
    translation.deactivate()


def test_the_initiative_list_counts_all_matches_not_only_the_page(client: Any) -> None:
    for _ in range(queries.PAGE_SIZE + 2):
        InitiativeFactory()
    html = client.get("/en/initiatieven/").content.decode()
    assert f"{queries.PAGE_SIZE + 2} initiatives" in html
    assert "Clear filters" not in html


def test_one_result_is_singular_and_a_filter_offers_to_clear_it(client: Any) -> None:
    theme = ThemeFactory(name="wonen", slug="wonen")
    InitiativeFactory(themes=[theme])
    InitiativeFactory()
    html = client.get("/en/initiatieven/?thema=wonen&sorteer=title").content.decode()
    assert "1 initiative<" in html or "1 initiative " in html
    assert '<a href="/en/initiatieven/">Clear filters</a>' in html


def test_sorting_alone_is_no_filter(client: Any) -> None:
    InitiativeFactory()
    assert "Clear filters" not in client.get("/en/initiatieven/?sorteer=title").content.decode()


def test_challenges_and_stories_are_counted_too(client: Any) -> None:
    ChallengeFactory()
    ChallengeFactory()
    StoryFactory()
    assert "2 challenges" in client.get("/en/vraagstukken/").content.decode()
    html = client.get("/en/verhalen/?viering=1").content.decode()
    assert "0 stories" in html
    assert "Clear filters" in html


def test_the_count_stops_at_the_cap(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    monkeypatch.setattr(queries.Page, "count_cap", 3)
    for _ in range(5):
        InitiativeFactory()
    assert queries.capped_count(queries.initiative_cards(), cap=3) == 4
    assert "More than 3 initiatives" in client.get("/en/initiatieven/").content.decode()


def test_a_large_count_is_grouped_the_dutch_or_english_way(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "capped_count", lambda queryset, cap=1000: 1350)
    monkeypatch.setattr(queries, "COUNT_CAP", 5000)
    assert "1,350 initiatives" in client.get("/en/initiatieven/").content.decode()
    assert "1.350" in client.get("/initiatieven/").content.decode()


def test_cards_link_the_lead_organisation_and_colour_the_stage(client: Any) -> None:
    lead = OrganisationFactory(name="Buurtkracht", slug="buurtkracht")
    initiative = InitiativeFactory(lead=lead, stage="pilot")
    StoryFactory(initiative=initiative)
    ChallengeFactory(owner=OrganisationFactory(name="Gemeente Breda", slug="breda"))
    link = '<a href="/organisaties/buurtkracht/">Buurtkracht</a>'
    html = client.get("/initiatieven/").content.decode()
    assert link in html
    assert 'class="badge stage stage--pilot"' in html
    assert link in client.get("/verhalen/").content.decode()
    html = client.get("/vraagstukken/").content.decode()
    assert 'href="/organisaties/breda/">Gemeente Breda</a>' in html
    assert 'class="badge stage stage--open"' in html


def test_the_offer_list_counts_and_clears_its_filters(client: Any) -> None:
    offer = OfferNeedFactory(kind="funding")
    OfferNeedFactory(kind="space")
    html = client.get("/en/aanbod-en-vraag/").content.decode()
    assert "2 offers and needs" in html
    assert "Clear filters" not in html
    assert f'<a href="/en/organisaties/{offer.organisation.slug}/">' in html
    html = client.get("/en/aanbod-en-vraag/?soort=funding").content.decode()
    assert "1 offer or need" in html
    assert "Clear filters" in html


def test_the_organisation_list_offers_to_clear_its_filters(client: Any) -> None:
    OrganisationFactory(name="Buurtkracht", slug="buurtkracht")
    assert "Clear filters" not in client.get("/en/organisaties/").content.decode()
    html = client.get("/en/organisaties/?q=buurt").content.decode()
    assert "1 organisation" in html
    assert "Clear filters" in html
