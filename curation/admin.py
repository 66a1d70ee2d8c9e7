"""Curation in the admin: the moderation queue, reports, featured items, exports.

Curation also extends the admins of the apps it curates, by registering subclasses in
their place (this app loads after them): the history inline and the CSV export on
organisations, initiatives and stamp claims, and a trace of role changes made here.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
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

from core.admin import AccessibleAdminMixin, AuditEntryInline, ask_for_reason
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
class ModerationAdmin(admin.ModelAdmin):
    """Submitted content and new organisations, oldest first, with approve and reject."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.is_editor(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

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
            services.moderation_approve(item=item, by=request.user)  # type: ignore[arg-type]
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
                    item=item,
                    by=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
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
class ReportAdmin(admin.ModelAdmin):
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
        return roles.is_editor(request.user)  # type: ignore[arg-type]

    @admin.display(description=gettext_lazy("item"))
    def item_link(self, report: Report) -> str:
        return format_html('<a href="{}">{}</a>', report.object_url, report.object_repr)

    @admin.display(description=gettext_lazy("reason"))
    def short_reason(self, report: Report) -> str:
        return report.reason if len(report.reason) <= 80 else report.reason[:79] + "…"

    def _each(self, request: HttpRequest, queryset: QuerySet[Report], service: Any) -> int:
        done = 0
        for report in queryset.filter(status=ReportStatus.OPEN):
            report.refresh_from_db(fields=["status"])  # an earlier one may have closed it
            if not report.is_open:
                done += 1
                continue
            try:
                service(report=report, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request, f"{report.object_repr}: {_first_message(error)}", messages.ERROR
                )
            else:
                done += 1
        return done

    @admin.action(
        description=gettext_lazy("Hide the reported items (with a reason)"),
        permissions=["moderate"],
    )
    def hide_items(self, request: HttpRequest, queryset: QuerySet[Report]) -> HttpResponse | None:
        reason, page = ask_for_reason(
            self,
            request,
            list(queryset.filter(status=ReportStatus.OPEN)),
            action="hide_items",
            title=str(_("Hide the reported items")),
            help_text=str(
                _(
                    "The organisation reads this as the editors' reason; the reporter's own "
                    "words stay in the report."
                )
            ),
        )
        if reason is None:
            return page
        count = self._each(request, queryset, partial(services.report_hide, reason=reason))
        self.message_user(request, _("Hidden: %(count)s.") % {"count": count}, messages.SUCCESS)
        return None

    @admin.action(
        description=gettext_lazy("Dismiss the selected reports"), permissions=["moderate"]
    )
    def dismiss_reports(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        count = self._each(request, queryset, services.report_dismiss)
        self.message_user(request, _("Dismissed: %(count)s.") % {"count": count}, messages.SUCCESS)


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
        return roles.can_feature(request.user) and super().has_add_permission(request)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can_feature(request.user) and super().has_change_permission(request, obj)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles.can_feature(request.user) and super().has_delete_permission(request, obj)  # type: ignore[arg-type]

    def save_model(self, request: HttpRequest, obj: Feature, form: Any, change: bool) -> None:
        services.feature_save(feature=obj, by=request.user)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Feature) -> None:
        services.feature_remove(feature=obj, by=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Feature]) -> None:
        for feature in queryset.select_related("initiative", "story"):
            services.feature_remove(feature=feature, by=request.user)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# The curated apps' admins, with history and exports
# ---------------------------------------------------------------------------


if admin.site.is_registered(Organisation):
    admin.site.unregister(Organisation)


@admin.register(Organisation)
class CuratedOrganisationAdmin(OrganisationAdmin):
    actions = (*OrganisationAdmin.actions, "export_csv")  # type: ignore[assignment]

    @admin.action(
        description=gettext_lazy("Export the selected organisations (CSV)"), permissions=["view"]
    )
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> StreamingHttpResponse:
        return exports.organisations_csv(queryset)


if admin.site.is_registered(Initiative):
    admin.site.unregister(Initiative)


@admin.register(Initiative)
class CuratedInitiativeAdmin(InitiativeAdmin):
    actions = (*InitiativeAdmin.actions, "export_csv")  # type: ignore[assignment]

    @admin.action(
        description=gettext_lazy("Export the selected initiatives (CSV)"), permissions=["view"]
    )
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[Initiative]
    ) -> StreamingHttpResponse:
        return exports.initiatives_csv(queryset, user=request.user)


if admin.site.is_registered(Claim):
    admin.site.unregister(Claim)


@admin.register(Claim)
class CuratedClaimAdmin(ClaimAdmin):
    inlines = [*ClaimAdmin.inlines, AuditEntryInline]
    actions = [*ClaimAdmin.actions, "export_csv"]

    @admin.action(
        description=gettext_lazy("Export the selected stamp carriers (CSV)"), permissions=["view"]
    )
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Claim]) -> StreamingHttpResponse:
        return exports.carriers_csv(queryset)


if not admin.site.is_registered(DomainVerification):

    @admin.register(DomainVerification)
    class DomainVerificationAdmin(admin.ModelAdmin):
        """Read-only: codes are mailed and checked by the members' flow."""

        list_display = ("organisation", "created_at", "expires_at", "attempts", "confirmed_at")
        search_fields = ("organisation__name",)
        list_select_related = ("organisation",)
        fields = (
            "organisation",
            "requested_by",
            "created_at",
            "expires_at",
            "attempts",
            "confirmed_at",
        )
        readonly_fields = fields

        def has_add_permission(self, request: HttpRequest) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False


if not admin.site.is_registered(ClaimEvent):

    @admin.register(ClaimEvent)
    class ClaimEventAdmin(admin.ModelAdmin):
        """The stamp's own history, read-only (also shown on each claim)."""

        list_display = ("created_at", "claim", "action", "from_status", "to_status", "by")
        list_filter = ("action",)
        search_fields = ("claim__organisation__name", "reason")
        list_select_related = ("claim__organisation", "by")
        date_hierarchy = "created_at"

        def has_add_permission(self, request: HttpRequest) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False
