from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("organisaties/", views.organisation_list, name="organisation_list"),
    path("organisaties/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("mijn/", views.dashboard, name="dashboard"),
    path("leden/<slug:slug>/", views.profile_detail, name="profile_detail"),
]
