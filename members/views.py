from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.http import AuthenticatedHttpRequest, id_or_404
from core.models import Region, Theme
from core.query_params import dutch_query_parameters, paginate
from core.ratelimit import RateLimited, ratelimit_guard, submit_within_limit
from members import domains, queries, roles, services, waiting
from members.adapter import PENDING_INVITATION_SESSION_KEY
from members.forms import (
    DomainCodeForm,
    DomainEmailForm,
    InvitationAcceptForm,
    InvitationForm,
    JoinRequestForm,
    MembershipChoiceForm,
    MembershipVisibilityForm,
    OrganisationForm,
    ProfileForm,
)
from members.models import (
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from members.permissions import (
    get_organisation_for_admin,
    get_organisation_for_member,
    get_public_organisation,
    get_visible_profile,
)
from members.roles import is_active_organisation, membership_of

DIRECTORY_PAGE_SIZE = 24


@require_safe
@dutch_query_parameters
def organisation_list(request: HttpRequest) -> HttpResponse:
    # The one place that reads the directory's query parameters.
    filters = queries.DirectoryFilters(
        kind=request.GET.get("soort", ""),
        region=request.GET.get("regio", ""),
        theme=request.GET.get("thema", ""),
        verified=request.GET.get("geverifieerd") == "1",
        query=request.GET.get("q", "").strip()[:100],
    )
    organisations = queries.directory_organisations(filters)
    page, querystring = paginate(
        request, organisations, DIRECTORY_PAGE_SIZE, paginator=queries.KeysFirstPaginator
    )
    return render(
        request,
        "members/organisation_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": OrganisationKind.choices,
            "regions": Region.objects.all(),
            "themes": Theme.objects.all(),
            "querystring": querystring,
        },
    )


@require_safe
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_public_organisation(slug)
    membership = membership_of(request.user, organisation)
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


@require_safe
def profile_detail(request: HttpRequest, slug: str) -> HttpResponse:
    profile, is_own = get_visible_profile(request, slug)
    memberships = queries.public_memberships_of(profile.user) if profile.show_organisations else []
    return render(
        request,
        "members/profile_detail.html",
        {"profile": profile, "memberships": memberships, "is_own": is_own},
    )


@login_required
@require_safe
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My Breinaald: "Wacht op jou" (what waits for the member, each with its one action),
    the member's organisations, and an editor's or facilitator's own queue. The other apps'
    parts come from their template tags (see docs/architecture.md)."""
    user = request.user
    memberships = list(queries.memberships_of(user))
    return render(
        request,
        "members/dashboard.html",
        {
            "memberships": memberships,
            "member_waiting": waiting.waiting_for(user, memberships),
            "is_editor": roles.is_editor(user),
            "is_facilitator": roles.is_facilitator(user),
        },
    )


# ---------------------------------------------------------------------------
# Registering and editing organisations
# ---------------------------------------------------------------------------


def _organisation_fields(form: OrganisationForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "kind": data["kind"],
        "kvk_number": data["kvk_number"],
        "website": data["website"],
        "description": data["description"],
        "region": data["region"],
        "themes": data["themes"],
        "open_to_cooperation": data["open_to_cooperation"],
        "logo": data["logo"],
    }


@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not services.has_verified_email(user):
        messages.warning(
            request, _("Verify your email address before you register an organisation.")
        )
        return redirect("account_email")
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(by=user, **_organisation_fields(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered. Verify it so that others know it is real.")
                % {"name": organisation.name},
            )
            _warn_about_website(request, organisation)
            return redirect(organisation)
    return render(request, "members/organisation_form.html", {"form": form, "organisation": None})


@login_required
def organisation_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request, slug)
    if not is_active_organisation(organisation):
        return _frozen(request, organisation)
    change = services.open_identity_change(organisation)
    form = OrganisationForm(
        request.POST or None, request.FILES or None, instance=organisation, proposed=change
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                by=request.user,
                remove_logo=form.cleaned_data.get("remove_logo", False),
                **_organisation_fields(form),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The changes are saved."))
            if services.open_identity_change(organisation) is not None:
                messages.info(
                    request,
                    _(
                        "The new name or website waits for an editor. Until it is approved, "
                        "your page shows the verified name and website."
                    ),
                )
            _warn_about_website(request, organisation)
            return redirect(organisation)
    return render(
        request,
        "members/organisation_form.html",
        {"form": form, "organisation": organisation, "identity_change": change},
    )


def _frozen(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """A suspended or archived organisation's admins learn why nothing can be changed."""
    messages.error(
        request,
        _(
            "%(name)s is suspended or archived: it cannot be changed or verified until an "
            "editor lifts the suspension. Reply to the editors' email if you have questions."
        )
        % {"name": organisation.name},
    )
    return redirect("members:dashboard")


