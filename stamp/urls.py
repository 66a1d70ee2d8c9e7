from django.urls import path

from stamp import views

app_name = "stamp"

urlpatterns = [
    path("", views.index, name="index"),
    path("dragers/", views.carrier_list, name="carrier_list"),
    path("uitgangspunten/", views.charter_list, name="charter_list"),
    path("uitgangspunten/<int:version>/", views.charter_detail, name="charter_detail"),
    path("stempel.svg", views.image, name="image"),
    path("v/<slug:code>/", views.verify, name="verify"),
    path("v/<slug:code>/stempel.svg", views.badge_svg, name="badge_svg"),
    path("v/<slug:code>/stempel.png", views.badge_png, name="badge_png"),
    path("organisatie/<slug:slug>/", views.manage, name="manage"),
    path("organisatie/<slug:slug>/dragen/", views.claim, name="claim"),
    path("organisatie/<slug:slug>/terugtrekken/", views.withdraw, name="withdraw"),
    path(
        "organisatie/<slug:slug>/terugtrekken/zeker-weten/",
        views.withdraw_confirm,
        name="withdraw_confirm",
    ),
    path("organisatie/<slug:slug>/bevestigen/", views.confirm, name="confirm"),
    path("openbadges/uitgever.json", views.ob_issuer, name="ob_issuer"),
    path("openbadges/stempel.json", views.ob_badge_class, name="ob_badge_class"),
    path("openbadges/toekenningen/<slug:code>.json", views.ob_assertion, name="ob_assertion"),
    path("openbadges/intrekkingen.json", views.ob_revocations, name="ob_revocations"),
]
