from django.urls import path

from matchmaking import views

app_name = "matchmaking"

urlpatterns = [
    # Offers and needs
    path("aanbod-en-vraag/", views.offer_need_list, name="offer_need_list"),
    path(
        "aanbod-en-vraag/organisatie/<slug:organisation_slug>/",
        views.organisation_matchmaking,
        name="organisation",
    ),
    path(
        "aanbod-en-vraag/organisatie/<slug:organisation_slug>/nieuw/",
        views.offer_need_create,
        name="offer_need_create",
    ),
    path("aanbod-en-vraag/<slug:slug>/", views.offer_need_detail, name="offer_need_detail"),
    path("aanbod-en-vraag/<slug:slug>/bewerken/", views.offer_need_edit, name="offer_need_edit"),
    path("aanbod-en-vraag/<slug:slug>/sluiten/", views.offer_need_close, name="offer_need_close"),
    # Suggestions
    path(
        "kennismakingen/suggesties/initiatief/<slug:slug>/",
        views.initiative_suggestions,
        name="initiative_suggestions",
    ),
    path(
        "kennismakingen/suggesties/initiatief/<slug:slug>/voorstellen/<slug:organisation_slug>/",
        views.propose,
        {"kind": "initiative"},
        name="initiative_propose",
    ),
    path(
        "kennismakingen/suggesties/<slug:slug>/",
        views.challenge_suggestions,
        name="challenge_suggestions",
    ),
    path(
        "kennismakingen/suggesties/<slug:slug>/voorstellen/<slug:organisation_slug>/",
        views.propose,
        {"kind": "challenge"},
        name="challenge_propose",
    ),
    # Introductions
    path("kennismakingen/", views.introduction_list, name="introduction_list"),
    path(
        "kennismakingen/aanvragen/<slug:organisation_slug>/",
        views.introduction_request,
        name="introduction_request",
    ),
    path("kennismakingen/<str:code>/", views.introduction_detail, name="introduction_detail"),
    path("kennismakingen/<str:code>/resultaat/", views.outcome_create, name="outcome_create"),
    path(
        "kennismakingen/<str:code>/intrekken/",
        views.introduction_withdraw,
        name="introduction_withdraw",
    ),
    path(
        "kennismakingen/<str:code>/intrekken/zeker-weten/",
        views.introduction_withdraw_confirm,
        name="introduction_withdraw_confirm",
    ),
    path(
        "kennismakingen/<str:code>/resultaat/<str:outcome_code>/verhaal/",
        views.outcome_story,
        name="outcome_story",
    ),
    path(
        "kennismakingen/<str:code>/<slug:action>/",
        views.introduction_action,
        name="introduction_action",
    ),
    # Facilitators, notifications, follows
    path("verbinders/", views.facilitator_dashboard, name="dashboard"),
    path("meldingen/", views.notification_list, name="notification_list"),
    path("meldingen/gelezen/", views.notifications_read, name="notifications_read"),
    path("meldingen/volgen/", views.follow_settings, name="follow_settings"),
]
