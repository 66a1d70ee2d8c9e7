from django.urls import URLPattern, URLResolver, include, path

from members import views

app_name = "members"

# What members do about their place in one organisation ("organisaties/<slug>/"); leaving
# and removing someone ask first ("zeker-weten/").
membership_patterns = [
    path("leden/", views.organisation_members, name="organisation_members"),
    path("rol/", views.membership_role, name="membership_role"),
    path("zichtbaarheid/", views.membership_visibility, name="membership_visibility"),
    path("eigenaar/", views.ownership_transfer, name="ownership_transfer"),
    path("verwijderen/", views.membership_remove, name="membership_remove"),
    path(
        "verwijderen/zeker-weten/",
        views.membership_remove_confirm,
        name="membership_remove_confirm",
    ),
    path("verlaten/", views.membership_leave, name="membership_leave"),
    path("verlaten/zeker-weten/", views.membership_leave_confirm, name="membership_leave_confirm"),
]

# How people come into the organisation: invited by an admin, or asking to join.
joining_patterns = [
    path("uitnodigen/", views.invitation_create, name="invitation_create"),
    path("uitnodiging-intrekken/", views.invitation_revoke, name="invitation_revoke"),
    path("aansluiten/", views.join_request_create, name="join_request_create"),
    path("aanvraag-beoordelen/", views.join_request_decide, name="join_request_decide"),
]

organisation_patterns: list[URLPattern | URLResolver] = [
    path("", views.organisation_detail, name="organisation_detail"),
    path("bewerken/", views.organisation_edit, name="organisation_edit"),
    path("verifieren/", views.domain_verification, name="domain_verification"),
    path("", include(membership_patterns)),
    path("", include(joining_patterns)),
]

urlpatterns = [
    path("organisaties/", views.organisation_list, name="organisation_list"),
    path("organisaties/nieuw/", views.organisation_create, name="organisation_create"),
    path("organisaties/<slug:slug>/", include(organisation_patterns)),
    path("uitnodiging/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("mijn/", views.dashboard, name="dashboard"),
    path("mijn/profiel/", views.profile_edit, name="profile_edit"),
    path("leden/<slug:slug>/", views.profile_detail, name="profile_detail"),
]
