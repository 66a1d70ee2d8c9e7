"""The benchmark's URLconf: ``/bench-floor/`` and then every URL of the project.

``/bench-floor/`` is the floor of ``bench/throughput.py``: the smallest answer a view can
give (a few bytes, no template, no query), reached through the project's full middleware
stack. What a page costs above it is the page's own work.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from platform_site import urls as project_urls


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench-floor/", floor, name="bench_floor"),
    *project_urls.urlpatterns,
]

handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
