"""The language switch: the same page in the other language.

Dutch lives at the root and English under ``/en/`` (``i18n_patterns`` without a prefix for
the default language). Django's ``translate_url`` resolves the page in the language that is
active while it runs, which for the unprefixed switch view is always Dutch, so an English
address never resolved and the switch back to Dutch went nowhere. Here the address is
resolved in the language of its own prefix and reversed in the chosen one; an address that
resolves to nothing (a 404 page) keeps its path and only changes its prefix.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_path(url: str) -> bool:
    """A path on this site ("/…"), never another host: no scheme, no host, no "//" or "/\\"."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and url_has_allowed_host_and_scheme(url, None)


def language_of_path(path: str) -> str:
    """The language an address is in: its prefix (``/en/…``), else the default language."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def _prefix(language: str) -> str:
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


def _swap_prefix(path: str, source: str, target: str) -> str:
    """``/en/bestaat-niet/`` -> ``/bestaat-niet/`` and back: for paths nothing resolves."""
    source_prefix = _prefix(source)
    if source_prefix and (path == source_prefix or path.startswith(source_prefix + "/")):
        path = path[len(source_prefix) :] or "/"
    return _prefix(target) + path


def translate_path(url: str, language: str) -> str:
    """The same page in ``language``: a safe path in, a safe path out (query and fragment
    kept). The caller checks ``is_safe_path`` first."""
    parts = urlsplit(url)
    source = language_of_path(parts.path)
    translated: str | None = None
    with translation.override(source):
        try:
            match = resolve(unquote(parts.path))
        except Resolver404:
            match = None
    if match is not None and match.url_name:
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        with translation.override(language):
            try:
                translated = reverse(name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                translated = None
    if translated is None:
        translated = _swap_prefix(parts.path, source, language)
    return urlunsplit(("", "", translated, parts.query, parts.fragment))
