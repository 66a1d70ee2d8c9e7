"""The suggestion profile: one row per organisation and direction (offer or need).

Made and kept current by database triggers (matchmaking migration 0008) on organisations,
their themes, offers and needs and their themes, so bulk writes and raw SQL keep it right too.
A row holds what an organisation could be suggested for in that direction:

- ``kinds``: the kinds of its open (not closed) offers or needs, with ``kinds_until`` the last
  day one of them runs (NULL: open-ended). A kind is current while its day has not passed, so
  "current" stays exact as time passes without anything being rewritten.
- ``themes``: its own themes (``themes_until`` NULL) and those of its open offers or needs
  (until their last day), in the same way.
- ``kinds_key``: the open kinds, sorted and joined by commas; with the organisation's kind and
  region (copied from the organisation) it keys the ``suggestion_profile_tiers`` index, which
  also carries the themes. That lets `matchmaking.suggestions` find the organisations that can
  still reach a score without reading every offer.

``kinds_key`` and ``themes`` include kinds and themes whose last day has passed, so a bound read
from them is never too low; the exact facts come from the ``..._until`` arrays.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from django.db import connection

from initiatives.models import ResourceKind

PROFILE_TABLE = "matchmaking_suggestion_profile"


def kinds_key(kinds: Iterable[str]) -> str:
    """The profile's ``kinds_key`` for a set of kinds (sorted by code point, as the trigger
    sorts them with ``COLLATE "C"``)."""
    return ",".join(sorted(set(kinds)))


def keys_by_matches(resources: Iterable[str]) -> dict[int, list[str]]:
    """Every possible ``kinds_key``, grouped by how many of ``resources`` it holds.

    The kinds are the resource kinds' choices, which a database constraint on offers and needs
    enforces, so no other key can be stored."""
    wanted = set(resources)
    kinds = ResourceKind.values
    found: dict[int, list[str]] = {}
    for size in range(len(kinds) + 1):
        for chosen in combinations(kinds, size):
            found.setdefault(len(wanted.intersection(chosen)), []).append(kinds_key(chosen))
    return found


def profile_refresh(organisation_ids: Iterable[int]) -> None:
    """Recompute the profile rows of these organisations (the triggers do this on every write;
    this is for repairs and tests)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT matchmaking_profile_refresh(%s::bigint[])", [list(organisation_ids)])
