from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django import template
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.images import rendition_for
from core.markdown import render_markdown
from core.numbers import format_number, format_quantity
from core.timewords import waiting_since

register = template.Library()


@register.filter(name="waiting_since")
def waiting_since_filter(value: datetime | None) -> str:
    """``{{ introduction.created_at|waiting_since }}``: "since today", "for 3 days"."""
    return waiting_since(value)


# Rendered Markdown by its text: the same description is shown again and again, and parsing
# plus sanitising it costs more than the rest of a detail page's template. The key is the
# text itself (the output depends on nothing else), so an edit is a new entry at once;
# bounded, per process.
MARKDOWN_CACHE_SIZE = 512


@lru_cache(maxsize=MARKDOWN_CACHE_SIZE)
def _rendered_markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """``{{ organisation.description|markdown }}``: sanitised HTML."""
    return _rendered_markdown(str(text) if text else "")


@register.filter(name="card_themes")
def card_themes_filter(item: Any) -> list[Any]:
    """``{% for theme in initiative|card_themes %}``: the themes a list query fetched as a
    plain list (``theme_list``, see ``initiatives.queries.card_themes``), else the item's own."""
    themes = getattr(item, "theme_list", None)
    return list(item.themes.all()) if themes is None else themes


@register.filter(name="datetime_attr")
def datetime_attr(value: datetime | date | None) -> str:
    """``<time datetime="{{ event.created_at|datetime_attr }}">``: a valid machine-readable time.

    Django's ``|date:"c"`` writes microseconds, which HTML does not allow (at most three
    digits of a second); this writes whole seconds in the current time zone, or a date."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return ""


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


@register.filter(name="number")
def number_filter(value: Any) -> str:
    """``{{ page.total|number }}``: 1.350 in Dutch, 1,350 in English."""
    return format_number(value)


@register.filter(name="quantity")
def quantity_filter(value: Any, unit: str = "") -> str:
    """``{{ figure.number|quantity:figure.unit }}``: € 25.000, 1.350 ton."""
    return format_quantity(value, unit)
