import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import URLPattern, URLResolver, include, path, re_path

from core import views as core_views
from initiatives.sitemaps import sitemaps
from platform_site import views

# admin.site is platform_site.admin.SiteAdmin: allauth's login and a second factor.
# Probes for load balancers and Kubernetes never reach the URLs: core.health.ProbeMiddleware
# answers them first.
urlpatterns: list[URLPattern | URLResolver] = [
    # The language switch (core.i18n): the same page in the chosen language.
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    # Private uploads on the local disk, through a signed URL that expires (core.storage).
    path("media-private/<path:path>", core_views.private_media, name="private_media"),
    path(
        "sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

# Dutch lives at the root; English under /en/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("toegankelijkheid/", core_views.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("members.urls")),
    path("", include("initiatives.urls")),
    path("stempel/", include("stamp.urls")),
    path("", include("matchmaking.urls")),
    path("", include("curation.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    # Uploads are re-encoded images only; a reverse proxy may serve MEDIA_ROOT instead.
    urlpatterns += [
        re_path(
            r"^" + re.escape(settings.MEDIA_URL.lstrip("/")) + r"(?P<path>.*)$",
            core_views.media,
        )
    ]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
