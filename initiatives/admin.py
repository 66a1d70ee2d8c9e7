"""Challenges, initiatives and stories in the admin.

Publishing states change only through the services (actions below, and curation's
moderation queue), so that every change leaves an entry in the audit trail: the state and
its dates are read-only on the form.

Partners and links to challenges stand on their organisation's consent: in the admin they
are read-only apart from a partner's role, and none is added here (the lead names them on
the site, and the other organisation confirms there). Otherwise a confirmation could be
moved onto an organisation that never gave it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from core.admin import (
    AccessibleAdminMixin,
    AuditEntryInline,
    ImageUploadAdminMixin,
)
from core.admin_mixins import ReadOnlyAdminMixin, ServiceActionsMixin, acting_user
from initiatives import services
from initiatives.models import (
    Challenge,
    ChallengeLink,
    ImpactFigure,
    Initiative,
    InitiativeImage,
    InitiativePartner,
    InitiativeUpdate,
    PublicationStatus,
    SearchTerm,
    Story,
)
from initiatives.models.base import PublishableQuerySet

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec
    from django_stubs_ext import StrOrPromise

STATE_FIELDS = (
    "publication_status",
    "created_at",
    "updated_at",
    "submitted_at",
    "published_at",
    "archived_at",
    "hidden_at",
    "hidden_by",
    "hidden_reason",
)


def publishable_fieldsets(
    main: tuple[str, ...],
    details: tuple[str, ...],
    *,
    author: str,
    details_title: StrOrPromise | None = None,
) -> _FieldsetSpec:
    """The form of a publishable item: what it is, its details, and its publication (the
    state fields, read-only, and who wrote it)."""
    return (
        (None, {"fields": main}),
        (details_title or _("Details"), {"fields": details}),
        (_("Publication"), {"fields": (*STATE_FIELDS, author)}),
    )


class PublishableAdmin(AccessibleAdminMixin, ServiceActionsMixin, admin.ModelAdmin):
    """Shared by the three publishable models: state read-only, publish and archive actions."""

    ordering = ("-updated_at", "-pk")  # newest first, and stable pages

    actions: tuple[str, ...] = (
        "publish_selected",
        "archive_selected",
        "hide_selected",
        "unhide_selected",
    )
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = (*STATE_FIELDS, "slug")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Change list, change pages, actions, autocomplete and exports all read through
        # this: facilitators never see a draft, a submission or a hidden item.
        queryset = cast("PublishableQuerySet[Any]", super().get_queryset(request))
        return queryset.visible_in_admin_to(request.user)

    @admin.action(description=_("Publish the selected items"), permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        by = acting_user(request)
        self.call_each(
            request,
            queryset.exclude(publication_status=PublicationStatus.PUBLISHED),
            lambda item: services.item_publish(item=item, by=by),
            str(_("Published: %(count)s.")),
        )

    @admin.action(description=_("Archive the selected items"), permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        by = acting_user(request)
        self.call_each(
            request,
            queryset.exclude(publication_status=PublicationStatus.ARCHIVED),
            lambda item: services.item_archive(item=item, by=by),
            str(_("Archived: %(count)s.")),
        )

    @admin.action(description=_("Hide the selected items (with a reason)"), permissions=["change"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        by = acting_user(request)
        return self.call_each_with_reason(
            request,
            list(queryset.filter(hidden_at__isnull=True)),
            lambda item, reason: services.item_hide(item=item, by=by, reason=reason),
            action="hide_selected",
            title=str(_("Hide items")),
            help_text=str(
                _("Shown to the organisation and kept in the history. Only an editor can lift it.")
            ),
            done=str(_("Hidden: %(count)s.")),
        )

    @admin.action(description=_("Lift the hiding of the selected items"), permissions=["change"])
    def unhide_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        by = acting_user(request)
        self.call_each(
            request,
            queryset.filter(hidden_at__isnull=False),
            lambda item: services.item_unhide(item=item, by=by),
            str(
                _("No longer hidden: %(count)s. They stay archived until an editor publishes them.")
            ),
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only the columns on the form: the state and the hiding change through the actions
        # (the services), and a whole-row save of this copy would write back what another
        # editor decided since it was read, such as a hide.
        on_form = [field.name for field in obj._meta.concrete_fields if field.name in form.fields]
        obj.save(update_fields=[*on_form, "updated_at"])

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Content is archived, not deleted; only superusers delete (e.g. on request, AVG).
        return bool(request.user.is_superuser)


class VisibleInitiativeAdmin(admin.ModelAdmin):
    """For rows that belong to an initiative: only those of initiatives the staff member
    may see (``visible_in_admin_to``), so a draft's partners or figures do not show either."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        visible = Initiative.objects.visible_in_admin_to(request.user)
        return super().get_queryset(request).filter(initiative__in=visible.values("pk"))


@admin.register(Challenge)
class ChallengeAdmin(ImageUploadAdminMixin, PublishableAdmin):
    image_kinds = {"cover": services.COVER_KIND}  # re-encoded as on the site (core.images)
    list_display = ("title", "owner", "region", "status", "publication_status", "submitted_at")
    list_filter = ("publication_status", "status", "region")
    search_fields = ("title", "summary", "owner__name")
    list_select_related = ("owner", "region")
    autocomplete_fields = ("owner", "region", "created_by")
    inlines = (AuditEntryInline,)
    fieldsets = publishable_fieldsets(
        ("title", "slug", "owner", "summary", "description"),
        (
            "region",
            "status",
            "deadline",
            "stakeholder_kinds",
            "resources_needed",
            "cover",
            "cover_alt",
        ),
        author="created_by",
    )


