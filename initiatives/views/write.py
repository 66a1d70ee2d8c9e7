"""Members write drafts, submit them, and manage an initiative's partners, figures and pictures.

Each view parses the request, checks access through initiatives.permissions, calls one
service and renders or redirects. Forms re-render with their errors; a service that refuses
(PermissionDenied, ValidationError) writes nothing because it runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.http import AuthenticatedHttpRequest, id_or_404
from initiatives import permissions, services
from initiatives.forms import (
    ChallengeForm,
    ImpactFigureForm,
    InitiativeForm,
    ItemForm,
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
from members.models import Organisation, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Item = Challenge | Initiative | Story


class _Transition(Protocol):
    def __call__(self, *, item: Item, by: User) -> None: ...


# What the URL's ``kind`` names: the model and the form its owner writes it with.
KINDS: dict[str, tuple[type[Item], type[ItemForm]]] = {
    "initiative": (Initiative, InitiativeForm),
    "challenge": (Challenge, ChallengeForm),
    "story": (Story, StoryForm),
}
TRANSITIONS: dict[str, _Transition] = {
    "submit": services.item_submit,
    "publish": services.item_publish,
    "archive": services.item_archive,
}
TRANSITION_MESSAGES = {
    "submit": gettext_lazy("Submitted: the editors will review it."),
    "publish": gettext_lazy("Published: everyone can see it now."),
    "archive": gettext_lazy("Archived: it is no longer public."),
}


def _my_organisations(request: AuthenticatedHttpRequest) -> QuerySet[Organisation]:
    return Organisation.objects.listed().filter(memberships__user=request.user).order_by("name")


def _create(
    request: AuthenticatedHttpRequest,
    *,
    form_class: type[ItemForm],
    create: Callable[[Organisation, dict[str, Any]], Item],
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
def initiative_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _create(
        request,
        form_class=InitiativeForm,
        create=lambda org, values: services.initiative_create(
            by=request.user, lead=org, values=values
        ),
        title=_("New initiative"),
    )


@login_required
def challenge_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _create(
        request,
        form_class=ChallengeForm,
        create=lambda org, values: services.challenge_create(
            by=request.user, owner=org, values=values
        ),
        title=_("New challenge"),
    )


@login_required
def story_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A story is written from its initiative's page, by a member of the lead organisation."""
    initiative = permissions.get_item_for_member(request, Initiative, slug)
    form = StoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.story_create(
                by=request.user, initiative=initiative, values=form.values()
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


def _edit(request: AuthenticatedHttpRequest, kind: str, slug: str) -> HttpResponse:
    """The edit page of any of the three kinds: the form validates, ``item_update`` writes."""
    model, form_class = KINDS[kind]
    item = permissions.get_item_for_editing(request, model, slug)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, instance=item)
        if form.is_valid():
            # The form only validated; the service writes (on a fresh copy of the row).
            fresh = model._default_manager.get(pk=item.pk)
            try:
                services.item_update(item=fresh, by=request.user, values=form.values())
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
def initiative_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _edit(request, "initiative", slug)


@login_required
def challenge_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _edit(request, "challenge", slug)


@login_required
def story_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _edit(request, "story", slug)


@login_required
@require_POST
def transition(
    request: AuthenticatedHttpRequest, kind: str, slug: str, action: str
) -> HttpResponse:
    """Submit, publish or archive; the service decides whether this person may."""
    if kind not in KINDS or action not in TRANSITIONS:
        raise Http404
    item, _role = permissions.get_item_and_role(request, KINDS[kind][0], slug)
    try:
        TRANSITIONS[action](item=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, TRANSITION_MESSAGES[action])
    return redirect(item.get_absolute_url())


# ---------------------------------------------------------------------------
# Managing an initiative: partners, figures, updates, pictures
# ---------------------------------------------------------------------------


def _run_and_tell(
    request: AuthenticatedHttpRequest, action: Callable[[], object], done: str
) -> None:
    """Run a service for a button without a form: its refusal becomes the page's message."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)


def _manage_page(
    request: AuthenticatedHttpRequest, initiative: Initiative, **forms: BaseForm
) -> HttpResponse:
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


def _manage_form(
    request: AuthenticatedHttpRequest,
    initiative: Initiative,
    name: str,
    form: BaseForm,
    add: Callable[[Mapping[str, Any]], str],
) -> HttpResponse:
    """A form of the manage page: ``add`` calls the service and says what it did; a refusal
    shows on the form, named ``name`` in the page."""
    if form.is_valid():
        try:
            done = add(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("initiatives:initiative_manage", slug=initiative.slug)
    return _manage_page(request, initiative, **{name: form})


@login_required
def initiative_manage(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _manage_page(request, permissions.get_item_for_member(request, Initiative, slug))


@login_required
@require_POST
def partner_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    initiative = permissions.get_item_for_member(request, Initiative, slug)

    def add(data: Mapping[str, Any]) -> str:
        partnership = services.initiative_partner_add(
            initiative=initiative,
            organisation=data["organisation"],
            role=data["role"],
            by=request.user,
        )
        if partnership.is_confirmed:
            return _("Partner added.")
        return _("Partner added. It shows publicly once an admin of %(name)s confirms.") % {
            "name": partnership.organisation.name
        }

    return _manage_form(request, initiative, "partner_form", PartnerForm(request.POST), add)


@login_required
@require_POST
def figure_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    initiative = permissions.get_item_for_editing(request, Initiative, slug)

    def add(data: Mapping[str, Any]) -> str:
        services.impact_figure_add(initiative=initiative, by=request.user, **data)
        return _("Figure added.")

    return _manage_form(request, initiative, "figure_form", ImpactFigureForm(request.POST), add)


@login_required
@require_POST
def update_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    initiative = permissions.get_item_for_editing(request, Initiative, slug)

    def add(data: Mapping[str, Any]) -> str:
        services.initiative_update_add(initiative=initiative, by=request.user, **data)
        return _("Update added to the timeline.")

    return _manage_form(request, initiative, "update_form", UpdateForm(request.POST), add)


@login_required
@require_POST
def picture_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    initiative = permissions.get_item_for_editing(request, Initiative, slug)

    def add(data: Mapping[str, Any]) -> str:
        services.initiative_image_add(
            initiative=initiative, by=request.user, image=data["image"], caption=data["caption"]
        )
        return _("Picture added.")

    form = PictureForm(request.POST, request.FILES)
    return _manage_form(request, initiative, "picture_form", form, add)


def _part_remover[P: (ImpactFigure, InitiativeImage)](
    model: type[P], field: str, remove: Callable[[P, User], object], done: StrOrPromise
) -> Callable[..., HttpResponse]:
    """The view that removes a figure or picture of an initiative, named by its id in the
    POST's ``field``; the two differ only in these arguments."""

    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
        initiative = permissions.get_item_for_editing(request, Initiative, slug)
        pk = id_or_404(request.POST.get(field))
        part = get_object_or_404(model, initiative=initiative, pk=pk)
        _run_and_tell(request, lambda: remove(part, request.user), str(done))
        return redirect("initiatives:initiative_manage", slug=slug)

    return view


