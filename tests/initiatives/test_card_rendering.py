"""The cards' cheaper queries and filters show exactly what the full rows would."""

import pytest
from django.template import Context, Template

from core.templatetags import core_tags
from curation.models import Feature
from curation.queries import featured_items
from curation.services import feature_save
from initiatives import queries
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.members.factories import ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return [
        ThemeFactory(name="zorg", slug="zorg"),
        ThemeFactory(name="armoede", slug="armoede"),
        ThemeFactory(name="wonen", slug="wonen"),
    ]


def test_card_queries_give_each_item_its_own_themes(themes):
    both = InitiativeFactory(themes=[themes[2], themes[0]])
    one = InitiativeFactory(themes=[themes[1]])
    none = InitiativeFactory(themes=[])
    challenge = ChallengeFactory(themes=themes)

    cards = {item.pk: item for item in queries.recent_initiatives(limit=10)}

    def slugs(themes):
        return sorted(theme.slug for theme in themes)

    for initiative in (both, one, none):
        assert slugs(cards[initiative.pk].theme_list) == slugs(initiative.themes.all())
    assert slugs(cards[both.pk].theme_list) == ["wonen", "zorg"]
    assert cards[none.pk].theme_list == []
    challenges = {item.pk: item for item in queries.open_challenges(limit=10)}
    assert slugs(challenges[challenge.pk].theme_list) == ["armoede", "wonen", "zorg"]


def test_a_card_shows_the_prefetched_themes_or_else_reads_them(themes, django_assert_num_queries):
    initiative = InitiativeFactory(themes=[themes[0]])
    card = queries.recent_initiatives(limit=1)[0]
    with django_assert_num_queries(0):
        assert [t.slug for t in core_tags.card_themes_filter(card)] == ["zorg"]
    # An item from anywhere else (no ``theme_list``) still shows its themes.
    with django_assert_num_queries(1):
        assert [t.slug for t in core_tags.card_themes_filter(initiative)] == ["zorg"]


def test_the_initiative_card_reads_no_column_the_card_query_left_out(
    themes, django_assert_num_queries
):
    InitiativeFactory(themes=themes)
    ChallengeFactory(themes=themes)
    initiatives = queries.recent_initiatives(limit=5)
    challenges = queries.open_challenges(limit=5)
    template = Template(
        "{% for initiative in initiatives %}"
        "{% include 'initiatives/includes/initiative_card.html' %}{% endfor %}"
        "{% for challenge in challenges %}"
        "{% include 'initiatives/includes/challenge_card.html' %}{% endfor %}"
    )
    with django_assert_num_queries(0):  # a deferred column would cost a query per card
        html = template.render(Context({"initiatives": initiatives, "challenges": challenges}))
    assert "armoede" in html and "wonen" in html


def test_featured_cards_read_no_column_the_query_left_out(
    themes, editor, django_assert_num_queries
):
    initiative = InitiativeFactory(themes=[themes[1]])
    story = StoryFactory()
    feature_save(feature=Feature(initiative=initiative, position=1), by=editor)
    feature_save(feature=Feature(story=story, position=2), by=editor)
    items = featured_items()
    assert [f.kind for f in items] == ["initiative", "story"]
    assert items[0].item.theme_list == [themes[1]]
    template = Template(
        "{% for f in items %}{% if f.kind == 'initiative' %}"
        "{% include 'initiatives/includes/initiative_card.html' with initiative=f.item %}"
        "{% else %}{% include 'initiatives/includes/story_card.html' with story=f.item %}"
        "{% endif %}{% endfor %}"
    )
    with django_assert_num_queries(0):
        html = template.render(Context({"items": items}))
    assert initiative.title in html and "armoede" in html
    assert story.title in html and story.initiative.lead.name in html


def test_markdown_is_rendered_once_per_text_and_an_edit_shows_at_once():
    core_tags._rendered_markdown.cache_clear()
    first = core_tags.markdown_filter("**vet** en *schuin*")
    assert first == "<p><strong>vet</strong> en <em>schuin</em></p>"
    assert core_tags.markdown_filter("**vet** en *schuin*") is first
    assert core_tags._rendered_markdown.cache_info().hits == 1
    assert core_tags.markdown_filter("**anders**") == "<p><strong>anders</strong></p>"
    assert core_tags.markdown_filter("") == "" and core_tags.markdown_filter(None) == ""