class ConsentInline(AccessibleAdminMixin, admin.TabularInline):
    """Rows that stand on another organisation's consent (see the module's docstring)."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PartnerInline(ConsentInline):
    model = InitiativePartner
    fk_name = "initiative"
    fields = ("organisation", "role", "confirmed_at", "added_by", "confirmed_by")
    readonly_fields = ("organisation", "confirmed_at", "added_by", "confirmed_by")


class FigureInline(AccessibleAdminMixin, admin.TabularInline):
    model = ImpactFigure
    extra = 0
    fields = ("label", "number", "unit", "position")


class UpdateInline(AccessibleAdminMixin, admin.StackedInline):
    model = InitiativeUpdate
    extra = 0
    fields = ("title", "happened_on", "body", "author")
    readonly_fields = ("author",)


class ChallengeLinkInline(ConsentInline):
    """Challenges the initiative works on; a link to another organisation's challenge shows
    in public only once an admin of its owner confirms, on the site. Editors see here who
    asked and who agreed; consent is the owner's, so nobody confirms on its behalf."""

    model = ChallengeLink
    fk_name = "initiative"
    fields = ("challenge", "confirmed_at", "added_by", "confirmed_by")
    readonly_fields = fields


class PictureInline(ImageUploadAdminMixin, admin.TabularInline):
    model = InitiativeImage
    image_kinds = {"image": services.GALLERY_KIND}
    extra = 0
    fields = ("image", "caption", "position")
    readonly_fields = ("image",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Pictures are re-encoded on upload by the members' form; the admin only captions them.
        return False


@admin.register(Initiative)
class InitiativeAdmin(ImageUploadAdminMixin, PublishableAdmin):
    image_kinds = {"cover": services.COVER_KIND}  # re-encoded as on the site (core.images)
    list_display = ("title", "lead", "region", "stage", "publication_status", "submitted_at")
    list_filter = ("publication_status", "stage", "region")
    search_fields = ("title", "tagline", "lead__name")
    list_select_related = ("lead", "region")
    autocomplete_fields = ("lead", "region", "created_by")
    inlines = (
        PartnerInline,
        ChallengeLinkInline,
        FigureInline,
        UpdateInline,
        PictureInline,
        AuditEntryInline,
    )
    fieldsets = publishable_fieldsets(
        ("title", "slug", "lead", "tagline", "description"),
        ("region", "stage", "start_date", "website", "cover", "cover_alt"),
        author="created_by",
    )


@admin.register(Story)
class StoryAdmin(PublishableAdmin):
    list_display = ("title", "initiative", "is_celebration", "publication_status", "submitted_at")
    list_filter = ("publication_status", "is_celebration")
    search_fields = ("title", "summary", "initiative__title")
    list_select_related = ("initiative",)
    autocomplete_fields = ("initiative", "author")
    inlines = (AuditEntryInline,)
    fieldsets = publishable_fieldsets(
        ("title", "slug", "initiative", "summary", "is_celebration"),
        ("problem", "coalition", "what_worked", "what_did_not", "lessons", "results"),
        author="author",
        details_title=_("Sections"),
    )


@admin.register(InitiativePartner)
class InitiativePartnerAdmin(VisibleInitiativeAdmin):
    """Partners stand on their consent (see the module's docstring): only the role is
    corrected here, and partners are named on the site."""

    list_display = ("initiative", "organisation", "role", "confirmed_at")
    list_filter = ("role",)
    search_fields = ("initiative__title", "organisation__name")
    list_select_related = ("initiative", "organisation")
    fields = (
        "initiative",
        "organisation",
        "role",
        "created_at",
        "added_by",
        "confirmed_at",
        "confirmed_by",
    )
    readonly_fields = tuple(name for name in fields if name != "role")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ImpactFigure)
class ImpactFigureAdmin(VisibleInitiativeAdmin):
    list_display = ("label", "number", "unit", "initiative")
    search_fields = ("label", "initiative__title")
    list_select_related = ("initiative",)
    autocomplete_fields = ("initiative",)


@admin.register(InitiativeUpdate)
class InitiativeUpdateAdmin(VisibleInitiativeAdmin):
    list_display = ("title", "initiative", "happened_on", "author")
    search_fields = ("title", "initiative__title")
    list_select_related = ("initiative", "author")
    autocomplete_fields = ("initiative",)
    readonly_fields = ("author", "created_at")
    date_hierarchy = "happened_on"


@admin.register(InitiativeImage)
class InitiativeImageAdmin(ImageUploadAdminMixin, VisibleInitiativeAdmin):
    image_kinds = {"image": services.GALLERY_KIND}
    list_display = ("caption", "initiative", "position")
    search_fields = ("caption", "initiative__title")
    list_select_related = ("initiative",)
    fields = ("initiative", "image", "caption", "position")
    readonly_fields = ("initiative", "image")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SearchTerm)
class SearchTermAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The typo vocabulary: rebuilt by ``manage.py rebuild_search_terms``, never edited."""

    list_display = ("word",)
    search_fields = ("word",)
    show_full_result_count = False
