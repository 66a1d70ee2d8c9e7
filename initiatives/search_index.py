"""Search over organisations without adding anything to the members app.

Organisations belong to ``members``, which may not import this app, and members' own flows
edit them. So instead of a copy that could go stale, initiatives adds two expression indexes
on ``members_organisation`` (migration 0003) and queries the very same expressions here:
PostgreSQL uses an index only when the query's expression matches it exactly, so both
sides are built from the one definition below.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models

from initiatives.models.base import SEARCH_CONFIG, search_vector


def organisation_search_vector() -> SearchVector:
    return search_vector(("name", "A"), ("description", "C"))


def organisation_indexes() -> list[models.Index]:
    return [
        GinIndex(organisation_search_vector(), name="org_search_gin"),
        GinIndex(fields=["name"], name="org_name_trgm", opclasses=["gin_trgm_ops"]),
    ]


__all__ = ["SEARCH_CONFIG", "organisation_indexes", "organisation_search_vector"]
