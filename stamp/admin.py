from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ask_for_reason
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
    fields = ("title", "summary", "body", "version", "published_at", "published_by")
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
        charter = services.charter_publish(charter=drafts[0], by=request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            _("Version %(version)s is published. Carriers have been asked to confirm it.")
            % {"version": charter.version},
            level=messages.SUCCESS,
        )


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    fields = ("created_at", "action", "from_status", "to_status", "by", "reason", "charter")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("created_at", "pk")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


ReasonedService = Callable[..., Claim]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
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
        claims = list(queryset.select_related("organisation"))
        reason, page = ask_for_reason(
            self,
            request,
            claims,
            action=action,
            title=title,
            help_text=str(_("Recorded in the history. A reason for revoking is shown publicly.")),
        )
        if reason is None:
            return page
        succeeded = 0
        for claim in claims:
            try:
                service(claim=claim, by=request.user, reason=reason)
            except ValidationError as error:
                self.message_user(
                    request,
                    f"{claim.organisation}: {' '.join(error.messages)}",
                    level=messages.ERROR,
                )
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done % {"count": succeeded}, level=messages.SUCCESS)
        return None

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
