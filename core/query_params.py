"""The site's query parameters are Dutch, as its URLs are; old English ones redirect.

Every list page filters and pages with the same names: ``soort``, ``regio``, ``thema``,
``geverifieerd``, ``pagina`` (and ``q`` for a search). The organisation directory and the
stamp wall once used English names, and the offers and needs list paged with ``page``;
links to them live on in bookmarks, mail and other sites. ``dutch_query_parameters`` on
such a view answers a request that still uses an English name with a permanent redirect
to the same page with the Dutch names, every other parameter kept in its place.

A decorator on the few views that need it, not a middleware: the admin and allauth have
query parameters of their own (``?kind=`` in the audit trail's filter, ``?page=`` in a
change list) that must never be renamed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

# Old (English) name -> the site's (Dutch) name.
DUTCH_NAMES: dict[str, str] = {
    "kind": "soort",
    "region": "regio",
    "theme": "thema",
    "verified": "geverifieerd",
    "page": "pagina",
}


def dutch_query_string(query_string: str) -> str | None:
    """The query string with Dutch names, or None when it has no English name to rename.

    The order of the parameters is kept. Where a link carries both names (``?kind=a&soort=b``)
    the Dutch one wins and the English one is dropped.
    """
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if not any(name in DUTCH_NAMES for name, _value in pairs):
        return None
    present = {name for name, _value in pairs}
    renamed = [
        (DUTCH_NAMES.get(name, name), value)
        for name, value in pairs
        if not (name in DUTCH_NAMES and DUTCH_NAMES[name] in present)
    ]
    return urlencode(renamed)


def dutch_query_parameters(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Redirect (301) a request with English query parameter names to the Dutch ones."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        query = dutch_query_string(request.META.get("QUERY_STRING", ""))
        if query is None:
            return view(request, *args, **kwargs)
        return HttpResponsePermanentRedirect(f"{request.path}?{query}")

    return wrapper


def paginate[M: Model](
    request: HttpRequest,
    items: QuerySet[M],
    per_page: int,
    paginator: type[Paginator] = Paginator,
) -> tuple[Page[M], str]:
    """The page of ``items`` that ``?pagina=`` asks for, and the query string of the other
    parameters, which ``templates/includes/pagination.html`` puts before ``pagina=``.

    A page number that is junk or too high gives the first or the last page, never an error.
    ``paginator`` is Django's or a subclass (``members.queries.KeysFirstPaginator``).
    """
    page = paginator(items, per_page).get_page(request.GET.get("pagina"))
    querystring = request.GET.copy()
    querystring.pop("pagina", None)
    return page, querystring.urlencode()
