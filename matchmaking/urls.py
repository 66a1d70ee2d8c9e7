from django.urls import URLPattern, URLResolver, include, path

from matchmaking import views

app_name = "matchmaking"

# Offers and needs: one organisation's ("organisatie/<slug>/"), and one offer or need.
organisation_offer_need_patterns = [
    path("", views.organisation_matchmaking, name="organisation"),
    path("nieuw/", views.offer_need_create, name="offer_need_create"),
]
offer_need_patterns = [
    path("", views.offer_need_detail, name="offer_need_detail"),
    path("bewerken/", views.offer_need_edit, name="offer_need_edit"),
    path("sluiten/", views.offer_need_close, name="offer_need_close"),
]

# A facilitator's suggestions for an initiative or a challenge, and proposing one of them.
initiative_suggestion_patterns = [
    path("", views.initiative_suggestions, name="initiative_suggestions"),
    path(
        "voorstellen/<slug:organisation_slug>/",
        views.propose,
        {"kind": "initiative"},
        name="initiative_propose",
    ),
]
challenge_suggestion_patterns = [
    path("", views.challenge_suggestions, name="challenge_suggestions"),
    path(
        "voorstellen/<slug:organisation_slug>/",
        views.propose,
        {"kind": "challenge"},
        name="challenge_propose",
    ),
]

# One introduction ("kennismakingen/<code>/"); "<action>/" comes last, as any word fits it.
introduction_patterns = [
    path("", views.introduction_detail, name="introduction_detail"),
    path("resultaat/", views.outcome_create, name="outcome_create"),
    path("resultaat/<str:outcome_code>/verhaal/", views.outcome_story, name="outcome_story"),
    path("intrekken/", views.introduction_withdraw, name="introduction_withdraw"),
    path(
        "intrekken/zeker-weten/",
        views.introduction_withdraw_confirm,
        name="introduction_withdraw_confirm",
    ),
    path("<slug:action>/", views.introduction_action, name="introduction_action"),
]

# "suggesties/" and "aanvragen/" come before "<str:code>/", which they would fit.
urlpatterns: list[URLPattern | URLResolver] = [
    path("aanbod-en-vraag/", views.offer_need_list, name="offer_need_list"),
    path(
        "aanbod-en-vraag/organisatie/<slug:organisation_slug>/",
        include(organisation_offer_need_patterns),
    ),
    path("aanbod-en-vraag/<slug:slug>/", include(offer_need_patterns)),
    path(
        "kennismakingen/suggesties/initiatief/<slug:slug>/",
        include(initiative_suggestion_patterns),
    ),
    path("kennismakingen/suggesties/<slug:slug>/", include(challenge_suggestion_patterns)),
    path("kennismakingen/", views.introduction_list, name="introduction_list"),
    path(
        "kennismakingen/aanvragen/<slug:organisation_slug>/",
        views.introduction_request,
        name="introduction_request",
    ),
    path("kennismakingen/<str:code>/", include(introduction_patterns)),
    # Facilitators, notifications, follows
    path("verbinders/", views.facilitator_dashboard, name="dashboard"),
    path("meldingen/", views.notification_list, name="notification_list"),
    path("meldingen/gelezen/", views.notifications_read, name="notifications_read"),
    path("meldingen/volgen/", views.follow_settings, name="follow_settings"),
]
