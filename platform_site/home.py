"""The home page's figures, counted at most once a minute instead of on every visit.

Five counts (published initiatives, listed organisations, stamp carriers, introductions
that led to cooperation, offers and needs open now) each scan a table that grows with the
site; the home page is the most visited page. So they are kept together as one dict in the
shared cache under ``FIGURES_KEY``, with this refresh rule:

* **On change**: saving or deleting a row of a counted model (``COUNTED_MODELS``: an
  initiative published, hidden or withdrawn, an organisation verified or suspended, a claim
  granted or revoked, an introduction or its outcome, an offer or need) drops the dict at
  once and again when the transaction commits, so the next visit counts anew and a visit
  during the transaction cannot keep the old figures. Every service changes these rows
  with ``save()``, which sends the signals.
* **On time**: the dict lives ``FIGURES_SECONDS``; what changes with the clock alone (a
  stamp past its confirmation deadline, an offer past its end date) and writes that send no
  signal (a bulk ``update()``, raw SQL) show within that time.

A cache outage is a miss (``core.cache``): every visit then counts, and the page still works.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save

from curation import queries as curation_queries
from initiatives.models import Initiative
from matchmaking import queries as matchmaking_queries
from matchmaking.models import Introduction, OfferNeed, Outcome
from members.models import Organisation
from stamp.models import Claim

FIGURES_KEY = "home:figures:v1"
FIGURES_SECONDS = 60
COUNTED_MODELS: tuple[type[Model], ...] = (
    Initiative,
    Organisation,
    Claim,
    Introduction,
    Outcome,
    OfferNeed,
)


def figures() -> dict[str, Any]:
    """The home page's figures: from the cache, or counted now (one query) and kept."""
    cached = cache.get(FIGURES_KEY)
    if isinstance(cached, dict):
        return cached
    counted: dict[str, Any] = {
        "region_name": settings.SITE_REGION,
        **count_together(
            {
                "carrier_count": Claim.objects.carrying(),
                **curation_queries.regional_figures(),
                **matchmaking_queries.home_figures(),
            }
        ),
    }
    cache.set(FIGURES_KEY, counted, FIGURES_SECONDS)
    return counted


def count_together(sets: Mapping[str, QuerySet[Any]]) -> dict[str, int]:
    """The number of rows of each set, in one statement: ``SELECT (SELECT COUNT(*) FROM
    (set 1)), (SELECT COUNT(*) FROM (set 2)), ...``, each set compiled by the ORM with its
    parameters (never formatted into the SQL)."""
    columns: list[str] = []
    params: list[Any] = []
    for position, rows in enumerate(sets.values()):
        sql, set_params = rows.order_by().query.sql_with_params()
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS set_{position})")
        params.extend(set_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    return dict(zip(sets, row, strict=True))


def forget_figures(**kwargs: Any) -> None:
    """Drop the cached figures now and once more on commit (a signal receiver)."""
    cache.delete(FIGURES_KEY)
    transaction.on_commit(lambda: cache.delete(FIGURES_KEY))


def connect() -> None:
    """Drop the figures whenever a counted row is saved or deleted (``AppConfig.ready``)."""
    for model in COUNTED_MODELS:
        post_save.connect(
            forget_figures, sender=model, dispatch_uid=f"home-figures-save-{model._meta.label}"
        )
        post_delete.connect(
            forget_figures, sender=model, dispatch_uid=f"home-figures-delete-{model._meta.label}"
        )
