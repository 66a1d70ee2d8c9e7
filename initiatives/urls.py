from django.contrib.syndication.views import Feed
from django.urls import URLPattern, URLResolver, include, path

from initiatives import feeds
from initiatives.views import browse, write

app_name = "initiatives"


def _with_feeds(page: URLPattern, kind: str, rss: Feed, atom: Feed) -> list[URLPattern]:
    """A page that lists items, with its RSS and Atom feeds below it: every list the site
    publishes has both, named ``<kind>_feed`` and ``<kind>_feed_atom``."""
    return [
        page,
        path("feed/", rss, name=f"{kind}_feed"),
        path("feed/atom/", atom, name=f"{kind}_feed_atom"),
    ]


# The paths below one initiative ("initiatieven/<slug>/"): partners and links to challenges
# stand on the other organisation's consent, so they have their own confirm and remove.
partner_patterns = [
    path("bevestigen/", write.partner_confirm, name="partner_confirm"),
    path("verwijderen/", write.partner_remove, name="partner_remove"),
]
challenge_link_patterns = [
    path("bevestigen/", write.challenge_link_confirm, name="challenge_link_confirm"),
    path("verwijderen/", write.challenge_link_remove, name="challenge_link_remove"),
]
initiative_patterns: list[URLPattern | URLResolver] = [
    path("", browse.initiative_detail, name="initiative_detail"),
    path("bewerken/", write.initiative_edit, name="initiative_edit"),
    path("beheer/", write.initiative_manage, name="initiative_manage"),
    path(
        "status/<str:action>/",
        write.transition,
        {"kind": "initiative"},
        name="initiative_transition",
    ),
    path("verhaal/", write.story_create, name="story_create"),
    path("partners/", write.partner_add, name="partner_add"),
    path("partners/<slug:organisation_slug>/", include(partner_patterns)),
    path("vraagstukken/<slug:challenge_slug>/", include(challenge_link_patterns)),
    path("cijfers/", write.figure_add, name="figure_add"),
    path("cijfers/weg/", write.figure_remove, name="figure_remove"),
    path("updates/", write.update_add, name="update_add"),
    path("fotos/", write.picture_add, name="picture_add"),
    path("fotos/weg/", write.picture_remove, name="picture_remove"),
]

# Publishing states change by POST only ("status/<action>/").
challenge_patterns = [
    path("", browse.challenge_detail, name="challenge_detail"),
    path("bewerken/", write.challenge_edit, name="challenge_edit"),
    path(
        "status/<str:action>/", write.transition, {"kind": "challenge"}, name="challenge_transition"
    ),
]
story_patterns = [
    path("", browse.story_detail, name="story_detail"),
    path("bewerken/", write.story_edit, name="story_edit"),
    path("status/<str:action>/", write.transition, {"kind": "story"}, name="story_transition"),
]

urlpatterns = [
    path(
        "initiatieven/",
        include(
            [
                *_with_feeds(
                    path("", browse.initiative_list, name="initiative_list"),
                    "initiative",
                    feeds.InitiativeRss(),
                    feeds.InitiativeAtom(),
                ),
                path("nieuw/", write.initiative_create, name="initiative_create"),
                path("mijn/", browse.workspace, name="workspace"),
            ]
        ),
    ),
    path("initiatieven/<slug:slug>/", include(initiative_patterns)),
    path(
        "vraagstukken/",
        include(
            [
                *_with_feeds(
                    path("", browse.challenge_list, name="challenge_list"),
                    "challenge",
                    feeds.ChallengeRss(),
                    feeds.ChallengeAtom(),
                ),
                path("nieuw/", write.challenge_create, name="challenge_create"),
            ]
        ),
    ),
    path("vraagstukken/<slug:slug>/", include(challenge_patterns)),
    path(
        "verhalen/",
        include(
            _with_feeds(
                path("", browse.story_list, name="story_list"),
                "story",
                feeds.StoryRss(),
                feeds.StoryAtom(),
            )
        ),
    ),
    path("verhalen/<slug:slug>/", include(story_patterns)),
    path(
        "themas/<slug:slug>/",
        include(
            _with_feeds(
                path("", browse.theme_detail, name="theme_detail"),
                "theme",
                feeds.ThemeRss(),
                feeds.ThemeAtom(),
            )
        ),
    ),
    path(
        "regios/<slug:slug>/",
        include(
            _with_feeds(
                path("", browse.region_detail, name="region_detail"),
                "region",
                feeds.RegionRss(),
                feeds.RegionAtom(),
            )
        ),
    ),
    path("zoeken/", browse.search_page, name="search"),
]
