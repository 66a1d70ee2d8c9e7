"""Dutch full-text search: stemming, accents, typos, ranking and safe snippets."""

import pytest

from initiatives.models import PublicationStatus
from initiatives.search import HEADLINE_CHARS, PAGE_SIZE, corrections_for, search
from initiatives.services import search_terms_add
from members.models import OrganisationKind, OrganisationStatus
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


def test_an_organisation_is_found_by_its_current_description() -> None:
    organisation = OrganisationFactory(name="Stichting Buurtkracht", description="Over taal.")
    organisation.description = "Wij geven huiswerkbegeleiding aan kinderen."
    organisation.save(update_fields=["description"])

    hits = search("huiswerkbegeleiding").hits

    assert [(hit.kind, hit.title, hit.meta) for hit in hits] == [
        ("organisation", "Stichting Buurtkracht", str(OrganisationKind.SOCIAL_ENTERPRISE.label))
    ]
    assert hits[0].url == organisation.get_absolute_url()
    assert "<mark>huiswerkbegeleiding</mark>" in hits[0].snippet


def test_suspended_and_archived_organisations_are_never_found() -> None:
    for status in (OrganisationStatus.SUSPENDED, OrganisationStatus.ARCHIVED):
        OrganisationFactory(name=f"Repaircafé {status}", status=status)
    OrganisationFactory(name="Repaircafé in opbouw", status=OrganisationStatus.PENDING)

    assert _titles("repaircafe") == ["Repaircafé in opbouw"]


def test_an_organisation_snippet_drops_markdown_and_escapes_html() -> None:
    OrganisationFactory(name="Taalhuis", description="**Taalcoaches** <b>helpen</b> nieuwkomers.")

    snippet = search("taalcoaches").hits[0].snippet

    assert "**" not in snippet
    assert "<b>" not in snippet
    assert "<mark>Taalcoaches</mark>" in snippet


def test_hits_carry_their_address_and_context() -> None:
    initiative = _public(InitiativeFactory, title="Deelauto in de wijk", description="")
    story = _public(StoryFactory, initiative=initiative, title="Hoe de deelauto kwam")

    hits = {hit.kind: hit for hit in search("deelauto").hits}

    assert hits["initiative"].url == initiative.get_absolute_url()
    assert hits["initiative"].meta == initiative.lead.name
    assert hits["story"].url == story.get_absolute_url()
    assert hits["story"].meta == initiative.title


def test_results_are_paged() -> None:
    for number in range(PAGE_SIZE + 3):
        InitiativeFactory(title=f"Voedselbank {number}", description="")

    first, second = search("voedselbank"), search("voedselbank", page=2)

    assert len(first.hits) == PAGE_SIZE
    assert first.has_next
    assert len(second.hits) == 3
    assert not second.has_next
    assert not {hit.url for hit in first.hits} & {hit.url for hit in second.hits}


def test_a_snippet_comes_from_the_opening_of_a_long_text() -> None:
    opening = "Bewoners beginnen een moestuin. " * 10
    InitiativeFactory(title="Lange tekst", description=opening + "x " * HEADLINE_CHARS + "slot")

    hits = search("moestuin").hits
    late = search("slot").hits

    assert "<mark>moestuin</mark>" in hits[0].snippet
    # a match beyond the snippet window still finds the item, without a highlight
    assert [hit.title for hit in late] == ["Lange tekst"]
    assert "<mark>" not in late[0].snippet


def test_known_words_are_not_corrected_and_corrections_are_cached(
    django_assert_num_queries,
) -> None:
    _public(ChallengeFactory, title="Jeugdwerkloosheid halveren", description="Jongeren aan werk.")

    assert corrections_for(["jeugdwerkloosheid", "jongeren"]) == {}
    assert corrections_for(["jeugdwerkloosheit"]) == {"jeugdwerkloosheit": "jeugdwerkloosheid"}
    with django_assert_num_queries(0):
        assert corrections_for(["jeugdwerkloosheit", "jongeren"]) == {
            "jeugdwerkloosheit": "jeugdwerkloosheid"
        }


def test_a_stale_correction_never_hides_the_typed_word() -> None:
    _public(InitiativeFactory, title="Buurtbus voor ouderen", description="")
    assert corrections_for(["buurtbussen"]) == {"buurtbussen": "buurtbus"}
    # the typed word is published later, while the cached correction still stands
    _public(InitiativeFactory, title="Buurtbussen rijden weer", description="")

    titles = _titles("buurtbussen")

    assert set(titles) == {"Buurtbus voor ouderen", "Buurtbussen rijden weer"}


def test_a_query_of_only_stop_words_or_punctuation_finds_nothing() -> None:
    _public(InitiativeFactory, title="De en het", description="")

    assert _titles("de het") == []
    assert _titles("!!!") == []


def test_a_kind_filter_runs_one_kind_only(django_assert_num_queries) -> None:
    initiative = _public(InitiativeFactory, title="Klimaatstraat", description="")
    _public(ChallengeFactory, title="Klimaatstraat gezocht", description="")
    OrganisationFactory(name="Klimaatstraat BV", description="")
    corrections_for(["klimaatstraat"])

    # one statement: the ranked challenges with their snippets (the correction is cached)
    with django_assert_num_queries(1):
        hits = search("klimaatstraat", kind="vraagstukken").hits

    assert [hit.title for hit in hits] == ["Klimaatstraat gezocht"]
    assert initiative.title not in {hit.title for hit in hits}


def test_the_typo_vocabulary_index_has_no_pending_list() -> None:
    """With GIN's fastupdate, new words pile up in a list that every look-up scans."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'searchterm_word_trgm'")
        (options,) = cursor.fetchone()
    assert "fastupdate=off" in options


@pytest.mark.parametrize(("value", "page"), [("2", 2), ("٢", 1), ("1_0", 1), (" 2", 1), ("-3", 1)])
def test_the_search_page_reads_only_plain_page_numbers(client, value, page) -> None:
    """``core.http.page_number``: ``int()`` would also take "٢" (an Arabic-Indic two),
    "1_0" and " 2"."""
    response = client.get("/zoeken/", {"q": "woning", "pagina": value})

    assert response.status_code == 200
    assert response.context["results"].page == page
