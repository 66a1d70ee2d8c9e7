"""Matchmaking pages. Each view parses the request, checks access, calls one service, renders.

Forms re-render with their errors; a service that refuses (PermissionDenied, ValidationError)
writes nothing because it runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from core.http import AuthenticatedHttpRequest, parse_id
from core.query_params import dutch_query_parameters
from initiatives.models import Challenge, Initiative
from matchmaking import permissions, queries, services, suggestions
from matchmaking.forms import (
    FollowForm,
    IntroductionRequestForm,
    NoteForm,
    OfferNeedFilters,
    OfferNeedForm,
    OutcomeForm,
    ProposeForm,
    RedirectForm,
    RequiredNoteForm,
    StoryFromOutcomeForm,
)
from matchmaking.models import Direction, Introduction, IntroductionState, OfferNeed
from matchmaking.suggestions import Suggestion
from members import roles
from members.models import Organisation, User
from members.permissions import get_organisation_for_admin
from members.roles import ADMIN_ROLES, LISTED_STATUSES


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


# ---------------------------------------------------------------------------
# Offers and needs
# ---------------------------------------------------------------------------


@require_safe
@dutch_query_parameters
def offer_need_list(request: HttpRequest) -> HttpResponse:
    filters = OfferNeedFilters(request.GET)
    page = queries.offer_need_list(filters, request.GET.get("pagina"))
    return render(
        request,
        "matchmaking/offer_need_list.html",
        {
            "page": page,
            "filters": filters,
            "querystring": filters.querystring(),
            "directions": Direction.choices,
            "kinds": OfferNeed._meta.get_field("kind").choices,
            **queries.facet_options(),
        },
    )


@require_safe
def offer_need_detail(request: HttpRequest, slug: str) -> HttpResponse:
    offer_need = get_object_or_404(
        queries.offer_need_cards().filter(organisation__status__in=LISTED_STATUSES),
        slug=slug,
    )
    user = permissions.viewer(request)
    if not permissions.can_view_offer_need(user, offer_need):
        raise Http404
    return render(
        request,
        "matchmaking/offer_need_detail.html",
        {
            "offer_need": offer_need,
            "is_admin": roles.is_organisation_admin(user, offer_need.organisation),
        },
    )


def _offer_need_form_page(
    request: AuthenticatedHttpRequest,
    form: OfferNeedForm,
    save: Callable[[dict[str, Any]], OfferNeed],
    *,
    organisation: Organisation,
    title: str,
    saved: str,
) -> HttpResponse:
    """The form of a new or an existing offer or need: a valid post goes to ``save`` (the
    service), whose refusal shows on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            offer_need = save(form.values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect(offer_need.get_absolute_url())
    return render(
        request,
        "matchmaking/offer_need_form.html",
        {"form": form, "organisation": organisation, "title": title},
    )


@login_required
def offer_need_create(request: AuthenticatedHttpRequest, organisation_slug: str) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request, organisation_slug)
    if request.method == "GET":
        # The service refuses the post of a suspended organisation; say so before anyone
        # fills in the form.
        try:
            roles.require_active_organisation(organisation)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
    form = OfferNeedForm(
        request.POST or None,
        initial={"region": organisation.region, "direction": request.GET.get("richting")},
    )
    return _offer_need_form_page(
        request,
        form,
        lambda values: services.offer_need_create(
            organisation=organisation, by=request.user, values=values
        ),
        organisation=organisation,
        title=_("New offer or need"),
        saved=_("Saved. Everyone can see it now."),
    )


@login_required
def offer_need_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    offer_need = permissions.get_offer_need_for_admin(request, slug)
    if offer_need.is_hidden:
        # The service refuses every change; say why instead of showing a form that cannot save.
        messages.error(request, _("The editors hid this: only an editor can lift the hiding."))
        return redirect(offer_need.get_absolute_url())
    form = OfferNeedForm(request.POST or None, instance=offer_need)
    return _offer_need_form_page(
        request,
        form,
        lambda values: services.offer_need_update(
            offer_need=offer_need, by=request.user, values=values
        ),
        organisation=offer_need.organisation,
        title=_("Edit offer or need"),
        saved=_("Your changes are saved."),
    )


