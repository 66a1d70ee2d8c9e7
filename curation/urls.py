from django.urls import path

from curation import views

app_name = "curation"

urlpatterns = [
    path("melden/<slug:kind>/<slug:slug>/", views.report_create, name="report_create"),
]
