"""Offers and needs, introductions and their traces in the admin.

Facilitators (the "Verbinders" group) view and change introductions here; the steps of an
introduction (events, outcomes) are its history and stay read-only. Who may be contacted is
decided in the introduction flow, so people's fields are read-only too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from matchmaking.models import (
    DigestDelivery,
    Follow,
    Introduction,
    IntroductionEvent,
    Notification,
    OfferNeed,
    Outcome,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = IntroductionEvent
    fields = ("created_at", "kind", "actor", "note")
    readonly_fields = fields


class OutcomeInline(ReadOnlyInline):
    model = Outcome
    fields = ("created_at", "organisation", "description", "amount", "unit", "story")
    readonly_fields = fields


@admin.register(OfferNeed)
class OfferNeedAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "direction", "kind", "region", "ends_on", "closed_at")
    list_filter = ("direction", "kind", "region")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation", "region")
    autocomplete_fields = ("organisation", "region")
    readonly_fields = ("slug", "created_by", "created_at", "updated_at")
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
        "created_by",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
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
    autocomplete_fields = (
        "requesting_organisation",
        "receiving_organisation",
        "challenge",
        "initiative",
        "offer_need",
    )
    readonly_fields = (
        "code",
        "state",
        "requester",
        "proposed_by",
        "answered_by",
        "created_at",
        "state_changed_at",
    )
    inlines = (EventInline, OutcomeInline)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Introductions start in the site's flow (a request or a facilitator's proposal).
        return False


@admin.register(IntroductionEvent)
class IntroductionEventAdmin(admin.ModelAdmin):
    list_display = ("introduction", "kind", "actor", "created_at")
    list_filter = ("kind",)
    list_select_related = (
        "introduction__requesting_organisation",
        "introduction__receiving_organisation",
        "actor",
    )
    search_fields = ("note", "introduction__code")
    readonly_fields = ("introduction", "kind", "actor", "note", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organisation", "amount", "unit", "created_at")
    list_select_related = ("organisation",)
    search_fields = ("description", "organisation__name")
    readonly_fields = ("code", "introduction", "organisation", "recorded_by", "story", "created_at")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "theme", "region", "created_at")
    list_filter = ("theme", "region")
    search_fields = ("user__email", "user__display_name")
    list_select_related = ("user", "theme", "region")
    autocomplete_fields = ("user", "theme", "region")


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ("user", "week", "item_count", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    date_hierarchy = "week"
    readonly_fields = ("user", "week", "item_count", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    search_fields = ("recipient__email",)
    readonly_fields = ("recipient", "kind", "introduction", "created_at", "read_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