@login_required
@require_POST
def offer_need_close(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    offer_need = permissions.get_offer_need_for_admin(request, slug)
    reopen = bool(request.POST.get("reopen"))
    service = services.offer_need_reopen if reopen else services.offer_need_close
    try:
        service(offer_need=offer_need, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Open again: it shows in the lists.")
            if reopen
            else _("Closed: it no longer shows in the lists."),
        )
    return redirect(offer_need.get_absolute_url())


@login_required
@require_safe
def organisation_matchmaking(
    request: AuthenticatedHttpRequest, organisation_slug: str
) -> HttpResponse:
    """The organisation's own page: its offers and needs, and what it could connect with."""
    organisation, role = permissions.get_organisation_for_matchmaking(request, organisation_slug)
    is_admin = role in ADMIN_ROLES
    return render(
        request,
        "matchmaking/organisation.html",
        {
            "organisation": organisation,
            "is_admin": is_admin,
            "offers_needs": queries.organisation_offers_needs(organisation, include_closed=True),
            "challenge_suggestions": suggestions.challenges_for(organisation),
            "initiative_suggestions": suggestions.initiatives_for(organisation),
            "need_suggestions": suggestions.needs_meeting_offers(organisation),
        },
    )


# ---------------------------------------------------------------------------
# Suggestions (problem owner's admins and facilitators)
# ---------------------------------------------------------------------------


def _suggestions_page(
    request: AuthenticatedHttpRequest,
    item: Challenge | Initiative,
    found: list[Suggestion],
    kind: str,
) -> HttpResponse:
    return render(
        request,
        "matchmaking/suggestions.html",
        {
            "item": item,
            "item_kind": kind,
            "owner": item.organisation,
            "suggestions": found,
            "is_facilitator": roles.is_facilitator(request.user),
            "propose_form": ProposeForm(),
        },
    )


@login_required
@require_safe
def challenge_suggestions(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    challenge = permissions.get_challenge_for_suggestions(request, slug)
    return _suggestions_page(request, challenge, suggestions.for_challenge(challenge), "challenge")


@login_required
@require_safe
def initiative_suggestions(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    initiative = permissions.get_initiative_for_suggestions(request, slug)
    found = suggestions.for_initiative(initiative)
    return _suggestions_page(request, initiative, found, "initiative")


@login_required
@require_POST
def propose(
    request: AuthenticatedHttpRequest, kind: str, slug: str, organisation_slug: str
) -> HttpResponse:
    """A facilitator starts an introduction from a suggestion."""
    if not roles.is_facilitator(request.user):
        raise PermissionDenied
    item: Challenge | Initiative
    if kind == "challenge":
        item = permissions.get_challenge_for_suggestions(request, slug)
    else:
        item = permissions.get_initiative_for_suggestions(request, slug)
    receiving = get_object_or_404(Organisation.objects.listed(), slug=organisation_slug)
    form = ProposeForm(request.POST)
    if form.is_valid():
        try:
            introduction = services.introduction_propose(
                facilitator=request.user,
                requesting_organisation=item.organisation,
                receiving_organisation=receiving,
                message=form.cleaned_data["message"],
                subject=item,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Introduction proposed and forwarded."))
            return redirect(introduction.get_absolute_url())
    else:
        messages.error(request, _("Write a short message: why should these two meet?"))
    url_name = (
        "matchmaking:challenge_suggestions"
        if kind == "challenge"
        else "matchmaking:initiative_suggestions"
    )
    return redirect(url_name, slug=slug)


# ---------------------------------------------------------------------------
# Introductions
# ---------------------------------------------------------------------------


def _subject_from_query(request: HttpRequest) -> Challenge | Initiative | OfferNeed | None:
    """What the introduction is about: only what the public sees (the service checks again)."""
    if slug := request.GET.get("vraagstuk"):
        return get_object_or_404(Challenge.objects.published(), slug=slug)
    if slug := request.GET.get("initiatief"):
        return get_object_or_404(Initiative.objects.published(), slug=slug)
    if slug := request.GET.get("aanbod"):
        return get_object_or_404(OfferNeed.objects.current(), slug=slug)
    return None


def _subject_label(subject: Challenge | Initiative | OfferNeed | None) -> str:
    if isinstance(subject, Challenge):
        return _("About the challenge")
    if isinstance(subject, Initiative):
        return _("About the initiative")
    if isinstance(subject, OfferNeed):
        return _("About the offer") if subject.is_offer else _("About the need")
    return ""


@login_required
def introduction_request(request: AuthenticatedHttpRequest, organisation_slug: str) -> HttpResponse:
    receiving = get_object_or_404(Organisation.objects.listed(), slug=organisation_slug)
    subject = _subject_from_query(request)
    user = request.user
    organisations = queries.asking_organisations(user, receiving)
    if not organisations.exists():
        messages.info(
            request, _("Join or register an organisation first: introductions are between them.")
        )
        return redirect(receiving.get_absolute_url())
    form = IntroductionRequestForm(request.POST or None, organisations=organisations)
    used = services.requests_in_last_day(user)
    limit = services.daily_limit()
    if request.method == "POST" and form.is_valid():
        try:
            introduction = services.introduction_request(
                requester=user,
                requesting_organisation=form.cleaned_data["organisation"],
                receiving_organisation=receiving,
                message=form.cleaned_data["message"],
                subject=subject,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Sent. A facilitator reads your request and passes it on."))
            return redirect(introduction.get_absolute_url())
    return render(
        request,
        "matchmaking/introduction_request.html",
        {
            "form": form,
            "receiving": receiving,
            "subject": subject,
            "subject_label": _subject_label(subject),
            "limit_reached": used >= limit,
            "limit": limit,
        },
    )


@login_required
@require_safe
def introduction_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "matchmaking/introduction_list.html",
        {"rows": queries.my_introductions(request.user)},
    )


def _detail_context(
    request: AuthenticatedHttpRequest,
    introduction: Introduction,
    side: str | None,
    **forms: BaseForm,
) -> dict[str, Any]:
    user = request.user
    show_contacts = introduction.is_accepted and side is not None
    timeline = queries.introduction_timeline(introduction, side)
    context: dict[str, Any] = {
        "introduction": introduction,
        "side": side,
        "timeline": timeline.entries,
        "outcomes": queries.introduction_outcomes(introduction),
        "can_forward": permissions.can_forward(user, introduction),
        "can_answer": permissions.can_answer(user, introduction),
        "can_record_outcome": permissions.can_record_outcome(user, introduction),
        # Only the asking side may withdraw: nobody else pays the query that asks.
        "can_withdraw": side == "requesting" and permissions.can_withdraw(user, introduction),
        # Facilitators weigh the request: why the two match, and where each side stands.
        "is_facilitator": roles.is_facilitator(user),
        "on_hold": introduction.is_on_hold,
        "show_subject": timeline.show_subject,
        "show_contacts": show_contacts,
        "requesting_contact": services.requesting_contact(introduction) if show_contacts else None,
        "receiving_contact": introduction.answered_by if show_contacts else None,
        "forward_form": forms.get("forward_form") or NoteForm(prefix="forward"),
        "not_forward_form": forms.get("not_forward_form") or RequiredNoteForm(prefix="reject"),
        "redirect_form": forms.get("redirect_form")
        or RedirectForm(
            prefix="redirect",
            exclude=[
                introduction.requesting_organisation_id,
                introduction.receiving_organisation_id,
            ],
        ),
        "answer_form": forms.get("answer_form") or NoteForm(prefix="answer"),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(prefix="outcome"),
    }
    if context["is_facilitator"]:
        context["match"] = suggestions.for_introduction(introduction)
        context["parties"] = [
            introduction.requesting_organisation,
            introduction.receiving_organisation,
        ]
    return context


@login_required
@require_safe
def introduction_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    introduction, side = permissions.get_introduction_for_viewer(request, code)
    return render(
        request,
        "matchmaking/introduction_detail.html",
        _detail_context(request, introduction, side),
    )


ACTIONS: dict[
    str, tuple[str, type[BaseForm], Callable[[Introduction, User, dict[str, Any]], None], str]
] = {
    # url action: (form prefix, form class, service call, success message)
    "doorsturen": (
        "forward",
        NoteForm,
        lambda i, by, data: services.introduction_forward(introduction=i, by=by, note=data["note"]),
        gettext_noop("Forwarded to the organisation."),
    ),
    "niet-doorsturen": (
        "reject",
        RequiredNoteForm,
        lambda i, by, data: services.introduction_not_forward(
            introduction=i, by=by, note=data["note"]
        ),
        gettext_noop("Not forwarded; the member has your note."),
    ),
    "doorverwijzen": (
        "redirect",
        RedirectForm,
        lambda i, by, data: services.introduction_redirect(
            introduction=i, by=by, organisation=data["organisation"], note=data["note"]
        ),
        gettext_noop("Redirected and forwarded to the better-suited organisation."),
    ),
    "accepteren": (
        "answer",
        NoteForm,
        lambda i, by, data: services.introduction_accept(introduction=i, by=by, note=data["note"]),
        gettext_noop("Accepted. You can now see each other's contact details."),
    ),
    "afslaan": (
        "answer",
        NoteForm,
        lambda i, by, data: services.introduction_decline(introduction=i, by=by, note=data["note"]),
        gettext_noop("Declined. We let them know."),
    ),
}
FORM_NAMES = {
    "forward": "forward_form",
    "reject": "not_forward_form",
    "redirect": "redirect_form",
    "answer": "answer_form",
}


@login_required
@require_POST
def introduction_action(request: AuthenticatedHttpRequest, code: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    introduction, side = permissions.get_introduction_for_viewer(request, code)
    prefix, form_class, call, success = ACTIONS[action]
    user = request.user
    allowed = (
        permissions.can_forward(user, introduction)
        if prefix in ("forward", "reject", "redirect")
        else permissions.can_answer(user, introduction)
    )
    if not allowed:
        raise PermissionDenied
    kwargs: dict[str, Any] = {"prefix": prefix}
    if form_class is RedirectForm:
        kwargs["exclude"] = [
            introduction.requesting_organisation_id,
            introduction.receiving_organisation_id,
        ]
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            call(introduction, user, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _(success))
            return redirect(introduction.get_absolute_url())
    introduction.refresh_from_db()
    context = _detail_context(request, introduction, side, **{FORM_NAMES[prefix]: form})
    return render(request, "matchmaking/introduction_detail.html", context, status=400)


@login_required
@require_safe
def introduction_withdraw_confirm(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Say what withdrawing means before ``introduction_withdraw`` does it."""
    introduction, _side = permissions.get_introduction_for_viewer(request, code)
    if not permissions.can_withdraw(request.user, introduction):
        raise PermissionDenied
    return render(
        request,
        "matchmaking/introduction_withdraw_confirm.html",
        {
            "introduction": introduction,
            "heading": _("Withdraw your introduction request?"),
            "button": _("Yes, withdraw the request"),
            "action_url": reverse("matchmaking:introduction_withdraw", args=[introduction.code]),
            "cancel_url": introduction.get_absolute_url(),
        },
    )


@login_required
@require_POST
def introduction_withdraw(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    introduction, _side = permissions.get_introduction_for_viewer(request, code)
    try:
        services.introduction_withdraw(introduction=introduction, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect(introduction.get_absolute_url())


@login_required
@require_POST
def outcome_create(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    introduction, side = permissions.get_introduction_for_viewer(request, code)
    if not permissions.can_record_outcome(request.user, introduction):
        raise PermissionDenied
    form = OutcomeForm(request.POST, prefix="outcome")
    if form.is_valid():
        try:
            services.outcome_record(
                introduction=introduction,
                by=request.user,
                description=form.cleaned_data["description"],
                amount=form.cleaned_data["amount"],
                unit=form.cleaned_data["unit"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Thank you: the outcome is recorded."))
            return redirect(introduction.get_absolute_url())
    context = _detail_context(request, introduction, side, outcome_form=form)
    return render(request, "matchmaking/introduction_detail.html", context, status=400)


@login_required
def outcome_story(request: AuthenticatedHttpRequest, code: str, outcome_code: str) -> HttpResponse:
    """Turn an outcome into a draft story of one of the member's initiatives."""
    introduction, _side = permissions.get_introduction_for_viewer(request, code)
    user = request.user
    if not permissions.can_record_outcome(user, introduction):
        raise PermissionDenied
    outcome = get_object_or_404(introduction.outcomes, code=outcome_code)
    initiatives = services.story_initiatives_for(user, outcome)
    form = StoryFromOutcomeForm(request.POST or None, initiatives=initiatives)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.outcome_to_story(
                outcome=outcome, by=user, initiative=form.cleaned_data["initiative"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None,
                " ".join(error.messages)
                if isinstance(error, ValidationError)
                else _("You cannot write a story for this initiative."),
            )
        else:
            messages.success(request, _("A draft story is ready. Tell it in your own words."))
            return redirect("initiatives:story_edit", slug=story.slug)
    return render(
        request,
        "matchmaking/outcome_story.html",
        {"form": form, "introduction": introduction, "outcome": outcome},
    )


# ---------------------------------------------------------------------------
# Facilitator dashboard
# ---------------------------------------------------------------------------


@login_required
@require_safe
def facilitator_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles.is_facilitator(request.user):
        raise PermissionDenied
    return render(
        request,
        "matchmaking/dashboard.html",
        {"dashboard": queries.facilitator_dashboard(), "states": IntroductionState},
    )


# ---------------------------------------------------------------------------
# Notifications and follows
# ---------------------------------------------------------------------------


@login_required
@require_safe
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "matchmaking/notification_list.html",
        {"notifications": queries.notifications_for(request.user)},
    )


@login_required
@require_POST
def notifications_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    ids = [number for value in request.POST.getlist("id") if (number := parse_id(value))]
    services.notifications_mark_read(user=request.user, ids=ids or None)
    messages.success(request, _("Marked as read."))
    return redirect("matchmaking:notification_list")


@login_required
def follow_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = FollowForm(request.POST or None, initial=queries.follow_choices(user))
    if request.method == "POST" and form.is_valid():
        services.follows_set(
            user=user, themes=form.cleaned_data["themes"], regions=form.cleaned_data["regions"]
        )
        messages.success(request, _("Saved. The weekly digest follows your choice."))
        return redirect("matchmaking:follow_settings")
    return render(request, "matchmaking/follow_settings.html", {"form": form})
