"""Dutch full-text search: stemming, accents, typos, ranking and safe snippets."""

import pytest

from initiatives.models import PublicationStatus
from initiatives.search import search
from initiatives.services import search_terms_add
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.members.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _titles(query: str, **kwargs) -> list[str]:
    return [hit.title for hit in search(query, **kwargs).hits]


def _public(factory, **kwargs):
    item = factory(**kwargs)
    search_terms_add(text=f"{item.title} {item.search_text}")
    return item


def test_dutch_stemming_finds_the_singular_from_the_plural() -> None:
    _public(InitiativeFactory, title="Een woning voor iedereen", description="Over één woning.")

    assert _titles("woningen") == ["Een woning voor iedereen"]


def test_accents_are_ignored_both_ways() -> None:
    _public(InitiativeFactory, title="Ideeën uit de buurt", description="Het café in de wijk.")
    _public(InitiativeFactory, title="Reünie zonder accenten", description="cafe en ideeen")

    assert set(_titles("cafe")) == {"Ideeën uit de buurt", "Reünie zonder accenten"}
    assert set(_titles("ideeën")) == {"Ideeën uit de buurt", "Reünie zonder accenten"}


def test_a_typo_still_finds_the_word() -> None:
    _public(ChallengeFactory, title="Jeugdwerkloosheid halveren", description="Jongeren aan werk.")

    results = search("jeugdwerkloosheit")

    assert [hit.title for hit in results.hits] == ["Jeugdwerkloosheid halveren"]
    assert results.corrections == {"jeugdwerkloosheit": "jeugdwerkloosheid"}


def test_every_word_must_match() -> None:
    _public(InitiativeFactory, title="Zonnepanelen op scholen", description="Energie opwekken.")
    _public(InitiativeFactory, title="Zonnepanelen op daken", description="Energie opwekken.")

    assert _titles("zonnepanelen scholen") == ["Zonnepanelen op scholen"]


def test_a_title_match_ranks_above_a_match_in_the_text() -> None:
    _public(InitiativeFactory, title="Buurtmoestuin", description="Iets over wonen.")
    _public(InitiativeFactory, title="Iets anders", description="Met een buurtmoestuin erin.")

    assert _titles("buurtmoestuin") == ["Buurtmoestuin", "Iets anders"]


def test_search_spans_initiatives_challenges_stories_and_organisations() -> None:
    initiative = _public(InitiativeFactory, title="Fietsenwerkplaats", description="")
    _public(ChallengeFactory, title="Fietsenwerkplaats gezocht", description="")
    _public(StoryFactory, initiative=initiative, title="Het fietsenwerkplaats verhaal")
    OrganisationFactory(name="Stichting Fietsenwerkplaats", description="")

    kinds = {hit.kind for hit in search("fietsenwerkplaats").hits}

    assert kinds == {"initiative", "challenge", "story", "organisation"}
    assert {hit.kind for hit in search("fietsenwerkplaats", kind="verhalen").hits} == {"story"}


def test_drafts_submitted_and_archived_items_are_never_found() -> None:
    for status in ("draft", "submitted", "archived"):
        _public(InitiativeFactory, title=f"Geheim plan {status}", publication_status=status)
    published = InitiativeFactory(title="Geheim plan openbaar")
    StoryFactory(
        title="Geheim verhaal",
        initiative=InitiativeFactory(publication_status=PublicationStatus.DRAFT),
    )

    assert _titles("geheim") == [published.title]


def test_snippets_highlight_matches_and_escape_member_text() -> None:
    _public(
        InitiativeFactory,
        title="Veilig",
        description="Een <script>alert(1)</script> tekst over energiecoaches in de wijk.",
    )

    snippet = search("energiecoaches").hits[0].snippet

    assert "<mark>energiecoaches</mark>" in snippet
    assert "<script>" not in snippet


def test_the_search_page_shows_ranked_hits(client) -> None:
    _public(InitiativeFactory, title="Warmtenet Noord", description="Restwarmte voor woningen.")

    response = client.get("/zoeken/", {"q": "warmtenet"})

    assert response.status_code == 200
    assert "Warmtenet Noord" in response.content.decode()
