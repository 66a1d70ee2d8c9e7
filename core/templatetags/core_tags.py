from __future__ import annotations

from django import template
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.images import rendition_for
from core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """``{{ organisation.description|markdown }}``: sanitised HTML."""
    return render_markdown(text)


@register.simple_tag
def image(
    field_file: FieldFile | None, kind: str, size: str, alt: str = "", css_class: str = ""
) -> SafeString:
    """``{% image org.logo "logo" "small" alt=org.name %}``: a sized, lazy ``<img>``, or nothing."""
    if not field_file:
        return SafeString("")
    found = rendition_for(field_file, kind, size)
    if found is None:
        return SafeString("")
    url, rendition = found
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy" decoding="async"{}>',
        url,
        rendition.width,
        rendition.height,
        alt,
        format_html(' class="{}"', css_class) if css_class else "",
    )
