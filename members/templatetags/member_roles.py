"""Role questions for templates, answered by ``members.roles`` (the one place for them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from members import roles

if TYPE_CHECKING:
    from members.roles import Person

register = template.Library()


@register.filter
def may_enter_admin(user: Person) -> bool:
    """``{% if user|may_enter_admin %}``: the admin would let this person in."""
    return roles.may_enter_admin(user)
