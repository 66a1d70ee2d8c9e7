"""Role questions for templates, answered by ``members.roles`` (the one place for them)."""

from __future__ import annotations

from typing import Any

from django import template

from members import roles

register = template.Library()


@register.filter
def may_enter_admin(user: Any) -> bool:
    """``{% if user|may_enter_admin %}``: the admin would let this person in."""
    return roles.may_enter_admin(user)
