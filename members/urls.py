from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("organisaties/", views.organisation_list, name="organisation_list"),
    path("organisaties/nieuw/", views.organisation_create, name="organisation_create"),
    path("organisaties/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisaties/<slug:slug>/bewerken/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisaties/<slug:slug>/leden/", views.organisation_members, name="organisation_members"
    ),
    path("organisaties/<slug:slug>/uitnodigen/", views.invitation_create, name="invitation_create"),
    path(
        "organisaties/<slug:slug>/uitnodiging-intrekken/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("organisaties/<slug:slug>/rol/", views.membership_role, name="membership_role"),
    path(
        "organisaties/<slug:slug>/verwijderen/", views.membership_remove, name="membership_remove"
    ),
    path(
        "organisaties/<slug:slug>/verwijderen/zeker-weten/",
        views.membership_remove_confirm,
        name="membership_remove_confirm",
    ),
    path("organisaties/<slug:slug>/eigenaar/", views.ownership_transfer, name="ownership_transfer"),
    path("organisaties/<slug:slug>/verlaten/", views.membership_leave, name="membership_leave"),
    path(
        "organisaties/<slug:slug>/verlaten/zeker-weten/",
        views.membership_leave_confirm,
        name="membership_leave_confirm",
    ),
    path(
        "organisaties/<slug:slug>/zichtbaarheid/",
        views.membership_visibility,
        name="membership_visibility",
    ),
    path(
        "organisaties/<slug:slug>/aansluiten/",
        views.join_request_create,
        name="join_request_create",
    ),
    path(
        "organisaties/<slug:slug>/aanvraag-beoordelen/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path(
        "organisaties/<slug:slug>/verifieren/",
        views.domain_verification,
        name="domain_verification",
    ),
    path("uitnodiging/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("mijn/", views.dashboard, name="dashboard"),
    path("mijn/profiel/", views.profile_edit, name="profile_edit"),
    path("leden/<slug:slug>/", views.profile_detail, name="profile_detail"),
]
