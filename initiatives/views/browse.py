"""Public pages: lists with facets, detail pages, theme and region pages, search."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.http import AuthenticatedHttpRequest, page_number
from core.models import Region, Theme
from initiatives import permissions, queries
from initiatives.models import Challenge, ChallengeStatus, Initiative, InitiativeStage, Story
from initiatives.search import KINDS, MAX_PAGES, search
from members import roles
from members.models import User


def _viewer(request: HttpRequest) -> User | None:
    return request.user if request.user.is_authenticated else None


def _list_context(
    request: HttpRequest, page: queries.Page, filters: queries.ListFilters
) -> dict[str, Any]:
    querystring = request.GET.copy()
    querystring.pop("na", None)
    return {
        "page": page,
        "filters": filters,
        "querystring": querystring.urlencode(),
        **queries.facet_options(),
    }


@require_safe
def initiative_list(request: HttpRequest) -> HttpResponse:
    filters = queries.ListFilters.from_query(request.GET, stages=InitiativeStage.values)
    page = queries.initiative_list(filters)
    return render(
        request, "initiatives/initiative_list.html", _list_context(request, page, filters)
    )


@require_safe
def challenge_list(request: HttpRequest) -> HttpResponse:
    filters = queries.ListFilters.from_query(request.GET, stages=ChallengeStatus.values)
    page = queries.challenge_list(filters)
    return render(request, "initiatives/challenge_list.html", _list_context(request, page, filters))


@require_safe
def story_list(request: HttpRequest) -> HttpResponse:
    filters = queries.ListFilters.from_query(request.GET, stages=[])
    page = queries.story_list(filters)
    return render(request, "initiatives/story_list.html", _list_context(request, page, filters))


def _visible[T: Challenge | Initiative | Story](request: HttpRequest, item: T | None) -> T:
    """Items that are not public (unpublished, hidden, or of a suspended organisation) exist
    only for their organisation's members and the editors."""
    if item is None:
        raise Http404
    if item.is_public:
        return item
    if getattr(item, "viewer_role", None) is None and not roles.is_editor(_viewer(request)):
        raise Http404
    return item


def _actions(request: HttpRequest, item: Challenge | Initiative | Story) -> dict[str, bool]:
    user = _viewer(request)
    role = getattr(item, "viewer_role", None)
    if user is None:
        return {}
    return {
        "can_edit": permissions.can_edit(user, item, role=role),
        "can_submit": permissions.can_submit(user, item, role=role),
        "can_publish": permissions.can_publish(user, item),
        "can_archive": permissions.can_archive(user, item, role=role),
        "is_member": role is not None,
        "organisation_inactive": role is not None
        and not roles.is_active_organisation(item.organisation),
    }


@require_safe
def initiative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, queries.initiative_detail(slug, _viewer(request)))
    return render(
        request,
        "initiatives/initiative_detail.html",
        {"initiative": initiative, **_actions(request, initiative)},
    )


@require_safe
def challenge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _visible(request, queries.challenge_detail(slug, _viewer(request)))
    return render(
        request,
        "initiatives/challenge_detail.html",
        {"challenge": challenge, **_actions(request, challenge)},
    )


@require_safe
def story_detail(request: HttpRequest, slug: str) -> HttpResponse:
    story = _visible(request, queries.story_detail(slug, _viewer(request)))
    return render(
        request, "initiatives/story_detail.html", {"story": story, **_actions(request, story)}
    )


@require_safe
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    return render(
        request,
        "initiatives/theme_detail.html",
        {"theme": theme, **queries.theme_overview(theme)},
    )


@require_safe
def region_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    return render(
        request,
        "initiatives/region_detail.html",
        {"region": region, **queries.region_overview(region)},
    )


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    kind = request.GET.get("soort", "")
    page = page_number(request.GET.get("pagina", "1"))
    results = search(text, kind=kind, page=page) if text.strip() else None
    querystring = request.GET.copy()
    querystring.pop("pagina", None)
    return render(
        request,
        "initiatives/search.html",
        {
            "results": results,
            "text": text.strip()[:200],
            "kind": kind if kind in KINDS else "",
            "kinds": [(key, label) for key, (_value, label) in KINDS.items()],
            "querystring": querystring.urlencode(),
            "max_pages": MAX_PAGES,
        },
    )


@login_required
@require_safe
def workspace(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "initiatives/workspace.html", queries.workspace(request.user))
