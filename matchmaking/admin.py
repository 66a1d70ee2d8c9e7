"""Offers and needs, introductions and their traces in the admin.

Facilitators (the "Verbinders" group) read introductions here and move them on only through
actions that call the same services as the site: no field of an introduction, its steps or
its outcomes can be edited, so no state, party or person can be set by hand.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_mixins import ReadOnlyAdminMixin, ServiceActionsMixin, acting_user
from matchmaking import services
from matchmaking.models import (
    DigestDelivery,
    Follow,
    Introduction,
    IntroductionEvent,
    Notification,
    OfferNeed,
    Outcome,
)
from members import roles
from members.models import Organisation
from members.roles import ACTIVE_STATUSES


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class EventInline(ReadOnlyInline):
    model = IntroductionEvent
    fields = ("created_at", "kind", "actor", "previous_organisation", "note")
    readonly_fields = fields


class OutcomeInline(ReadOnlyInline):
    model = Outcome
    fields = ("created_at", "organisation", "description", "amount", "unit", "story")
    readonly_fields = fields


@admin.register(OfferNeed)
class OfferNeedAdmin(ServiceActionsMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "organisation",
        "direction",
        "kind",
        "region",
        "ends_on",
        "closed_at",
        "hidden_at",
    )
    list_filter = ("direction", "kind", "region", ("hidden_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation", "region")
    autocomplete_fields = ("organisation", "region")
    # The editors' hiding changes only through the actions (their services check the role).
    readonly_fields = (
        "slug",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
        "created_by",
        "created_at",
        "updated_at",
    )
    fields = (
        "organisation",
        "direction",
        "kind",
        "title",
        "slug",
        "description",
        "region",
        "ends_on",
        "closed_at",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
        "created_by",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"
    actions = ("hide_selected", "unhide_selected")

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        """Who sees the actions; the services check the role again themselves."""
        return roles.is_editor(request.user)

    @admin.action(
        description=gettext_lazy("Hide the selected offers and needs (with a reason)"),
        permissions=["moderate"],
    )
    def hide_selected(
        self, request: HttpRequest, queryset: QuerySet[OfferNeed]
    ) -> HttpResponse | None:
        by = acting_user(request)
        return self.call_each_with_reason(
            request,
            list(queryset.filter(hidden_at__isnull=True).select_related("organisation")),
            lambda offer_need, reason: services.offer_need_hide(
                offer_need=offer_need, by=by, reason=reason
            ),
            action="hide_selected",
            title=_("Hide offers and needs"),
            help_text=_(
                "Shown to the organisation and kept in the history. Only an editor can lift it."
            ),
            done=_("Hidden: %(count)s."),
        )

    @admin.action(
        description=gettext_lazy("Lift the hiding of the selected offers and needs"),
        permissions=["moderate"],
    )
    def unhide_selected(self, request: HttpRequest, queryset: QuerySet[OfferNeed]) -> None:
        by = acting_user(request)
        self.call_each(
            request,
            queryset.filter(hidden_at__isnull=False),
            lambda offer_need: services.offer_need_unhide(offer_need=offer_need, by=by),
            _(
                "No longer hidden: %(count)s. They stay closed until their organisation "
                "opens them again."
            ),
        )


class RedirectActionForm(forms.Form):
    """The intermediate page of the redirect action: where to, and a note for both sides."""

    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Better-suited organisation"),
        queryset=Organisation.objects.filter(
            status__in=ACTIVE_STATUSES, open_to_cooperation=True
        ).order_by("name"),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Both organisations read this note. The new organisation is not told who was "
            "asked first."
        ),
    )


@admin.register(Introduction)
class IntroductionAdmin(ReadOnlyAdminMixin, ServiceActionsMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "state",
        "challenge",
        "initiative",
        "offer_need",
        "created_at",
        "state_changed_at",
    )
    list_filter = ("state",)
    search_fields = (
        "code",
        "requesting_organisation__name",
        "receiving_organisation__name",
        "message",
    )
    list_select_related = (
        "requesting_organisation",
        "receiving_organisation",
        "challenge",
        "initiative",
        "offer_need",
    )
    fields = (
        "code",
        "state",
        "requesting_organisation",
        "receiving_organisation",
        "requester",
        "proposed_by",
        "challenge",
        "initiative",
        "offer_need",
        "message",
        "answered_by",
        "created_at",
        "state_changed_at",
    )
    readonly_fields = fields
    inlines = (EventInline, OutcomeInline)
    date_hierarchy = "created_at"
    actions = ("forward", "not_forward", "redirect")

    # Read-only (ReadOnlyAdminMixin): introductions start in the site's flow (a request or a
    # facilitator's proposal), and nobody edits one by hand, a superuser neither; a posted
    # change form is refused. An introduction moves on only through the actions.

    def has_facilitate_permission(self, request: HttpRequest) -> bool:
        """Who sees the actions; the services check the role again themselves."""
        return roles.is_facilitator(request.user)

    def refusal(self, obj: Any, error: ValidationError | PermissionDenied) -> str:
        if isinstance(error, PermissionDenied):
            return _("%(introduction)s: this is not a request waiting for a facilitator.") % {
                "introduction": obj
            }
        return super().refusal(obj, error)

    def _selected(self, queryset: QuerySet[Introduction]) -> list[Introduction]:
        return list(
            queryset.select_related("requesting_organisation", "receiving_organisation").order_by(
                "created_at", "pk"
            )
        )

    @admin.action(
        description=gettext_lazy("Forward the selected requests"), permissions=["facilitate"]
    )
    def forward(self, request: HttpRequest, queryset: QuerySet[Introduction]) -> None:
        by = acting_user(request)
        self.call_each(
            request,
            self._selected(queryset),
            lambda introduction: services.introduction_forward(introduction=introduction, by=by),
            _("Forwarded: %(count)s."),
        )

    @admin.action(
        description=gettext_lazy("Do not forward the selected requests (with a reason)"),
        permissions=["facilitate"],
    )
    def not_forward(
        self, request: HttpRequest, queryset: QuerySet[Introduction]
    ) -> HttpResponse | None:
        by = acting_user(request)
        return self.call_each_with_reason(
            request,
            self._selected(queryset),
            lambda introduction, reason: services.introduction_not_forward(
                introduction=introduction, by=by, note=reason
            ),
            action="not_forward",
            title=_("Do not forward"),
            help_text=_("The member reads this, so they know what to do next."),
            done=_("Not forwarded: %(count)s."),
        )

    @admin.action(
        description=gettext_lazy("Redirect the selected requests to a better-suited organisation"),
        permissions=["facilitate"],
    )
    def redirect(
        self, request: HttpRequest, queryset: QuerySet[Introduction]
    ) -> HttpResponse | None:
        introductions = self._selected(queryset)
        form = RedirectActionForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            # The same intermediate page as the actions that ask for a reason.
            return TemplateResponse(
                request,
                "admin/reason_action.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Redirect and forward"),
                    "opts": self.model._meta,
                    "objects": introductions,
                    "form": form,
                    "action": "redirect",
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        by = acting_user(request)
        organisation = form.cleaned_data["organisation"]
        note = form.cleaned_data["note"]
        self.call_each(
            request,
            introductions,
            lambda introduction: services.introduction_redirect(
                introduction=introduction, by=by, organisation=organisation, note=note
            ),
            _("Redirected and forwarded: %(count)s."),
        )
        return None


@admin.register(IntroductionEvent)
class IntroductionEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("introduction", "kind", "actor", "created_at")
    list_filter = ("kind",)
    list_select_related = (
        "introduction__requesting_organisation",
        "introduction__receiving_organisation",
        "actor",
    )
    search_fields = ("note", "introduction__code")
    readonly_fields = ("introduction", "kind", "actor", "note", "created_at")


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What came of an introduction is the parties' word, recorded through the service."""

    list_display = ("__str__", "organisation", "amount", "unit", "created_at")
    list_select_related = ("organisation",)
    search_fields = ("description", "organisation__name")
    readonly_fields = (
        "code",
        "introduction",
        "organisation",
        "recorded_by",
        "description",
        "amount",
        "unit",
        "story",
        "created_at",
    )
    date_hierarchy = "created_at"


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "theme", "region", "created_at")
    list_filter = ("theme", "region")
    search_fields = ("user__email", "user__display_name")
    list_select_related = ("user", "theme", "region")
    autocomplete_fields = ("user", "theme", "region")


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "week", "item_count", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    date_hierarchy = "week"
    readonly_fields = ("user", "week", "item_count", "created_at")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    search_fields = ("recipient__email",)
    readonly_fields = ("recipient", "kind", "introduction", "created_at", "read_at")
