from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReasonForm
from core.admin_mixins import ReadOnlyAdminMixin, ServiceActionsMixin, acting_user
from stamp import services
from stamp.models import Charter, Claim, ClaimEvent, StampSettings


@admin.register(StampSettings)
class StampSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "claims_need_approval", "grace_days", "reminder_days")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not StampSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ("title", "version", "published_at", "published_by", "created_at")
    list_display_links = ("title",)
    fields = (
        "title",
        "summary",
        "body",
        "title_en",
        "summary_en",
        "body_en",
        "version",
        "published_at",
        "published_by",
    )
    readonly_fields = ("version", "published_at", "published_by")
    actions = ["publish"]

    def get_readonly_fields(self, request: HttpRequest, obj: Charter | None = None) -> Any:
        # A published version is what carriers agreed to: nobody may change it afterwards.
        if obj is not None and obj.is_published:
            return self.fields
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Charter | None = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Charter]) -> None:
        super().delete_queryset(request, queryset.filter(published_at__isnull=True))

    @admin.action(description=gettext_lazy("Publish as the new version"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Charter]) -> None:
        drafts = list(queryset.filter(published_at__isnull=True).order_by("created_at"))
        if len(drafts) != 1:
            self.message_user(
                request, _("Select exactly one draft to publish."), level=messages.ERROR
            )
            return
        charter = services.charter_publish(charter=drafts[0], by=acting_user(request))
        self.message_user(
            request,
            _("Version %(version)s is published. Carriers have been asked to confirm it.")
            % {"version": charter.version},
            level=messages.SUCCESS,
        )


class ClaimEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClaimEvent
    fields = ("created_at", "action", "from_status", "to_status", "by", "reason", "charter")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("created_at", "pk")


ReasonedService = Callable[..., Claim]


@admin.register(Claim)
class ClaimAdmin(ServiceActionsMixin, admin.ModelAdmin):
    list_display = (
        "organisation",
        "status",
        "public_status_display",
        "charter_confirmed",
        "claimed_at",
        "active_since",
        "confirmation_due_at",
    )
    list_filter = ("status", "organisation__kind", "organisation__region", "charter_confirmed")
    search_fields = ("organisation__name", "code", "statement")
    list_select_related = ("organisation", "charter_confirmed")
    date_hierarchy = "claimed_at"
    ordering = ("-claimed_at",)
    fields = (
        "organisation",
        "status",
        "status_reason",
        "statement",
        "charter_agreed",
        "charter_confirmed",
        "confirmation_due_at",
        "claimed_at",
        "claimed_by",
        "active_since",
        "status_changed_at",
        "code",
        "recipient",
    )
    readonly_fields = fields
    inlines = [ClaimEventInline]
    actions = ["approve", "revoke", "reinstate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Organisations claim the stamp themselves; editors act on claims through actions.
        return False

    @admin.display(description=gettext_lazy("shown in public"))
    def public_status_display(self, claim: Claim) -> Any:
        """What the wall, the badge and the JSON say now: a claim past its deadline has
        lapsed, a suspended organisation's claim is not valid, before any job runs."""
        return claim.public_status_label

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name=f"{opts.app_label}_{opts.model_name}_revoke",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        claim = self.get_object(request, unquote(object_id))
        can_revoke = (
            claim is not None and claim.is_open and self.has_change_permission(request, claim)
        )
        # Every field is read-only: editors act through the buttons, not by saving the form.
        context = {
            **(extra_context or {}),
            "can_revoke": can_revoke,
            "show_save": False,
            "show_save_and_continue": False,
        }
        return super().change_view(request, object_id, form_url, context)

    def revoke_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The claim page's own "revoke" button: the reason first, then the same service as
        the list action (``stamp_revoke``, which checks that the user is an editor)."""
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            raise Http404
        if not self.has_change_permission(request, claim):
            raise PermissionDenied
        opts = self.model._meta
        change_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[claim.pk],
            current_app=self.admin_site.name,
        )
        form = ReasonForm(
            request.POST if request.method == "POST" else None,
            help_text=str(
                _("Recorded in the history and shown publicly on the verification page.")
            ),
        )
        if form.is_valid():
            try:
                services.stamp_revoke(
                    claim=claim, by=acting_user(request), reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.message_user(
                    request,
                    _("The stamp of %(organisation)s is revoked.")
                    % {"organisation": claim.organisation},
                    level=messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/reason_action.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Revoke the stamp"),
                "opts": opts,
                "original": claim,
                "objects": [claim],
                "form": form,
            },
            status=400 if request.method == "POST" else 200,
        )

    refused_errors = (ValidationError,)  # PermissionDenied: a user who is no editor, 403

    def refusal(self, obj: Claim, error: ValidationError | PermissionDenied) -> str:
        return super().refusal(obj.organisation, error)

    def _with_reason(
        self,
        request: HttpRequest,
        queryset: QuerySet[Claim],
        *,
        action: str,
        title: str,
        service: ReasonedService,
        done: str,
    ) -> HttpResponse | None:
        """Ask for the reason on an intermediate page, then call the service for each claim."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        by = acting_user(request)
        return self.call_each_with_reason(
            request,
            list(queryset.select_related("organisation")),
            lambda claim, reason: service(claim=claim, by=by, reason=reason),
            action=action,
            title=title,
            help_text=_("Recorded in the history. A reason for revoking is shown publicly."),
            done=done,
        )

    @admin.action(description=gettext_lazy("Approve the selected claims"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Claim]) -> HttpResponse | None:
        return self._with_reason(
            request,
            queryset,
            action="approve",
            title=_("Approve claims"),
            service=services.stamp_approve,
            done=_("Approved: %(count)s."),
        )

    @admin.action(description=gettext_lazy("Revoke the selected claims"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Claim]) -> HttpResponse | None:
        return self._with_reason(
            request,
            queryset,
            action="revoke",
            title=_("Revoke claims"),
            service=services.stamp_revoke,
            done=_("Revoked: %(count)s."),
        )

    @admin.action(description=gettext_lazy("Reinstate the selected claims"), permissions=["change"])
    def reinstate(self, request: HttpRequest, queryset: QuerySet[Claim]) -> HttpResponse | None:
        return self._with_reason(
            request,
            queryset,
            action="reinstate",
            title=_("Reinstate claims"),
            service=services.stamp_reinstate,
            done=_("Reinstated: %(count)s."),
        )
