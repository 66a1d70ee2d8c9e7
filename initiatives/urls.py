from django.urls import path

from initiatives import feeds
from initiatives.views import browse, write

app_name = "initiatives"

urlpatterns = [
    # Initiatives
    path("initiatieven/", browse.initiative_list, name="initiative_list"),
    path("initiatieven/nieuw/", write.initiative_create, name="initiative_create"),
    path("initiatieven/mijn/", browse.workspace, name="workspace"),
    path("initiatieven/feed/", feeds.InitiativeRss(), name="initiative_feed"),
    path("initiatieven/feed/atom/", feeds.InitiativeAtom(), name="initiative_feed_atom"),
    path("initiatieven/<slug:slug>/", browse.initiative_detail, name="initiative_detail"),
    path("initiatieven/<slug:slug>/bewerken/", write.initiative_edit, name="initiative_edit"),
    path("initiatieven/<slug:slug>/beheer/", write.initiative_manage, name="initiative_manage"),
    path("initiatieven/<slug:slug>/verhaal/", write.story_create, name="story_create"),
    path("initiatieven/<slug:slug>/partners/", write.partner_add, name="partner_add"),
    path(
        "initiatieven/<slug:slug>/partners/<slug:organisation_slug>/bevestigen/",
        write.partner_confirm,
        name="partner_confirm",
    ),
    path(
        "initiatieven/<slug:slug>/partners/<slug:organisation_slug>/verwijderen/",
        write.partner_remove,
        name="partner_remove",
    ),
    path(
        "initiatieven/<slug:slug>/vraagstukken/<slug:challenge_slug>/bevestigen/",
        write.challenge_link_confirm,
        name="challenge_link_confirm",
    ),
    path(
        "initiatieven/<slug:slug>/vraagstukken/<slug:challenge_slug>/verwijderen/",
        write.challenge_link_remove,
        name="challenge_link_remove",
    ),
    path("initiatieven/<slug:slug>/cijfers/", write.figure_add, name="figure_add"),
    path("initiatieven/<slug:slug>/cijfers/weg/", write.figure_remove, name="figure_remove"),
    path("initiatieven/<slug:slug>/updates/", write.update_add, name="update_add"),
    path("initiatieven/<slug:slug>/fotos/", write.picture_add, name="picture_add"),
    path("initiatieven/<slug:slug>/fotos/weg/", write.picture_remove, name="picture_remove"),
    # Challenges
    path("vraagstukken/", browse.challenge_list, name="challenge_list"),
    path("vraagstukken/nieuw/", write.challenge_create, name="challenge_create"),
    path("vraagstukken/feed/", feeds.ChallengeRss(), name="challenge_feed"),
    path("vraagstukken/feed/atom/", feeds.ChallengeAtom(), name="challenge_feed_atom"),
    path("vraagstukken/<slug:slug>/", browse.challenge_detail, name="challenge_detail"),
    path("vraagstukken/<slug:slug>/bewerken/", write.challenge_edit, name="challenge_edit"),
    # Stories
    path("verhalen/", browse.story_list, name="story_list"),
    path("verhalen/feed/", feeds.StoryRss(), name="story_feed"),
    path("verhalen/feed/atom/", feeds.StoryAtom(), name="story_feed_atom"),
    path("verhalen/<slug:slug>/", browse.story_detail, name="story_detail"),
    path("verhalen/<slug:slug>/bewerken/", write.story_edit, name="story_edit"),
    # Publishing states (POST only)
    path(
        "initiatieven/<slug:slug>/status/<str:action>/",
        write.transition,
        {"kind": "initiative"},
        name="initiative_transition",
    ),
    path(
        "vraagstukken/<slug:slug>/status/<str:action>/",
        write.transition,
        {"kind": "challenge"},
        name="challenge_transition",
    ),
    path(
        "verhalen/<slug:slug>/status/<str:action>/",
        write.transition,
        {"kind": "story"},
        name="story_transition",
    ),
    # Themes, regions, search
    path("themas/<slug:slug>/", browse.theme_detail, name="theme_detail"),
    path("themas/<slug:slug>/feed/", feeds.ThemeRss(), name="theme_feed"),
    path("themas/<slug:slug>/feed/atom/", feeds.ThemeAtom(), name="theme_feed_atom"),
    path("regios/<slug:slug>/", browse.region_detail, name="region_detail"),
    path("regios/<slug:slug>/feed/", feeds.RegionRss(), name="region_feed"),
    path("regios/<slug:slug>/feed/atom/", feeds.RegionAtom(), name="region_feed_atom"),
    path("zoeken/", browse.search_page, name="search"),
]
