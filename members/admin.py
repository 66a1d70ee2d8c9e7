from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import AuditEntryInline, ImageUploadAdminMixin
from core.admin_mixins import ServiceActionsMixin, acting_user
from members import services
from members.models import (
    IdentityChangeStatus,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationIdentityChange,
    OrganisationStatus,
    Profile,
    User,
)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ("slug", "bio", "region", "is_public")
    autocomplete_fields = ("region",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "display_name")
    readonly_fields = ("last_login", "date_joined")
    inlines = (ProfileInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    """Memberships change only through the members' services (at least one owner, revoking a
    demoted inviter's invitations, the member's own choice to be shown), so here they are
    read-only."""

    model = Membership
    extra = 0
    fields = ("user", "role", "is_public", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ImageUploadAdminMixin, ServiceActionsMixin, admin.ModelAdmin):
    image_kinds = {"logo": "logo"}  # re-encoded like the site's own form (core.images)
    refused_errors = (ValidationError,)  # PermissionDenied: no editor, 403
    list_display = ("name", "kind", "region", "status", "verified_at", "created_at")
    list_filter = ("status", "kind", "region")
    search_fields = ("name", "kvk_number", "website")
    list_select_related = ("region",)
    autocomplete_fields = ("region", "created_by")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = (
        "status",
        "verified_at",
        "verification_method",
        "status_reason",
        "created_at",
        "identity_change",
    )
    inlines = (MembershipInline, AuditEntryInline)
    actions: tuple[str, ...] = (
        "verify_organisations",
        "suspend_organisations",
        "reinstate_organisations",
    )
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "kvk_number", "website", "region", "themes")}),
        (_("About"), {"fields": ("description", "logo", "open_to_cooperation")}),
        (
            _("Status"),
            {
                "fields": (
                    "status",
                    "verified_at",
                    "verification_method",
                    "identity_change",
                    "status_reason",
                    "created_at",
                    "created_by",
                )
            },
        ),
    )

    def _identity_is_settled(self, obj: Organisation | None) -> bool:
        """Once an organisation is past pending (verified, or suspended or archived after
        that), its name and website change only through an identity change that an editor
        decides: that records the step, voids the old domain's codes and notes that the
        verification now rests on the editor's word. Editing them here would skip all that."""
        return obj is not None and obj.status != OrganisationStatus.PENDING

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if self._identity_is_settled(obj):
            return (*fields, "name", "website")
        return fields

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        # A read-only name is not in the form, so it cannot fill in the slug.
        if self._identity_is_settled(obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    @admin.display(description=_("new name or website"))
    def identity_change(self, organisation: Organisation) -> str:
        """A link to the change that waits for an editor: decided there, with the actions.
        (A read-only field, not an inline: the change form posts no extra formset.)"""
        change = services.open_identity_change(organisation) if organisation.pk else None
        if change is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:members_organisationidentitychange_change", args=[change.pk]),
            _("%(name)s, %(website)s — waits for an editor")
            % {"name": change.name, "website": change.website or "–"},
        )

    @admin.action(description=_("Verify the selected organisations"), permissions=["change"])
    def verify_organisations(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        by = acting_user(request)
        self.call_each(
            request,
            queryset.filter(status=OrganisationStatus.PENDING),
            lambda organisation: services.organisation_verify(organisation=organisation, by=by),
            lambda count: (
                ngettext(
                    "%(count)d organisation verified.", "%(count)d organisations verified.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(
        description=_("Suspend the selected organisations (with a reason)"), permissions=["change"]
    )
    def suspend_organisations(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> HttpResponse | None:
        by = acting_user(request)
        return self.call_each_with_reason(
            request,
            list(queryset),
            lambda organisation, reason: services.organisation_suspend(
                organisation=organisation, by=by, reason=reason
            ),
            action="suspend_organisations",
            title=str(_("Suspend organisations")),
            help_text=str(_("Emailed to the organisation's admins and kept in the history.")),
            done=str(_("The organisations are suspended.")),
        )

    @admin.action(description=_("Reinstate the selected organisations"), permissions=["change"])
    def reinstate_organisations(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> None:
        by = acting_user(request)
        self.call_each(
            request,
            queryset.filter(status=OrganisationStatus.SUSPENDED),
            lambda organisation: services.organisation_reinstate(organisation=organisation, by=by),
            str(_("The organisations are reinstated.")),
        )


@admin.register(OrganisationIdentityChange)
class OrganisationIdentityChangeAdmin(ServiceActionsMixin, admin.ModelAdmin):
    """A verified organisation's new name or website waits here; editors approve or reject it
    with the actions (through the services: nothing is edited by hand)."""

    refused_errors = (ValidationError,)  # PermissionDenied: no editor, 403
    list_display = (
        "organisation",
        "previous_name",
        "name",
        "previous_website",
        "website",
        "status",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("name", "previous_name", "website", "previous_website", "organisation__name")
    list_select_related = ("organisation",)
    date_hierarchy = "created_at"
    actions = ("approve_changes", "reject_changes")
    fields = (
        "organisation",
        "previous_name",
        "name",
        "previous_website",
        "website",
        "status",
        "proposed_by",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Approve the selected changes"), permissions=["change"])
    def approve_changes(
        self, request: HttpRequest, queryset: QuerySet[OrganisationIdentityChange]
    ) -> None:
        by = acting_user(request)
        self.call_each(
            request,
            queryset.filter(status=IdentityChangeStatus.PENDING),
            lambda change: services.identity_change_approve(change=change, by=by),
            lambda count: (
                ngettext("%(count)d change approved.", "%(count)d changes approved.", count)
                % {"count": count}
            ),
        )

    @admin.action(
        description=_("Reject the selected changes (with a reason)"), permissions=["change"]
    )
    def reject_changes(
        self, request: HttpRequest, queryset: QuerySet[OrganisationIdentityChange]
    ) -> HttpResponse | None:
        by = acting_user(request)
        return self.call_each_with_reason(
            request,
            list(queryset.filter(status=IdentityChangeStatus.PENDING)),
            lambda change, reason: services.identity_change_reject(
                change=change, by=by, reason=reason
            ),
            action="reject_changes",
            title=str(_("Reject changes of name or website")),
            help_text=str(_("Emailed to the organisation's admins and kept in the history.")),
            done=lambda count: (
                ngettext("%(count)d change rejected.", "%(count)d changes rejected.", count)
                % {"count": count}
            ),
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Read-only, like the inline: see `MembershipInline`."""

    list_display = ("user", "organisation", "role", "is_public", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__display_name", "organisation__name")
    list_select_related = ("user", "organisation")
    readonly_fields = ("user", "organisation", "role", "is_public", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Profile)
class ProfileAdmin(ImageUploadAdminMixin, admin.ModelAdmin):
    image_kinds = {"avatar": "avatar"}  # re-encoded like the site's own form (core.images)
    list_display = ("user", "region", "is_public")
    list_filter = ("is_public", "region")
    search_fields = ("user__email", "user__display_name", "slug")
    list_select_related = ("user", "region")
    autocomplete_fields = ("user", "region")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    list_filter = ("role",)
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation",)
    readonly_fields = ("code", "created_at", "accepted_at", "accepted_by", "revoked_at")
    autocomplete_fields = ("organisation", "invited_by")


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "status", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__email", "user__display_name", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation", "decided_by")
