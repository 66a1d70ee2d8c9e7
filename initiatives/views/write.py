"""Members write drafts, submit them, and manage an initiative's partners, figures and pictures.

Each view parses the request, checks access through initiatives.permissions, calls one
service and renders or redirects. Forms re-render with their errors; a service that refuses
(PermissionDenied, ValidationError) writes nothing because it runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.http import id_or_404
from initiatives import permissions, services
from initiatives.forms import (
    ChallengeForm,
    ImpactFigureForm,
    InitiativeForm,
    OrganisationChoiceForm,
    PartnerForm,
    PictureForm,
    StoryForm,
    UpdateForm,
)
from initiatives.models import (
    Challenge,
    ChallengeLink,
    ImpactFigure,
    Initiative,
    InitiativeImage,
    InitiativePartner,
    Story,
)
from members import roles
from members.models import Organisation

MODELS: dict[str, type[Challenge] | type[Initiative] | type[Story]] = {
    "initiative": Initiative,
    "challenge": Challenge,
    "story": Story,
}
TRANSITIONS: dict[tuple[str, str], Callable[..., None]] = {
    ("initiative", "submit"): lambda item, by: services.initiative_submit(initiative=item, by=by),
    ("initiative", "publish"): lambda item, by: services.initiative_publish(initiative=item, by=by),
    ("initiative", "archive"): lambda item, by: services.initiative_archive(initiative=item, by=by),
    ("challenge", "submit"): lambda item, by: services.challenge_submit(challenge=item, by=by),
    ("challenge", "publish"): lambda item, by: services.challenge_publish(challenge=item, by=by),
    ("challenge", "archive"): lambda item, by: services.challenge_archive(challenge=item, by=by),
    ("story", "submit"): lambda item, by: services.story_submit(story=item, by=by),
    ("story", "publish"): lambda item, by: services.story_publish(story=item, by=by),
    ("story", "archive"): lambda item, by: services.story_archive(story=item, by=by),
}
TRANSITION_MESSAGES = {
    "submit": gettext_lazy("Submitted: the editors will review it."),
    "publish": gettext_lazy("Published: everyone can see it now."),
    "archive": gettext_lazy("Archived: it is no longer public."),
}


def _my_organisations(request: HttpRequest) -> Any:
    return Organisation.objects.listed().filter(memberships__user=request.user).order_by("name")


def _create(
    request: HttpRequest,
    *,
    form_class: type[Any],
    create: Callable[[Organisation, dict[str, Any]], Any],
    title: str,
) -> HttpResponse:
    organisations = _my_organisations(request)
    if not organisations.exists():
        messages.info(request, _("Join or register an organisation first: it writes with you."))
        return redirect("members:organisation_list")
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    choice = OrganisationChoiceForm(
        data, organisations=organisations, initial={"organisation": organisations[0]}
    )
    form = form_class(data, files)
    if request.method == "POST" and choice.is_valid() and form.is_valid():
        try:
            item = create(choice.cleaned_data["organisation"], form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved as a draft. Only your organisation can see it."))
            return redirect(item.get_absolute_url())
    return render(
        request,
        "initiatives/item_form.html",
        {"form": form, "choice": choice, "title": title},
    )


@login_required
def initiative_create(request: HttpRequest) -> HttpResponse:
    return _create(
        request,
        form_class=InitiativeForm,
        create=lambda org, values: services.initiative_create(
            by=request.user,
            lead=org,
            values=values,  # type: ignore[arg-type]
        ),
        title=_("New initiative"),
    )


@login_required
def challenge_create(request: HttpRequest) -> HttpResponse:
    return _create(
        request,
        form_class=ChallengeForm,
        create=lambda org, values: services.challenge_create(
            by=request.user,
            owner=org,
            values=values,  # type: ignore[arg-type]
        ),
        title=_("New challenge"),
    )


@login_required
def story_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A story is written from its initiative's page, by a member of the lead organisation."""
    initiative, role = permissions.get_item_for_member(request, Initiative, slug)
    if role is None:
        raise PermissionDenied
    form = StoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.story_create(
                by=request.user,  # type: ignore[arg-type]
                initiative=initiative,
                values=form.values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved as a draft. Only your organisation can see it."))
            return redirect(story.get_absolute_url())
    return render(
        request,
        "initiatives/item_form.html",
        {"form": form, "title": _("New story"), "initiative": initiative},
    )


def _edit(
    request: HttpRequest, kind: str, slug: str, form_class: type[Any], update: Callable[..., Any]
) -> HttpResponse:
    item = permissions.get_item_for_editing(request, MODELS[kind], slug)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, instance=item)
        if form.is_valid():
            # The form only validated; the service writes (on a fresh copy of the row).
            fresh = type(item).objects.get(pk=item.pk)
            try:
                update(fresh, form.values())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(fresh.get_absolute_url())
    else:
        form = form_class(instance=item)
    return render(
        request,
        "initiatives/item_form.html",
        {"form": form, "title": _("Edit “%(title)s”") % {"title": item.title}, "item": item},
    )


