from django.urls import include, path

from stamp import views

app_name = "stamp"

# The public check of one carrier's stamp ("v/<code>/"): the page and its badges.
verification_patterns = [
    path("", views.verify, name="verify"),
    path("stempel.svg", views.badge_svg, name="badge_svg"),
    path("stempel.png", views.badge_png, name="badge_png"),
]

# One organisation's stamp, for its admins ("organisatie/<slug>/").
organisation_patterns = [
    path("", views.manage, name="manage"),
    path("dragen/", views.claim, name="claim"),
    path("bevestigen/", views.confirm, name="confirm"),
    path("terugtrekken/", views.withdraw, name="withdraw"),
    path("terugtrekken/zeker-weten/", views.withdraw_confirm, name="withdraw_confirm"),
]

# Open Badges 2.0 (hosted verification): the issuer, the badge, awards and revocations.
open_badges_patterns = [
    path("uitgever.json", views.ob_issuer, name="ob_issuer"),
    path("stempel.json", views.ob_badge_class, name="ob_badge_class"),
    path("toekenningen/<slug:code>.json", views.ob_assertion, name="ob_assertion"),
    path("intrekkingen.json", views.ob_revocations, name="ob_revocations"),
]

urlpatterns = [
    path("", views.index, name="index"),
    path("dragers/", views.carrier_list, name="carrier_list"),
    path("uitgangspunten/", views.charter_list, name="charter_list"),
    path("uitgangspunten/<int:version>/", views.charter_detail, name="charter_detail"),
    path("stempel.svg", views.image, name="image"),
    path("v/<slug:code>/", include(verification_patterns)),
    path("organisatie/<slug:slug>/", include(organisation_patterns)),
    path("openbadges/", include(open_badges_patterns)),
]
