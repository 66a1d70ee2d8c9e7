from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.forms.formsets import BaseFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from core.forms import ProcessedImageField
from core.images import delete_image, make_renditions
from core.models import AUDIT_ACTION_LABELS, AuditEntry, Region, Theme

if TYPE_CHECKING:
    # What the mixins are mixed into, so that their ``super()`` calls are checked (an inline
    # with ImageUploadAdminMixin never reaches its ModelAdmin-only save and delete hooks).
    _AdminBase = admin.options.BaseModelAdmin[Any]
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = _ModelAdminBase = object


class AccessibleAdminMixin(_AdminBase):
    """Form fields that Django's admin draws without a ``<label>`` still have a name.

    Cells of tabular inlines and of a change list's editable columns, and a file input under
    its legend, have none in Django 6.1; they get their field's label as ``aria-label``
    (``static/js/admin_a11y.js`` gives it to the parts that an autocomplete draws, too).
    """

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            # Inside a RelatedFieldWidgetWrapper, the input is the wrapped widget.
            widget: forms.Widget = formfield.widget
            widget = getattr(widget, "widget", widget)
            label = formfield.label or capfirst(db_field.verbose_name)
            widget.attrs.setdefault("aria-label", str(label))
        return formfield


class ImageUploadAdminMixin(AccessibleAdminMixin, _ModelAdminBase):
    """Images uploaded in the admin take the site's one road (``core.images``): decoded,
    capped, stripped of EXIF, re-encoded under a random name, with their renditions.

    Declare ``image_kinds = {"field name": "rendition kind"}`` for every ImageField of the
    model (and of inlines that use the mixin too); an ImageField without a kind stops the
    form from being built rather than falling back to a raw upload.
    """

    image_kinds: dict[str, str] = {}

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if isinstance(db_field, models.ImageField):
            kind = self.image_kinds.get(db_field.name)
            if kind is None:
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.image_kinds names no rendition kind for "
                    f"{db_field.model.__name__}.{db_field.name}."
                )
            kwargs["form_class"] = partial(ProcessedImageField, kind=kind)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        store_image_renditions(form)

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: BaseFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        deleted = formset.deleted_forms  # none unless the inline can delete
        for inline_form in formset.forms:
            if inline_form in deleted:
                _delete_on_commit(
                    [
                        (stored, field.kind)
                        for name, field in inline_form.fields.items()
                        if isinstance(field, ProcessedImageField)
                        and (stored := inline_form.initial.get(name))
                    ]
                )
            elif inline_form.has_changed():
                store_image_renditions(inline_form)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        files = _stored_images(obj, self.image_kinds)
        super().delete_model(request, obj)
        _delete_on_commit(files)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        files = [pair for obj in queryset for pair in _stored_images(obj, self.image_kinds)]
        super().delete_queryset(request, queryset)
        _delete_on_commit(files)


def store_image_renditions(form: forms.BaseForm) -> None:
    """After a model form saved: renditions for each new image, the replaced one removed
    once the transaction commits."""
    instance = getattr(form, "instance", None)
    if instance is None or instance.pk is None:
        return
    for name, field in form.fields.items():
        if not isinstance(field, ProcessedImageField) or name not in form.changed_data:
            continue
        new = getattr(instance, name)
        if new:
            make_renditions(new, field.kind)
        old_name = getattr(form.initial.get(name), "name", "") or ""
        if old_name and old_name != (new.name or ""):
            old = FieldFile(instance, instance._meta.get_field(name), old_name)
            _delete_on_commit([(old, field.kind)])


def _stored_images(obj: Any, image_kinds: dict[str, str]) -> list[tuple[FieldFile, str]]:
    return [(getattr(obj, name), kind) for name, kind in image_kinds.items() if getattr(obj, name)]


def _delete_on_commit(files: list[tuple[FieldFile, str]]) -> None:
    for field_file, kind in files:
        transaction.on_commit(partial(delete_image, field_file, kind))


@admin.register(Region)
class RegionAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Theme)
class ThemeAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en")
    prepopulated_fields = {"slug": ("name",)}


# The platform's themes replace taggit's free-form tags; hide the unused default model.
# taggit registers it in its own admin module, which may load after this one: load it first.
import taggit.admin  # noqa: E402, F401

if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


# The kinds of content that editors curate and the audit trail records: the filter offers
# these, not every model of the project. Named by label, since core imports no other app.
CURATED_KINDS = (
    "members.organisation",
    "members.membership",
    "initiatives.initiative",
    "initiatives.challenge",
    "initiatives.story",
    "matchmaking.offerneed",
    "stamp.claim",
    "curation.report",
)


class AuditActionFilter(admin.SimpleListFilter):
    """Actions by their readable label, not their code."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        labelled = [(code, str(label)) for code, label in AUDIT_ACTION_LABELS.items()]
        return sorted(labelled, key=lambda pair: pair[1])

    def queryset(
        self, request: HttpRequest, queryset: models.QuerySet[AuditEntry]
    ) -> models.QuerySet[AuditEntry]:
        return queryset.filter(action=self.value()) if self.value() else queryset


class CuratedKindFilter(admin.SimpleListFilter):
    """Only the kinds of content that editors curate (``CURATED_KINDS``)."""

    title = _("kind of content")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (label, capfirst(apps.get_model(label)._meta.verbose_name_plural))
            for label in CURATED_KINDS
        ]

    def queryset(
        self, request: HttpRequest, queryset: models.QuerySet[AuditEntry]
    ) -> models.QuerySet[AuditEntry]:
        label = self.value()
        if label is None or label not in CURATED_KINDS:
            return queryset
        model = apps.get_model(label)
        # ContentType's manager caches this: no query per request.
        return queryset.filter(content_type=ContentType.objects.get_for_model(model))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail is read-only: nobody edits or deletes what happened."""

    # Five columns that fit a 1280-pixel screen beside the filters: the action's label names
    # the kind of content already ("Stamp revoked"), and long reasons are cut short here.
    list_display = ("created_at", "actor", "action_display", "object_repr", "short_reason")
    list_filter = (AuditActionFilter, CuratedKindFilter)
    search_fields = ("object_repr", "reason", "actor__email", "actor__display_name")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"

    @admin.display(description=_("why"))
    def short_reason(self, entry: AuditEntry) -> str:
        # The whole reason is on the entry's own page.
        return Truncator(entry.reason_display()).chars(100)

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
    fields = ("created_at", "actor", "action_display", "reason_display")
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