@login_required
def initiative_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _edit(
        request,
        "initiative",
        slug,
        InitiativeForm,
        lambda item, values: services.initiative_update(
            initiative=item,
            by=request.user,
            values=values,  # type: ignore[arg-type]
        ),
    )


@login_required
def challenge_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _edit(
        request,
        "challenge",
        slug,
        ChallengeForm,
        lambda item, values: services.challenge_update(
            challenge=item,
            by=request.user,
            values=values,  # type: ignore[arg-type]
        ),
    )


@login_required
def story_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _edit(
        request,
        "story",
        slug,
        StoryForm,
        lambda item, values: services.story_update(
            story=item,
            by=request.user,
            values=values,  # type: ignore[arg-type]
        ),
    )


@login_required
@require_POST
def transition(request: HttpRequest, kind: str, slug: str, action: str) -> HttpResponse:
    """Submit, publish or archive; the service decides whether this person may."""
    if (kind, action) not in TRANSITIONS:
        raise Http404
    item = get_object_or_404(MODELS[kind], slug=slug)
    user = request.user
    if not (roles.is_editor(user) or roles.role_in(user, item.organisation)):  # type: ignore[arg-type]
        raise Http404
    try:
        TRANSITIONS[(kind, action)](item, user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, TRANSITION_MESSAGES[action])
    return redirect(item.get_absolute_url())


# ---------------------------------------------------------------------------
# Managing an initiative: partners, figures, updates, pictures
# ---------------------------------------------------------------------------


