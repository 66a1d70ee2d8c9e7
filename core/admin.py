from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from core.models import AuditEntry, Region, Theme


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en")
    prepopulated_fields = {"slug": ("name",)}


# The platform's themes replace taggit's free-form tags; hide the unused default model.
# taggit registers it in its own admin module, which may load after this one: load it first.
import taggit.admin  # noqa: E402, F401

if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail is read-only: nobody edits or deletes what happened."""

    list_display = ("created_at", "actor", "action", "content_type", "object_repr", "reason")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "reason", "actor__email", "actor__display_name")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditEntryInline(GenericTabularInline):
    """The object's history, shown read-only on its admin page."""

    model = AuditEntry
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "action", "reason")
    readonly_fields = fields
    verbose_name_plural = _("history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def __init__(self, *args: Any, help_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = help_text


def ask_for_reason(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Sequence[models.Model],
    *,
    action: str,
    title: str,
    help_text: str = "",
) -> tuple[str | None, TemplateResponse | None]:
    """For admin actions that need a reason: (reason, None) once the editor gave one,
    else (None, the intermediate page that asks for it)."""
    form = ReasonForm(request.POST if "apply" in request.POST else None, help_text=help_text)
    if form.is_valid():
        return form.cleaned_data["reason"], None
    page = TemplateResponse(
        request,
        "admin/reason_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": modeladmin.model._meta,
            "objects": objects,
            "form": form,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )
    return None, page