def _warn_about_website(request: HttpRequest, organisation: Organisation) -> None:
    """Tell a pending organisation right away when its website can never verify it by an
    address on its domain (free mail, shared hosting): an editor has to verify it then."""
    if organisation.website and not organisation.is_verified:
        refusal = domains.website_refusal(organisation.website)
        if refusal is not None:
            messages.warning(request, refusal)


# ---------------------------------------------------------------------------
# Members, invitations and requests to join (organisation admins)
# ---------------------------------------------------------------------------


@login_required
@require_safe
def organisation_members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation, membership = get_organisation_for_admin(request, slug)
    return _render_members_page(request, organisation, membership)


def _render_members_page(
    request: HttpRequest,
    organisation: Organisation,
    membership: Membership,
    invitation_form: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "members/organisation_members.html",
        {
            "organisation": organisation,
            "membership": membership,
            "memberships": organisation.memberships.select_related("user").order_by(
                "role", "user__display_name"
            ),
            "invitations": organisation.invitations.open().select_related("invited_by"),
            "join_requests": organisation.join_requests.filter(
                status=JoinRequestStatus.PENDING
            ).select_related("user"),
            "invitation_form": invitation_form or InvitationForm(inviter_role=membership.role),
            "roles": MembershipRole.choices,
            # A suspended or archived organisation neither invites nor decides on requests.
            "organisation_is_active": is_active_organisation(organisation),
        },
        status=status,
    )


@login_required
@require_POST
def invitation_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation, membership = get_organisation_for_admin(request, slug)
    form = InvitationForm(request.POST, inviter_role=membership.role)
    if form.is_valid():
        try:
            with ratelimit_guard(request, "members.invite", limit=30, period=3600):
                invitation = services.invitation_create(
                    organisation=organisation,
                    by=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
        except ValidationError as error:
            inactive = getattr(error, "code", None) == "organisation_inactive"
            form.add_error(None if inactive else "email", error)
        except PermissionDenied as error:
            form.add_error("role", str(error))
        except RateLimited:
            form.add_error(None, _("You sent many invitations in a short time. Try again later."))
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("members:organisation_members", slug=organisation.slug)
    return _render_members_page(request, organisation, membership, form, status=400)


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request, slug)
    invitation = get_object_or_404(
        organisation.invitations.open(), code=request.POST.get("invitation", "")
    )
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("members:organisation_members", slug=organisation.slug)


def _membership_action(
    request: HttpRequest,
    slug: str,
    action: Callable[[Organisation, Membership, MembershipChoiceForm], str],
) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request, slug)
    form = MembershipChoiceForm(request.POST, organisation=organisation)
    if not form.is_valid():
        raise Http404
    try:
        message = action(organisation, form.cleaned_data["membership"], form)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, message)
    return redirect("members:organisation_members", slug=organisation.slug)


