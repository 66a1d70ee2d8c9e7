"""CSV exports for reports to municipalities: organisations, initiatives, stamp carriers.

The files open straight in Excel as Dutch users have it set up: UTF-8 with a byte-order
mark (so Excel reads accents right) and semicolons between fields (Excel in a Dutch locale
uses the comma as decimal separator and expects ";"). Rows stream from a server-side
cursor, so a large export never sits in memory. Only public facts go out: organisation
websites, never a person's email address.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import absolute_url
from initiatives.models import Initiative, InitiativePartner
from initiatives.models.initiatives import InitiativeQuerySet
from members.models import Organisation
from stamp.models import Claim

BOM = "\ufeff"
DELIMITER = ";"
CHUNK = 500


class _Echo:
    """csv.writer writes into this and gets the line back, for streaming."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # A cell that starts like a formula would run in Excel: neutralise it.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def stream_csv(
    filename: str, header: list[str], rows: Iterable[list[Any]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=DELIMITER)

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


def _themes(item: Any) -> str:
    return ", ".join(theme.name for theme in item.themes.all())


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _table[T](
    filename: str, columns: list[tuple[str, Callable[[T], Any]]], objects: Iterable[T]
) -> StreamingHttpResponse:
    """A CSV file from (header, value of a row) pairs: a header stands next to its value, so
    the two can never fall out of step."""
    header = [title for title, _value in columns]
    rows = ([value(obj) for _title, value in columns] for obj in objects)
    return stream_csv(filename, header, rows)


def organisations_csv(queryset: QuerySet[Organisation]) -> StreamingHttpResponse:
    organisations = (
        queryset.select_related("region")
        .prefetch_related("themes")  # type: ignore[misc]  # taggit managers do prefetch
        .order_by("name", "pk")
        .iterator(chunk_size=CHUNK)
    )
    columns: list[tuple[str, Callable[[Organisation], Any]]] = [
        (_("name"), lambda organisation: organisation.name),
        (_("kind"), Organisation.get_kind_display),
        (_("status"), Organisation.get_status_display),
        (_("region"), lambda organisation: organisation.region),
        (_("themes"), _themes),
        (_("website"), lambda organisation: organisation.website),
        (_("KvK number"), lambda organisation: organisation.kvk_number),
        (_("open to cooperation"), lambda organisation: _yes_no(organisation.open_to_cooperation)),
        (_("registered at"), lambda organisation: organisation.created_at),
        (_("verified at"), lambda organisation: organisation.verified_at),
        (_("public address"), lambda organisation: absolute_url(organisation.get_absolute_url())),
    ]
    return _table("organisaties", columns, organisations)


def initiatives_csv(queryset: InitiativeQuerySet, *, user: Any) -> StreamingHttpResponse:
    """Initiatives ``user`` may read in the admin (``visible_in_admin_to``: a facilitator's
    export holds no draft, submission or hidden item, whatever rows were selected)."""
    partners = InitiativePartner.objects.filter(confirmed_at__isnull=False).select_related(
        "organisation"
    )
    initiatives = (
        queryset.visible_in_admin_to(user)
        .select_related("lead", "region")
        .prefetch_related(  # type: ignore[misc]  # taggit managers do prefetch
            "themes", Prefetch("partnerships", queryset=partners, to_attr="shown")
        )
        .defer("description", "search_text", "search_vector")
        .order_by("title", "pk")
        .iterator(chunk_size=CHUNK)
    )

    def partner_names(initiative: Initiative) -> str:
        return ", ".join(partner.organisation.name for partner in initiative.shown)  # type: ignore[attr-defined]  # the Prefetch above

    def public_address(initiative: Initiative) -> str:
        return absolute_url(initiative.get_absolute_url()) if initiative.is_published else ""

    columns: list[tuple[str, Callable[[Initiative], Any]]] = [
        (_("title"), lambda initiative: initiative.title),
        (_("publication status"), Initiative.get_publication_status_display),
        (_("stage"), Initiative.get_stage_display),
        (_("lead organisation"), lambda initiative: initiative.lead.name),
        (_("partners"), partner_names),
        (_("region"), lambda initiative: initiative.region),
        (_("themes"), _themes),
        (_("start date"), lambda initiative: initiative.start_date),
        (_("published at"), lambda initiative: initiative.published_at),
        (_("website"), lambda initiative: initiative.website),
        (_("public address"), public_address),
    ]
    return _table("initiatieven", columns, initiatives)


def carriers_csv(queryset: QuerySet[Claim]) -> StreamingHttpResponse:
    """Stamp claims with their public status (a suspended organisation's claim is not valid)."""
    claims = (
        queryset.select_related("organisation__region", "charter_confirmed")
        .order_by("organisation__name", "pk")
        .iterator(chunk_size=CHUNK)
    )
    columns: list[tuple[str, Callable[[Claim], Any]]] = [
        (_("organisation"), lambda claim: claim.organisation.name),
        (_("kind"), lambda claim: claim.organisation.get_kind_display()),
        (_("region"), lambda claim: claim.organisation.region),
        (_("website"), lambda claim: claim.organisation.website),
        (_("status"), lambda claim: claim.public_status_label),
        (_("active since"), lambda claim: claim.active_since),
        (_("latest charter version confirmed"), lambda claim: claim.charter_confirmed.version),
        (_("verification address"), lambda claim: absolute_url(claim.get_absolute_url())),
    ]
    return _table("stempeldragers", columns, claims)
