"""CSV exports for reports to municipalities: organisations, initiatives, stamp carriers.

The files open straight in Excel as Dutch users have it set up: UTF-8 with a byte-order
mark (so Excel reads accents right) and semicolons between fields (Excel in a Dutch locale
uses the comma as decimal separator and expects ";"). Rows stream from a server-side
cursor, so a large export never sits in memory. Only public facts go out: organisation
websites, never a person's email address.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import absolute_url
from initiatives.models import Initiative, InitiativePartner
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


def organisations_csv(queryset: QuerySet[Organisation]) -> StreamingHttpResponse:
    header = [
        _("name"),
        _("kind"),
        _("status"),
        _("region"),
        _("themes"),
        _("website"),
        _("KvK number"),
        _("open to cooperation"),
        _("registered at"),
        _("verified at"),
        _("public address"),
    ]
    organisations = (
        queryset.select_related("region")
        .prefetch_related("themes")  # type: ignore[misc]  # taggit managers do prefetch
        .order_by("name", "pk")
        .iterator(chunk_size=CHUNK)
    )
    rows = (
        [
            organisation.name,
            organisation.get_kind_display(),
            organisation.get_status_display(),
            organisation.region,
            _themes(organisation),
            organisation.website,
            organisation.kvk_number,
            _("yes") if organisation.open_to_cooperation else _("no"),
            organisation.created_at,
            organisation.verified_at,
            absolute_url(organisation.get_absolute_url()),
        ]
        for organisation in organisations
    )
    return stream_csv("organisaties", header, rows)


def initiatives_csv(queryset: QuerySet[Initiative], *, user: Any) -> StreamingHttpResponse:
    """Initiatives ``user`` may read in the admin (``visible_in_admin_to``: a facilitator's
    export holds no draft, submission or hidden item, whatever rows were selected)."""
    header = [
        _("title"),
        _("publication status"),
        _("stage"),
        _("lead organisation"),
        _("partners"),
        _("region"),
        _("themes"),
        _("start date"),
        _("published at"),
        _("website"),
        _("public address"),
    ]
    partners = InitiativePartner.objects.filter(confirmed_at__isnull=False).select_related(
        "organisation"
    )
    initiatives = (
        queryset.visible_in_admin_to(user)  # type: ignore[attr-defined]
        .select_related("lead", "region")
        .prefetch_related(  # type: ignore[misc]  # taggit managers do prefetch
            "themes", Prefetch("partnerships", queryset=partners, to_attr="shown")
        )
        .defer("description", "search_text", "search_vector")
        .order_by("title", "pk")
        .iterator(chunk_size=CHUNK)
    )
    rows = (
        [
            initiative.title,
            initiative.get_publication_status_display(),
            initiative.get_stage_display(),
            initiative.lead.name,
            ", ".join(partner.organisation.name for partner in initiative.shown),
            initiative.region,
            _themes(initiative),
            initiative.start_date,
            initiative.published_at,
            initiative.website,
            absolute_url(initiative.get_absolute_url()) if initiative.is_published else "",
        ]
        for initiative in initiatives
    )
    return stream_csv("initiatieven", header, rows)


def carriers_csv(queryset: QuerySet[Claim]) -> StreamingHttpResponse:
    """Stamp claims with their public status (a suspended organisation's claim is not valid)."""
    header = [
        _("organisation"),
        _("kind"),
        _("region"),
        _("website"),
        _("status"),
        _("active since"),
        _("latest charter version confirmed"),
        _("verification address"),
    ]
    claims = (
        queryset.select_related("organisation__region", "charter_confirmed")
        .order_by("organisation__name", "pk")
        .iterator(chunk_size=CHUNK)
    )
    rows = (
        [
            claim.organisation.name,
            claim.organisation.get_kind_display(),
            claim.organisation.region,
            claim.organisation.website,
            claim.public_status_label,
            claim.active_since,
            claim.charter_confirmed.version,
            absolute_url(claim.get_absolute_url()),
        ]
        for claim in claims
    )
    return stream_csv("stempeldragers", header, rows)
