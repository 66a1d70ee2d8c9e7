import datetime
import mimetypes
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST, require_safe
from django.views.static import serve

from core.i18n import is_safe_path, language_of_path, translate_path
from core.storage import signature_is_valid


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """Uploaded images, when no reverse proxy serves MEDIA_ROOT (``DJANGO_SERVE_MEDIA``)."""
    try:
        return serve(request, path, document_root=str(settings.MEDIA_ROOT))
    except (OSError, ValueError):
        # A name the file system refuses (too long, a NUL byte) names no upload either.
        raise Http404 from None


@require_safe
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


# When the accessibility statement was last reviewed against the site (change it with the
# statement's text, after a new round of checks).
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 30)


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy statement (AVG): what the site stores, why, how long, how to remove it."""
    return render(
        request, "core/privacy.html", {"session_days": settings.SESSION_COOKIE_AGE // 86400}
    )


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement in the Dutch government's model (toegankelijkheidsverklaring)."""
    return render(
        request, "core/accessibility.html", {"statement_date": ACCESSIBILITY_STATEMENT_DATE}
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponseRedirect:
    """The language switch: back to the same page (``next``) in the chosen language.

    Only a path on this site is followed; anything else (another host, junk) leads to the
    home page. The choice is kept in the language cookie, as Django's own view does; the
    address decides the language of every page (Dutch at the root, English under /en/).
    """
    next_url = request.POST.get("next", "")
    language = request.POST.get("language", "")
    known = language in dict(settings.LANGUAGES) and check_for_language(language)
    if not is_safe_path(next_url):
        next_url = "/"
    if not known:
        # No valid choice: back to where the visitor was, in the language it was in.
        language = language_of_path(urlsplit(next_url).path)
    response = HttpResponseRedirect(translate_path(next_url, language))
    if known:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            # A setting is a plain str to the stubs; set_cookie takes only "Lax", "Strict"...
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
    return response


def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the failure may lie in a context processor.
    return render(None, "500.html", status=500)