figure_remove = _part_remover(
    ImpactFigure,
    "figure",
    lambda figure, by: services.impact_figure_remove(figure=figure, by=by),
    gettext_lazy("Figure removed."),
)
picture_remove = _part_remover(
    InitiativeImage,
    "picture",
    lambda picture, by: services.initiative_image_remove(picture=picture, by=by),
    gettext_lazy("Picture removed."),
)


# ---------------------------------------------------------------------------
# Requests to another organisation (to be a partner, or to confirm a challenge link): the
# organisation asked confirms or declines; the lead takes it back
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Asked[R: (InitiativePartner, ChallengeLink)]:
    """What differs between the two kinds of request: how the URL finds one, who may
    confirm or remove it, the services that do, and what the page then says."""

    find: Callable[..., R]  # called with the URL's keyword arguments
    may_confirm: Callable[[User, R], bool]
    confirm: Callable[[R, User], object]
    confirmed: Callable[[R], str]
    may_remove: Callable[[User, R], bool]
    remove: Callable[[R, User], object]
    removed: StrOrPromise


def _partnership(slug: str, organisation_slug: str) -> InitiativePartner:
    return get_object_or_404(
        InitiativePartner.objects.select_related("initiative__lead", "organisation"),
        initiative__slug=slug,
        organisation__slug=organisation_slug,
    )


def _challenge_link(slug: str, challenge_slug: str) -> ChallengeLink:
    return get_object_or_404(
        ChallengeLink.objects.select_related("initiative__lead", "challenge__owner"),
        initiative__slug=slug,
        challenge__slug=challenge_slug,
    )


PARTNER_REQUEST = _Asked(
    find=_partnership,
    may_confirm=permissions.can_confirm_partnership,
    confirm=lambda partnership, by: services.initiative_partner_confirm(
        partnership=partnership, by=by
    ),
    confirmed=lambda partnership: (
        _("Confirmed: %(name)s now shows as a partner.") % {"name": partnership.organisation.name}
    ),
    may_remove=permissions.can_remove_partnership,
    remove=lambda partnership, by: services.initiative_partner_remove(
        partnership=partnership, by=by
    ),
    removed=gettext_lazy("The partner was removed."),
)
CHALLENGE_LINK_REQUEST = _Asked(
    find=_challenge_link,
    may_confirm=permissions.can_confirm_challenge_link,
    confirm=lambda link, by: services.challenge_link_confirm(link=link, by=by),
    confirmed=lambda link: (
        _("Confirmed: “%(initiative)s” now shows as working on “%(challenge)s”.")
        % {"initiative": link.initiative.title, "challenge": link.challenge.title}
    ),
    may_remove=permissions.can_remove_challenge_link,
    remove=lambda link, by: services.challenge_link_remove(link=link, by=by),
    removed=gettext_lazy("The link to the challenge was removed."),
)


def _confirmer[R: (InitiativePartner, ChallengeLink)](
    asked: _Asked[R],
) -> Callable[..., HttpResponse]:
    """The view with which an admin of the organisation asked says yes."""

    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, **url: str) -> HttpResponse:
        pending = asked.find(**url)
        if not asked.may_confirm(request.user, pending):
            raise PermissionDenied
        _run_and_tell(
            request, lambda: asked.confirm(pending, request.user), asked.confirmed(pending)
        )
        return redirect("initiatives:workspace")

    return view


def _remover[R: (InitiativePartner, ChallengeLink)](
    asked: _Asked[R],
) -> Callable[..., HttpResponse]:
    """The view with which the lead takes a request back, or the organisation asked declines
    it; the lead's members go back to managing the initiative, the others to the workspace."""

    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, **url: str) -> HttpResponse:
        pending = asked.find(**url)
        if not asked.may_remove(request.user, pending):
            raise PermissionDenied
        asked.remove(pending, request.user)
        messages.success(request, str(asked.removed))
        initiative = pending.initiative
        if roles.role_in(request.user, initiative.lead):
            return redirect("initiatives:initiative_manage", slug=initiative.slug)
        return redirect("initiatives:workspace")

    return view


partner_confirm = _confirmer(PARTNER_REQUEST)
partner_remove = _remover(PARTNER_REQUEST)
challenge_link_confirm = _confirmer(CHALLENGE_LINK_REQUEST)
challenge_link_remove = _remover(CHALLENGE_LINK_REQUEST)