@login_required
@require_POST
def membership_role(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    def change(organisation: Organisation, target: Membership, form: MembershipChoiceForm) -> str:
        services.membership_change_role(
            membership=target,
            by=request.user,
            role=form.cleaned_data["role"],
        )
        return str(_("The role was changed."))

    return _membership_action(request, slug, change)


@login_required
@require_POST
def membership_remove(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    def remove(organisation: Organisation, target: Membership, form: MembershipChoiceForm) -> str:
        services.membership_remove(membership=target, by=request.user)
        return str(_("The member was removed from the organisation."))

    return _membership_action(request, slug, remove)


@login_required
@require_safe
def membership_remove_confirm(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Say what removing a member means before ``membership_remove`` does it."""
    organisation, _membership = get_organisation_for_admin(request, slug)
    form = MembershipChoiceForm(request.GET, organisation=organisation)
    if not form.is_valid():
        raise Http404
    target: Membership = form.cleaned_data["membership"]
    members_url = reverse("members:organisation_members", args=[organisation.slug])
    try:
        services.membership_remove_check(membership=target, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(members_url)
    name = target.user.display_name or target.user.email
    return render(
        request,
        "members/membership_remove_confirm.html",
        {
            "organisation": organisation,
            "target": target,
            "name": name,
            "heading": _("Remove %(name)s from %(organisation)s?")
            % {"name": name, "organisation": organisation.name},
            "button": _("Yes, remove this member"),
            "action_url": reverse("members:membership_remove", args=[organisation.slug]),
            "cancel_url": members_url,
        },
    )


@login_required
@require_POST
def ownership_transfer(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    def transfer(organisation: Organisation, target: Membership, form: MembershipChoiceForm) -> str:
        services.ownership_transfer(organisation=organisation, by=request.user, to=target)
        return str(_("Ownership was transferred. You are now an admin."))

    return _membership_action(request, slug, transfer)


@login_required
@require_safe
def membership_leave_confirm(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Say what leaving means before ``membership_leave`` does it."""
    organisation, membership = get_organisation_for_member(request, slug)
    try:
        services.membership_leave_check(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(organisation)
    return render(
        request,
        "members/membership_leave_confirm.html",
        {
            "organisation": organisation,
            "membership": membership,
            "heading": _("Leave %(organisation)s?") % {"organisation": organisation.name},
            "button": _("Yes, leave this organisation"),
            "action_url": reverse("members:membership_leave", args=[organisation.slug]),
            "cancel_url": organisation.get_absolute_url(),
        },
    )


@login_required
@require_POST
def membership_leave(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation, membership = get_organisation_for_member(request, slug)
    try:
        services.membership_leave(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(organisation)
    messages.success(request, _("You left %(name)s.") % {"name": organisation.name})
    return redirect("members:dashboard")


@login_required
def join_request_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = get_public_organisation(slug)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = submit_within_limit(
            request,
            form,
            "members.join_request",
            limit=10,
            period=3600,
            too_many=_("You sent many requests in a short time. Try again later."),
            service=lambda: services.join_request_create(
                organisation=organisation, by=request.user, message=form.cleaned_data["message"]
            ),
        )
        if sent:
            messages.success(request, _("Your request was sent to the organisation's admins."))
            return redirect(organisation)
    return render(
        request, "members/join_request_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_POST
def join_request_decide(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request, slug)
    join_request = get_object_or_404(
        organisation.join_requests.filter(status=JoinRequestStatus.PENDING),
        pk=id_or_404(request.POST.get("join_request")),
    )
    approve = request.POST.get("decision") == "approve"
    try:
        services.join_request_decide(join_request=join_request, by=request.user, approve=approve)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The request was approved.") if approve else _("The request was declined.")
        )
    return redirect("members:organisation_members", slug=organisation.slug)


@login_required
@require_POST
def membership_visibility(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The member shows or hides their own membership on the public organisation page."""
    organisation, membership = get_organisation_for_member(request, slug)
    form = MembershipVisibilityForm(request.POST)
    if not form.is_valid():
        raise Http404
    services.membership_set_visibility(
        membership=membership,
        by=request.user,
        is_public=form.cleaned_data["is_public"],
    )
    if membership.is_public:
        messages.success(
            request,
            _("Your membership of %(name)s now shows on its public page.")
            % {"name": organisation.name},
        )
    else:
        messages.success(
            request,
            _("Your membership of %(name)s no longer shows on its public page.")
            % {"name": organisation.name},
        )
    if form.cleaned_data["return_to"] == "organisation" and organisation.is_public:
        return redirect(organisation)
    return redirect("members:dashboard")


# ---------------------------------------------------------------------------
# Verification by an address on the website's domain
# ---------------------------------------------------------------------------


@login_required
def domain_verification(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request, slug)
    if not is_active_organisation(organisation):
        return _frozen(request, organisation)
    if organisation.is_verified:
        messages.info(request, _("This organisation is already verified."))
        return redirect(organisation)
    email_form = DomainEmailForm(request.POST if "send_code" in request.POST else None)
    code_form = DomainCodeForm(request.POST if "confirm_code" in request.POST else None)
    if request.method == "POST" and "send_code" in request.POST and email_form.is_valid():
        try:
            services.domain_verification_start(
                organisation=organisation,
                by=request.user,
                email=email_form.cleaned_data["email"],
            )
        except ValidationError as error:
            email_form.add_error("email", error)
        else:
            messages.success(request, _("We sent a code. It is valid for 30 minutes."))
            return redirect("members:domain_verification", slug=organisation.slug)
    if request.method == "POST" and "confirm_code" in request.POST and code_form.is_valid():
        try:
            confirmed = services.domain_verification_confirm(
                organisation=organisation,
                by=request.user,
                code=code_form.cleaned_data["code"],
            )
        except ValidationError as error:
            code_form.add_error("code", error)
        else:
            if confirmed:
                messages.success(
                    request,
                    _("Verified! %(name)s now shows as verified.") % {"name": organisation.name},
                )
                return redirect(organisation)
            code_form.add_error("code", _("This code is not right. Check the email and try again."))
    pending = organisation.domain_verifications.filter(confirmed_at__isnull=True).first()
    return render(
        request,
        "members/domain_verification.html",
        {
            "organisation": organisation,
            "email_form": email_form,
            "code_form": code_form,
            "pending": pending if pending and pending.is_usable() else None,
            # Free mail or shared hosting: no address there can verify the organisation.
            "website_refusal": domains.website_refusal(organisation.website),
        },
    )


# ---------------------------------------------------------------------------
# Accepting an invitation (also for someone without an account yet)
# ---------------------------------------------------------------------------


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationError as error:
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        return render(
            request, "members/invitation_invalid.html", {"reason": str(error)}, status=410
        )
    if not request.user.is_authenticated:
        # Remember the invitation through sign-up or log-in. A sign-up then gets the invited
        # address filled in, and because the link proves it, it needs no second confirmation
        # (members.adapter); a sign-up with another address cannot accept.
        request.session[PENDING_INVITATION_SESSION_KEY] = token
        return render(request, "members/invitation_landing.html", {"invitation": invitation})
    user = request.user
    if not services.invitation_is_for(invitation, user):
        if services.invitation_awaits_verification(invitation, user):
            messages.warning(request, _("Verify your email address first."))
            return redirect("account_email")
        # Someone else's invitation (or the invitee logged in with another account): say so,
        # and offer to log out and come back; never a membership. The log-out button brings
        # the link back, so this session need not remember it.
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        return render(
            request,
            "members/invitation_wrong_account.html",
            {"invitation": invitation, "token": token},
            status=403,
        )
    # Bound on every POST, even an empty one: an unticked box sends nothing (stay hidden).
    form = InvitationAcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                invitation=invitation,
                by=user,
                is_public=form.cleaned_data["is_public"],
            )
        except services.InvitationError as error:
            return render(
                request, "members/invitation_invalid.html", {"reason": str(error)}, status=410
            )
        except (ValidationError, PermissionDenied) as error:
            return render(
                request,
                "members/invitation_invalid.html",
                {"reason": " ".join(getattr(error, "messages", [str(error)]))},
                status=403,
            )
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        messages.success(
            request, _("Welcome to %(name)s!") % {"name": invitation.organisation.name}
        )
        return redirect(invitation.organisation)
    return render(
        request,
        "members/invitation_confirm.html",
        {"invitation": invitation, "token": token, "form": form},
    )


# ---------------------------------------------------------------------------
# Profile
# ---------------------------------------------------------------------------


@login_required
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    profile = services.profile_for(user)
    initial = {
        "display_name": user.display_name,
        "language": user.language,
        "bio": profile.bio,
        "region": profile.region,
        "themes": list(profile.themes.all()),
        **{field: getattr(profile, field) for field in ProfileForm.VISIBILITY_FIELDS},
    }
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.profile_update(
            user=user,
            display_name=data["display_name"],
            language=data["language"],
            bio=data["bio"],
            region=data["region"],
            themes=data["themes"],
            avatar=data["avatar"],
            remove_avatar=data["remove_avatar"],
            visibility={field: data[field] for field in ProfileForm.VISIBILITY_FIELDS},
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("members:profile_edit")
    return render(request, "members/profile_form.html", {"form": form, "profile": profile})
