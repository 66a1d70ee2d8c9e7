"""``{% filter_select %}``: one labelled ``<select>`` of a list page's filter form.

The four list pages (initiatives, challenges and stories; offers and needs; the
organisation directory; the stamp wall) draw every filter menu through
``templates/core/includes/filter_select.html``, so the label, the id that ties it to the
``<select>`` and the "all" option are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.functional import Promise

from core.models import Region, Theme

register = template.Library()

type Option = Region | Theme | tuple[Any, str | Promise]


def _choice(option: Option) -> tuple[str, str | Promise]:
    """A region or theme by its slug and name, or a ``(value, label)`` choice as it is."""
    if isinstance(option, Theme):
        return option.slug, option.label
    if isinstance(option, Region):
        return option.slug, option.name
    value, label = option
    return str(value), label


@register.inclusion_tag("core/includes/filter_select.html")
def filter_select(
    name: str, label: str, options: Iterable[Option], current: Any, all_label: str
) -> dict[str, Any]:
    """``{% filter_select "regio" _("Region") regions filters.region _("All regions") %}``.

    ``name`` is the query parameter (and, as ``id_<name>``, the id the label points to);
    ``current`` is the value now chosen, or empty for the first option, ``all_label``.
    """
    return {
        "name": name,
        "label": label,
        "choices": [_choice(option) for option in options],
        "current": "" if current is None else str(current),
        "all_label": all_label,
    }
