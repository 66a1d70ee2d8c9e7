from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core import page_cache
from core.emails import absolute_url
from core.http import AuthenticatedHttpRequest
from core.models import Region
from core.query_params import dutch_query_parameters, paginate
from members import roles
from members.models import Organisation, OrganisationKind, User
from stamp import badge, openbadges, services
from stamp.forms import ClaimForm, ConfirmCharterForm
from stamp.models import Charter, Claim, ClaimStatus, PublicStatus
from stamp.permissions import can_manage_stamp, get_organisation_for_stamp

WALL_PAGE_SIZE = 24
BADGE_MAX_AGE = 300  # seconds: a revocation shows on other sites within five minutes


# ---------------------------------------------------------------------------
# Public pages
# ---------------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    administered: list[Organisation] = []
    if request.user.is_authenticated:
        administered = list(
            Organisation.objects.administered_by(request.user).distinct().order_by("name")
        )
    return render(
        request,
        "stamp/index.html",
        {
            "charter": Charter.objects.current(),
            "carrier_count": Claim.objects.carrying().count(),
            "administered": administered,
        },
    )


@require_safe
@dutch_query_parameters
def carrier_list(request: HttpRequest) -> HttpResponse:
    filters = {"kind": request.GET.get("soort", ""), "region": request.GET.get("regio", "")}
    claims = (
        Claim.objects.carrying()
        .select_related("organisation", "organisation__region")
        .order_by("organisation__name", "pk")
    )
    if filters["kind"] in OrganisationKind.values:
        claims = claims.filter(organisation__kind=filters["kind"])
    if filters["region"]:
        claims = claims.filter(organisation__region__slug=filters["region"])
    page, querystring = paginate(request, claims, WALL_PAGE_SIZE)
    return render(
        request,
        "stamp/carrier_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": OrganisationKind.choices,
            "regions": Region.objects.all(),
            "querystring": querystring,
        },
    )


@require_safe
def charter_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "stamp/charter_list.html",
        {"charters": Charter.objects.published().order_by("-version")},
    )


@require_safe
def charter_detail(request: HttpRequest, version: int) -> HttpResponse:
    charter = get_object_or_404(Charter.objects.published(), version=version)
    current = Charter.objects.current()
    return render(
        request,
        "stamp/charter_detail.html",
        {"charter": charter, "is_current": current is not None and current.pk == charter.pk},
    )


def _claim_by_code(code: str) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related("organisation", "charter_confirmed", "charter_agreed"),
        code=code,
    )


# What the verification page can be asked for (``Accept``): the page, or its assertion.
VERIFY_TYPES = ["text/html", openbadges.CONTENT_TYPE, "application/json"]
page_cache.choose_by_accept("stamp:verify", VERIFY_TYPES)


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    claim = _claim_by_code(code)
    now = timezone.now()
    issued = openbadges.is_issued(claim)
    if issued and request.get_preferred_type(VERIFY_TYPES) in VERIFY_TYPES[1:]:
        # A badge validator or backpack asking for the machine-readable form gets the
        # Open Badges assertion (the same document as its own address), at this address.
        response = _json_ld(openbadges.assertion(claim, now), max_age=_max_age(claim, now))
        patch_vary_headers(response, ["Accept"])
        return response
    status = claim.effective_status(now)
    response = render(
        request,
        "stamp/verify.html",
        {
            "claim": claim,
            "status": status,
            "status_label": claim.status_label(now),
            "ended_at": claim.ended_at(now),
            "reason": claim.public_reason(now),
            "organisation_is_public": claim.organisation.is_public,
            # The assertion's own address (its "id"), the same in every language.
            "assertion_url": (
                openbadges.stable_url("stamp:ob_assertion", code=claim.code) if issued else ""
            ),
            "events": claim.events.exclude(action="confirmation_requested").select_related(
                "charter"
            ),
        },
    )
    if status != PublicStatus.ACTIVE:
        # Ended claims stay verifiable, but search engines need not list them.
        response.headers["X-Robots-Tag"] = "noindex"
    patch_vary_headers(response, ["Accept"])
    return response


# ---------------------------------------------------------------------------
# The badge: images meant to be embedded on other sites
# ---------------------------------------------------------------------------


def _max_age(claim: Claim, now: datetime) -> int:
    """Cache briefly, and never past the moment the claim lapses by itself."""
    until_change = claim.seconds_until_change(now)
    return BADGE_MAX_AGE if until_change is None else min(BADGE_MAX_AGE, until_change)


