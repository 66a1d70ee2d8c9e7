"""The home page: the one view that composes sections from every app.

It lives here, in the composition root, because ``core`` may not import the domain
apps; each app contributes read-only helpers from its own ``queries.py``.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from curation import queries as curation_queries
from initiatives import queries as initiative_queries
from platform_site import home as home_figures


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "featured_items": curation_queries.featured_items(limit=6),
        "open_challenges": initiative_queries.open_challenges(limit=3),
        "recent_stories": initiative_queries.recent_stories(limit=3),
        "recent_initiatives": initiative_queries.recent_initiatives(limit=6),
        # Counted at most once a minute and dropped on change: see platform_site/home.py.
        **home_figures.figures(),
    }
    return render(request, "home.html", context)
