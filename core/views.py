import mimetypes
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.views.static import serve

from core.storage import signature_is_valid


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """Uploaded images, when no reverse proxy serves MEDIA_ROOT (``DJANGO_SERVE_MEDIA``)."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError):
        # A name the file system refuses (too long, a NUL byte) names no upload either.
        raise Http404 from None


@require_GET
def private_media(request: HttpRequest, path: str) -> FileResponse:
    """A private upload on the local disk, for a signed URL whose time has not run out."""
    expires = request.GET.get("expires", "")
    if not signature_is_valid(path, expires, request.GET.get("signature", "")):
        # What S3 answers for a bad or expired signature; it tells nothing about the file.
        raise PermissionDenied
    storage = storages["private"]
    try:
        handle = storage.open(path, "rb")
    except (OSError, ValueError, SuspiciousFileOperation):
        raise Http404 from None
    response = FileResponse(handle, content_type=mimetypes.guess_type(path)[0])
    remaining = max(0, int(expires) - int(time.time()))
    patch_cache_control(response, private=True, max_age=remaining)
    return response


def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the failure may lie in a context processor.
    return render(None, "500.html", status=500)  # type: ignore[arg-type]