def _run_and_tell(request: HttpRequest, action: Callable[[], Any], done: str) -> None:
    """Run a service for a button without a form: its refusal becomes the page's message."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)


def _manage_page(request: HttpRequest, initiative: Initiative, **forms: Any) -> HttpResponse:
    context = {
        "initiative": initiative,
        "partnerships": initiative.partnerships.select_related("organisation").order_by(
            "organisation__name"
        ),
        "challenge_links": initiative.challenge_links.select_related("challenge__owner").order_by(
            "challenge__title"
        ),
        "figures": initiative.impact_figures.all(),
        "updates": initiative.updates.all(),
        "pictures": initiative.images.all(),
        "partner_form": forms.get("partner_form") or PartnerForm(),
        "figure_form": forms.get("figure_form") or ImpactFigureForm(),
        "update_form": forms.get("update_form") or UpdateForm(),
        "picture_form": forms.get("picture_form") or PictureForm(),
    }
    status = 400 if forms else 200
    return render(request, "initiatives/initiative_manage.html", context, status=status)


@login_required
def initiative_manage(request: HttpRequest, slug: str) -> HttpResponse:
    initiative, role = permissions.get_item_for_member(request, Initiative, slug)
    if role is None:
        raise PermissionDenied
    return _manage_page(request, initiative)


@login_required
@require_POST
def partner_add(request: HttpRequest, slug: str) -> HttpResponse:
    initiative, role = permissions.get_item_for_member(request, Initiative, slug)
    if role is None:
        raise PermissionDenied
    form = PartnerForm(request.POST)
    if form.is_valid():
        try:
            partnership = services.initiative_partner_add(
                initiative=initiative,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if partnership.is_confirmed:
                messages.success(request, _("Partner added."))
            else:
                messages.success(
                    request,
                    _("Partner added. It shows publicly once an admin of %(name)s confirms.")
                    % {"name": partnership.organisation.name},
                )
            return redirect("initiatives:initiative_manage", slug=initiative.slug)
    return _manage_page(request, initiative, partner_form=form)


def _partnership(slug: str, organisation_slug: str) -> InitiativePartner:
    return get_object_or_404(
        InitiativePartner.objects.select_related("initiative__lead", "organisation"),
        initiative__slug=slug,
        organisation__slug=organisation_slug,
    )


@login_required
@require_POST
def partner_confirm(request: HttpRequest, slug: str, organisation_slug: str) -> HttpResponse:
    partnership = _partnership(slug, organisation_slug)
    if not permissions.can_confirm_partnership(request.user, partnership):  # type: ignore[arg-type]
        raise PermissionDenied
    _run_and_tell(
        request,
        lambda: services.initiative_partner_confirm(partnership=partnership, by=request.user),  # type: ignore[arg-type]
        _("Confirmed: %(name)s now shows as a partner.") % {"name": partnership.organisation.name},
    )
    return redirect("initiatives:workspace")


@login_required
@require_POST
def partner_remove(request: HttpRequest, slug: str, organisation_slug: str) -> HttpResponse:
    partnership = _partnership(slug, organisation_slug)
    if not permissions.can_remove_partnership(request.user, partnership):  # type: ignore[arg-type]
        raise PermissionDenied
    services.initiative_partner_remove(partnership=partnership, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The partner was removed."))
    if roles.role_in(request.user, partnership.initiative.lead):  # type: ignore[arg-type]
        return redirect("initiatives:initiative_manage", slug=slug)
    return redirect("initiatives:workspace")


@login_required
@require_POST
def figure_add(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = permissions.get_item_for_editing(request, Initiative, slug)
    form = ImpactFigureForm(request.POST)
    if form.is_valid():
        try:
            services.impact_figure_add(initiative=initiative, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Figure added."))
            return redirect("initiatives:initiative_manage", slug=slug)
    return _manage_page(request, initiative, figure_form=form)


@login_required
@require_POST
def figure_remove(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = permissions.get_item_for_editing(request, Initiative, slug)
    figure = get_object_or_404(
        ImpactFigure, initiative=initiative, pk=id_or_404(request.POST.get("figure"))
    )
    _run_and_tell(
        request,
        lambda: services.impact_figure_remove(figure=figure, by=request.user),  # type: ignore[arg-type]
        _("Figure removed."),
    )
    return redirect("initiatives:initiative_manage", slug=slug)


@login_required
@require_POST
def update_add(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = permissions.get_item_for_editing(request, Initiative, slug)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services.initiative_update_add(
                initiative=initiative,
                by=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Update added to the timeline."))
            return redirect("initiatives:initiative_manage", slug=slug)
    return _manage_page(request, initiative, update_form=form)


@login_required
@require_POST
def picture_add(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = permissions.get_item_for_editing(request, Initiative, slug)
    form = PictureForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.initiative_image_add(
                initiative=initiative,
                by=request.user,  # type: ignore[arg-type]
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Picture added."))
            return redirect("initiatives:initiative_manage", slug=slug)
    return _manage_page(request, initiative, picture_form=form)


@login_required
@require_POST
def picture_remove(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = permissions.get_item_for_editing(request, Initiative, slug)
    picture = get_object_or_404(
        InitiativeImage, initiative=initiative, pk=id_or_404(request.POST.get("picture"))
    )
    _run_and_tell(
        request,
        lambda: services.initiative_image_remove(picture=picture, by=request.user),  # type: ignore[arg-type]
        _("Picture removed."),
    )
    return redirect("initiatives:initiative_manage", slug=slug)


# ---------------------------------------------------------------------------
# Links to challenges: the problem owner confirms or declines
# ---------------------------------------------------------------------------


def _challenge_link(slug: str, challenge_slug: str) -> ChallengeLink:
    return get_object_or_404(
        ChallengeLink.objects.select_related("initiative__lead", "challenge__owner"),
        initiative__slug=slug,
        challenge__slug=challenge_slug,
    )


@login_required
@require_POST
def challenge_link_confirm(request: HttpRequest, slug: str, challenge_slug: str) -> HttpResponse:
    link = _challenge_link(slug, challenge_slug)
    if not permissions.can_confirm_challenge_link(request.user, link):  # type: ignore[arg-type]
        raise PermissionDenied
    _run_and_tell(
        request,
        lambda: services.challenge_link_confirm(link=link, by=request.user),  # type: ignore[arg-type]
        _("Confirmed: “%(initiative)s” now shows as working on “%(challenge)s”.")
        % {"initiative": link.initiative.title, "challenge": link.challenge.title},
    )
    return redirect("initiatives:workspace")


@login_required
@require_POST
def challenge_link_remove(request: HttpRequest, slug: str, challenge_slug: str) -> HttpResponse:
    link = _challenge_link(slug, challenge_slug)
    if not permissions.can_remove_challenge_link(request.user, link):  # type: ignore[arg-type]
        raise PermissionDenied
    services.challenge_link_remove(link=link, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The link to the challenge was removed."))
    if roles.role_in(request.user, link.initiative.lead):  # type: ignore[arg-type]
        return redirect("initiatives:initiative_manage", slug=slug)
    return redirect("initiatives:workspace")
