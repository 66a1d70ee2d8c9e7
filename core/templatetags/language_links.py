"""The language switch as plain links: the same page in each language.

A link needs no form, no CSRF token and no cookie, so a page an anonymous visitor only reads
stays the same for every visitor and can be cached (``core.page_cache``). The address alone
decides the language (Dutch at the root, English under ``/en/``, see ``core.i18n``).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from core.i18n import is_safe_path, translate_path

register = template.Library()


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context: template.Context) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    if not is_safe_path(here):
        here = "/"
    current = translation.get_language()
    return {
        "links": [
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": translate_path(here, code),
                "is_current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    }
