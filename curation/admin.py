"""Curation in the admin: the moderation queue, reports, featured items, exports.

Curation also extends the admins of the apps it curates, by registering subclasses in
their place (this app loads after them): the history inline and the CSV export on
organisations, initiatives and stamp claims, and a trace of role changes made here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import AccessibleAdminMixin, AuditEntryInline
from core.admin_mixins import ReadOnlyAdminMixin, ServiceActionsMixin, acting_user
from curation import exports, queries, services
from curation.forms import ReasonForm
from curation.models import Feature, Moderation, Report, ReportStatus
from initiatives.admin import InitiativeAdmin
from initiatives.models import Challenge, Initiative, Story
from members import roles
from members.admin import OrganisationAdmin
from members.models import DomainVerification, Organisation
from stamp.admin import ClaimAdmin
from stamp.models import Claim, ClaimEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

AdminT = TypeVar("AdminT", bound="admin.ModelAdmin[Any]")

QUEUE_MODELS: dict[str, type[Any]] = {
    "initiative": Initiative,
    "challenge": Challenge,
    "story": Story,
    "organisation": Organisation,
}


def _first_message(error: ValidationError | PermissionDenied) -> str:
    messages_ = getattr(error, "messages", None)
    return " ".join(messages_) if messages_ else _("You may not do this.")


# ---------------------------------------------------------------------------
# The moderation queue: one page, no table of its own
# ---------------------------------------------------------------------------


@admin.register(Moderation)
class ModerationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Submitted content and new organisations, oldest first, with approve and reject."""

    deletable = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_editor(request.user)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.changelist_view), name="curation_moderation_changelist"),
            path(
                "<slug:kind>/<int:pk>/goedkeuren/",
                wrap(self.approve_view),
                name="curation_moderation_approve",
            ),
            path(
                "<slug:kind>/<int:pk>/afwijzen/",
                wrap(self.reject_view),
                name="curation_moderation_reject",
            ),
        ]

    def _require(self, request: HttpRequest) -> None:
        if not self.has_view_permission(request):
            raise PermissionDenied

    def _item(self, kind: str, pk: int) -> Any:
        model = QUEUE_MODELS.get(kind)
        if model is None:
            raise Http404
        return get_object_or_404(model, pk=pk)

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            **extra,
        }

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        self._require(request)
        return TemplateResponse(
            request,
            "curation/admin/moderation.html",
            self._context(
                request,
                title=_("Moderation queue"),
                rows=queries.moderation_queue(),
                open_reports=queries.open_report_count(),
            ),
        )

    def approve_view(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        self._require(request)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:curation_moderation_changelist"))
        item = self._item(kind, pk)
        try:
            services.moderation_approve(item=item, by=acting_user(request))
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, f"{item}: {_first_message(error)}", messages.ERROR)
        else:
            self.message_user(
                request,
                _("Approved: %(item)s.") % {"item": item},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:curation_moderation_changelist"))

    def reject_view(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        self._require(request)
        item = self._item(kind, pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.moderation_reject(
                    item=item, by=acting_user(request), reason=form.cleaned_data["reason"]
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _first_message(error))
            else:
                self.message_user(
                    request,
                    _("Sent back with your reason: %(item)s.") % {"item": item},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:curation_moderation_changelist"))
        return TemplateResponse(
            request,
            "curation/admin/reject.html",
            self._context(
                request,
                title=_("Reject “%(item)s”") % {"item": item},
                item=item,
                kind=kind,
                is_organisation=isinstance(item, Organisation),
                form=form,
            ),
            status=400 if request.method == "POST" else 200,
        )


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------


class ReportStatusFilter(admin.SimpleListFilter):
    """Open reports by default: the list is the editors' queue."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*ReportStatus.choices, ("all", gettext_lazy("All"))]

    def choices(self, changelist: Any) -> Any:
        value = self.value() or ReportStatus.OPEN
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Report]) -> QuerySet[Report]:
        value = self.value() or ReportStatus.OPEN
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(Report)
class ReportAdmin(ServiceActionsMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "item_link", "short_reason", "reporter", "status")
    list_filter = (ReportStatusFilter, "kind")
    search_fields = ("object_repr", "reason")
    list_select_related = ("reporter",)
    ordering = ("created_at", "pk")
    fields = (
        "kind",
        "object_repr",
        "item_link",
        "reason",
        "reporter",
        "created_at",
        "status",
        "resolved_at",
        "resolved_by",
    )
    readonly_fields = fields
    actions = ("hide_items", "dismiss_reports")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return roles.is_editor(request.user)

    @admin.display(description=gettext_lazy("item"))
    def item_link(self, report: Report) -> str:
        return format_html('<a href="{}">{}</a>', report.object_url, report.object_repr)

    @admin.display(description=gettext_lazy("reason"))
    def short_reason(self, report: Report) -> str:
        return report.reason if len(report.reason) <= 80 else report.reason[:79] + "…"

    def refusal(self, obj: Report, error: ValidationError | PermissionDenied) -> str:
        return f"{obj.object_repr}: {_first_message(error)}"

    @staticmethod
    def _still_open(report: Report) -> bool:
        """An earlier report on the same item may have closed this one (hiding closes all
        of an item's reports): that one counts as done."""
        report.refresh_from_db(fields=["status"])
        return report.is_open

    @admin.action(
        description=gettext_lazy("Hide the reported items (with a reason)"),
        permissions=["moderate"],
    )
    def hide_items(self, request: HttpRequest, queryset: QuerySet[Report]) -> HttpResponse | None:
        by = acting_user(request)

        def hide(report: Report, reason: str) -> None:
            if self._still_open(report):
                services.report_hide(report=report, by=by, reason=reason)

        return self.call_each_with_reason(
            request,
            list(queryset.filter(status=ReportStatus.OPEN)),
            hide,
            action="hide_items",
            title=_("Hide the reported items"),
            help_text=_(
                "The organisation reads this as the editors' reason; the reporter's own "
                "words stay in the report."
            ),
            done=_("Hidden: %(count)s."),
        )

    @admin.action(
        description=gettext_lazy("Dismiss the selected reports"), permissions=["moderate"]
    )
    def dismiss_reports(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        by = acting_user(request)

        def dismiss(report: Report) -> None:
            if self._still_open(report):
                services.report_dismiss(report=report, by=by)

        self.call_each(
            request, queryset.filter(status=ReportStatus.OPEN), dismiss, _("Dismissed: %(count)s.")
        )


# ---------------------------------------------------------------------------
# Featured items
# ---------------------------------------------------------------------------


class FeatureForm(forms.ModelForm):
    class Meta:
        model = Feature
        fields = ("initiative", "story", "position", "ends_on")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        item = data.get("initiative") or data.get("story")
        if data.get("initiative") and data.get("story"):
            raise ValidationError(_("Choose either an initiative or a story, not both."))
        if item is None:
            raise ValidationError(_("Choose an initiative or a story."))
        if not item.is_public:
            raise ValidationError(_("Only published items can be featured."))
        return data


@admin.register(Feature)
class FeatureAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    form = FeatureForm
    list_display = ("__str__", "kind", "position", "ends_on", "is_shown", "created_by")
    list_editable = ("position", "ends_on")
    list_select_related = ("initiative__lead", "story__initiative__lead", "created_by")
    search_fields = ("initiative__title", "story__title")
    autocomplete_fields = ("initiative", "story")
    readonly_fields = ("created_at", "created_by")

    @admin.display(description=gettext_lazy("kind"))
    def kind(self, feature: Feature) -> str:
        return str(
            Initiative._meta.verbose_name if feature.initiative_id else Story._meta.verbose_name
        )

    @admin.display(description=gettext_lazy("on the home page"), boolean=True)
    def is_shown(self, feature: Feature) -> bool:
        item = feature.item
        if item is None or not item.is_public:
            return False
        return feature.ends_on is None or feature.ends_on >= timezone.localdate()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return roles.can_feature(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can_feature(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can_feature(request.user) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Feature, form: Any, change: bool) -> None:
        services.feature_save(feature=obj, by=acting_user(request), changed=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Feature) -> None:
        services.feature_remove(feature=obj, by=acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Feature]) -> None:
        by = acting_user(request)
        for feature in queryset.select_related("initiative", "story"):
            services.feature_remove(feature=feature, by=by)


# ---------------------------------------------------------------------------
# The curated apps' admins, with history and exports
# ---------------------------------------------------------------------------


def _in_place_of_the_apps_admin(model: type[Model]) -> Callable[[type[AdminT]], type[AdminT]]:
    """Register the decorated admin for ``model`` instead of its app's own."""

    def register(admin_class: type[AdminT]) -> type[AdminT]:
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, admin_class)
        return admin_class

    return register


def _csv_export_action(
    description: StrOrPromise, export: Callable[[HttpRequest, Any], StreamingHttpResponse]
) -> Callable[[Any, HttpRequest, QuerySet[Any]], StreamingHttpResponse]:
    """The "export_csv" action of a curated admin: the selected rows as a CSV file. ``export``
    takes the request and the selected rows, a QuerySet of the model's own class (such as
    ``InitiativeQuerySet``), which the admin's types do not know."""

    @admin.action(description=description, permissions=["view"])
    def export_csv(
        modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]
    ) -> StreamingHttpResponse:
        return export(request, queryset)

    return export_csv


@_in_place_of_the_apps_admin(Organisation)
class CuratedOrganisationAdmin(OrganisationAdmin):
    actions = (*OrganisationAdmin.actions, "export_csv")
    export_csv = _csv_export_action(
        gettext_lazy("Export the selected organisations (CSV)"),
        lambda request, queryset: exports.organisations_csv(queryset),
    )


@_in_place_of_the_apps_admin(Initiative)
class CuratedInitiativeAdmin(InitiativeAdmin):
    actions = (*InitiativeAdmin.actions, "export_csv")
    export_csv = _csv_export_action(
        gettext_lazy("Export the selected initiatives (CSV)"),
        lambda request, queryset: exports.initiatives_csv(queryset, user=request.user),
    )


@_in_place_of_the_apps_admin(Claim)
class CuratedClaimAdmin(ClaimAdmin):
    inlines = [*ClaimAdmin.inlines, AuditEntryInline]
    actions = [*ClaimAdmin.actions, "export_csv"]
    export_csv = _csv_export_action(
        gettext_lazy("Export the selected stamp carriers (CSV)"),
        lambda request, queryset: exports.carriers_csv(queryset),
    )


if not admin.site.is_registered(DomainVerification):

    @admin.register(DomainVerification)
    class DomainVerificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
        """Read-only: codes are mailed and checked by the members' flow."""

        list_display = ("organisation", "created_at", "expires_at", "attempts", "confirmed_at")
        search_fields = ("organisation__name",)
        list_select_related = ("organisation",)
        fields = ("organisation", "requested_by", *list_display[1:])
        readonly_fields = fields  # the form is built even when nothing can be changed


if not admin.site.is_registered(ClaimEvent):

    @admin.register(ClaimEvent)
    class ClaimEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
        """The stamp's own history, read-only (also shown on each claim)."""

        deletable = False

        list_display = ("created_at", "claim", "action", "from_status", "to_status", "by")
        list_filter = ("action",)
        search_fields = ("claim__organisation__name", "reason")
        list_select_related = ("claim__organisation", "by")
        date_hierarchy = "created_at"
