from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.models import Region, Theme
from members import queries
from members.models import OrganisationKind, Profile
from members.permissions import get_public_organisation, membership_of

DIRECTORY_PAGE_SIZE = 24


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "kind": request.GET.get("kind", ""),
        "region": request.GET.get("region", ""),
        "theme": request.GET.get("theme", ""),
        "verified": request.GET.get("verified") == "1",
        "query": request.GET.get("q", "").strip()[:100],
    }
    organisations = queries.directory_organisations(**filters)
    page = Paginator(organisations, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "members/organisation_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": OrganisationKind.choices,
            "regions": Region.objects.all(),
            "themes": Theme.objects.all(),
            "querystring": querystring.urlencode(),
        },
    )


@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_public_organisation(slug)
    membership = membership_of(request.user, organisation)  # type: ignore[arg-type]
    return render(
        request,
        "members/organisation_detail.html",
        {
            "organisation": organisation,
            "membership": membership,
            "public_members": queries.public_members(organisation),
            "themes": organisation.themes.order_by("name"),
        },
    )


@require_GET
def profile_detail(request: HttpRequest, slug: str) -> HttpResponse:
    profile = get_object_or_404(Profile.objects.select_related("user", "region"), slug=slug)
    is_own = request.user.is_authenticated and profile.user_id == request.user.pk
    if not (profile.is_public or is_own) or not profile.user.is_active:
        raise Http404
    memberships = (
        profile.user.memberships.filter(
            is_public=True, organisation__status__in=["pending", "verified"]
        )
        .select_related("organisation")
        .order_by("organisation__name")
        if profile.show_organisations
        else []
    )
    return render(
        request,
        "members/profile_detail.html",
        {"profile": profile, "memberships": memberships, "is_own": is_own},
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "members/dashboard.html",
        {
            "memberships": queries.memberships_of(user),  # type: ignore[arg-type]
            "invitations": queries.open_invitations_for(user),  # type: ignore[arg-type]
        },
    )