def _embeddable(response: HttpResponse, etag: str, max_age: int) -> HttpResponse:
    response.headers["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    # Other sites show the badge in an <img>: allow cross-origin loading of this resource.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _badge_claim(code: str) -> Claim:
    """What a badge draws from: the claim's state and its organisation's name and status
    (not the charters the verification page shows, nor any long text)."""
    return get_object_or_404(
        Claim.objects.select_related("organisation").only(
            "code", "status", "confirmation_due_at", "organisation__name", "organisation__status"
        ),
        code=code,
    )


def _badge_response(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    claim = _badge_claim(code)
    now = timezone.now()
    # The layout is cheap; drawing the PNG is not, so the PNG comes from the cache.
    drawing = badge.layout(claim, verify_url=absolute_url(claim.get_absolute_url()), now=now)
    etag = quote_etag(badge.drawing_digest(drawing, kind))
    max_age = _max_age(claim, now)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _embeddable(not_modified, etag, max_age)
    if kind == "png":
        response = HttpResponse(badge.png_bytes(drawing), content_type="image/png")
    else:
        response = HttpResponse(_svg(drawing), content_type="image/svg+xml; charset=utf-8")
    return _embeddable(response, etag, max_age)


@lru_cache(maxsize=256)
def _svg(drawing: badge.BadgeDrawing) -> str:
    # The SVG is the drawing's alone (no translation, no request): drawn once per state and
    # process, like the PNG in the cache; the drawing holds the status, so a change shows.
    return render_to_string(
        "stamp/badge.svg",
        {
            "drawing": drawing,
            "ring_radius": badge.RING_RADIUS,
            "ring_diameter": 2 * badge.RING_RADIUS,
            "tilt": badge.TILT_DEGREES,
        },
    )


@require_safe
def badge_svg(request: HttpRequest, code: str) -> HttpResponse:
    return _badge_response(request, code, "svg")


@require_safe
def badge_png(request: HttpRequest, code: str) -> HttpResponse:
    return _badge_response(request, code, "png")


@require_safe
def image(request: HttpRequest) -> HttpResponse:
    """The plain stamp of the site: the image of the Open Badges BadgeClass."""
    response = HttpResponse(_svg(badge.layout(None)), content_type="image/svg+xml; charset=utf-8")
    patch_cache_control(response, public=True, max_age=60 * 60 * 24)
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


# ---------------------------------------------------------------------------
# The organisation's own stamp page
# ---------------------------------------------------------------------------


def _manage_context(
    organisation: Organisation,
    user: User,
    *,
    claim_form: ClaimForm | None = None,
    confirm_form: ConfirmCharterForm | None = None,
) -> dict[str, Any]:
    charter = Charter.objects.current()
    latest = (
        organisation.stamp_claims.select_related("charter_confirmed", "charter_agreed")
        .order_by("-claimed_at", "-pk")
        .first()
    )
    # A claim past its deadline has lapsed, even before the daily job records it.
    claim = latest if latest is not None and latest.is_open and not latest.is_overdue() else None
    initial = {"charter_version": charter.version if charter else None}
    can_manage = can_manage_stamp(user, organisation)
    context: dict[str, Any] = {
        "organisation": organisation,
        "charter": charter,
        "claim": claim,
        "latest": latest,
        "can_manage": can_manage,
        # The forms only where the services would accept them; they say why otherwise.
        "can_act": can_manage and organisation.is_verified,
        "frozen_message": _frozen_message(organisation),
        "can_claim": (
            claim is None
            and charter is not None
            and (latest is None or latest.status != ClaimStatus.REVOKED)
        ),
        "claim_form": claim_form or ClaimForm(initial=initial),
        "confirm_form": confirm_form or ConfirmCharterForm(initial=initial),
        "events": latest.events.select_related("by", "charter") if latest else [],
    }
    if latest is not None:
        verify_url = absolute_url(latest.get_absolute_url())
        context["snippet"] = render_to_string(
            "stamp/includes/snippet.html",
            {
                "verify_url": verify_url,
                "image_url": openbadges.stable_url("stamp:badge_svg", code=latest.code),
                "alt": _("%(site)s stamp of %(organisation)s: check whether it is valid")
                % {"site": settings.SITE_NAME, "organisation": organisation.name},
            },
        ).strip()
    return context


def _frozen_message(organisation: Organisation) -> str:
    """The roles module's message for a suspended or archived organisation, else ""."""
    try:
        roles.require_active_organisation(organisation)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


@login_required
@require_safe
def manage(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_stamp(request, slug)
    return render(
        request,
        "stamp/manage.html",
        _manage_context(organisation, request.user),
    )


def _require_manager(request: AuthenticatedHttpRequest, slug: str) -> Organisation:
    organisation = get_organisation_for_stamp(request, slug)
    if not can_manage_stamp(request.user, organisation):
        raise PermissionDenied
    return organisation


def _form_charter(form: ClaimForm | ConfirmCharterForm) -> Charter | None:
    return Charter.objects.published().filter(version=form.cleaned_data["charter_version"]).first()


@login_required
@require_POST
def claim(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = _require_manager(request, slug)
    form = ClaimForm(request.POST)
    if form.is_valid():
        charter = _form_charter(form)
        try:
            if charter is None:
                raise services.StampError(_("This version of the charter does not exist."))
            claimed = services.stamp_claim(
                organisation=organisation,
                by=request.user,
                charter=charter,
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if claimed.status == ClaimStatus.ACTIVE:
                messages.success(request, _("Your organisation now carries the stamp."))
            else:
                messages.success(request, _("Thank you. An editor will look at your claim soon."))
            return redirect("stamp:manage", slug=organisation.slug)
    context = _manage_context(organisation, request.user, claim_form=form)
    return render(request, "stamp/manage.html", context, status=400)


def _open_claim_for_manager(
    request: AuthenticatedHttpRequest, slug: str
) -> tuple[Organisation, Claim]:
    organisation = _require_manager(request, slug)
    open_claim = organisation.stamp_claims.select_related("organisation").open().first()
    if open_claim is None:
        raise Http404
    return organisation, open_claim


@login_required
@require_safe
def withdraw_confirm(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Say what giving back the stamp means before ``withdraw`` does it."""
    organisation, open_claim = _open_claim_for_manager(request, slug)
    return render(
        request,
        "stamp/withdraw_confirm.html",
        {
            "organisation": organisation,
            "claim": open_claim,
            "heading": _("Give back the stamp?"),
            "button": _("Yes, give back the stamp"),
            "action_url": reverse("stamp:withdraw", args=[organisation.slug]),
            "cancel_url": reverse("stamp:manage", args=[organisation.slug]),
        },
    )


@login_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation, open_claim = _open_claim_for_manager(request, slug)
    try:
        services.stamp_withdraw(claim=open_claim, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your organisation no longer carries the stamp."))
    return redirect("stamp:manage", slug=organisation.slug)


@login_required
@require_POST
def confirm(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = _require_manager(request, slug)
    open_claim = organisation.stamp_claims.select_related("organisation").open().first()
    if open_claim is None:
        raise Http404
    form = ConfirmCharterForm(request.POST)
    if form.is_valid():
        charter = _form_charter(form)
        try:
            if charter is None:
                raise services.StampError(_("This version of the charter does not exist."))
            services.stamp_confirm_charter(
                claim=open_claim,
                by=request.user,
                charter=charter,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: you confirmed the new version."))
            return redirect("stamp:manage", slug=organisation.slug)
    context = _manage_context(organisation, request.user, confirm_form=form)
    return render(request, "stamp/manage.html", context, status=400)


# ---------------------------------------------------------------------------
# Open Badges 2.0
# ---------------------------------------------------------------------------


def _json_ld(data: dict[str, Any], max_age: int = BADGE_MAX_AGE) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type=f"{openbadges.CONTENT_TYPE}; charset=utf-8",
    )
    patch_cache_control(response, public=True, max_age=max_age)
    # Badge backpacks and validators fetch these from other origins.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_safe
def ob_issuer(request: HttpRequest) -> HttpResponse:
    return _json_ld(openbadges.issuer_profile())


@require_safe
def ob_badge_class(request: HttpRequest) -> HttpResponse:
    charter = Charter.objects.current()
    if charter is None:
        raise Http404
    return _json_ld(openbadges.badge_class(charter))


@require_safe
def ob_assertion(request: HttpRequest, code: str) -> HttpResponse:
    found = _claim_by_code(code)
    if not openbadges.is_issued(found):
        raise Http404
    now = timezone.now()
    return _json_ld(openbadges.assertion(found, now), max_age=_max_age(found, now))


@require_safe
def ob_revocations(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    revoked = (
        Claim.objects.revoked_assertions(now)
        .select_related("organisation")
        .order_by("status_changed_at", "pk")
    )
    return _json_ld(openbadges.revocation_list(list(revoked), now))
