from django.contrib import admin
from taggit.models import Tag

from core.models import Region, Theme


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
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)
