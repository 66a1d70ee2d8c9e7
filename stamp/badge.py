"""The embeddable badge: a round ink stamp, drawn as SVG (template) and as PNG (Pillow).

Both renditions share one layout so that they say the same thing: the site's name
around the edge, the organisation's name in the middle and the status on a band.
Anything but an active claim is drawn grey and struck through.

The layout is also the key: the ETag and the cache key of the PNG are digests of the
drawing, so whatever changes the picture (state, name, site name, language, size, this
module's version) changes them, and nothing else does. Drawing the PNG costs about a
hundred milliseconds, so it is drawn once per picture and then served from the cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import math
import textwrap
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

from members.models import OrganisationStatus
from stamp.models import Claim, PublicStatus

logger = logging.getLogger(__name__)

# Bump when the drawing changes, so that cached badges are drawn and fetched again.
BADGE_DRAWING_VERSION = "2"
PNG_CACHE_SECONDS = 60 * 60 * 24 * 7
SIZE = 240  # the SVG viewBox; the PNG is drawn at PNG_SCALE times this
PNG_SCALE = 2
TILT_DEGREES = 8
INK = "#a8432a"
INK_WAITING = "#7a4d00"
INK_ENDED = "#5c6370"
RING_RADIUS = 97  # baseline of the edge text, between the circles at 92 and 112
NAME_WIDTH = 118  # usable width inside the inner circle, in viewBox units
MAX_NAME_LINES = 3
NAME_LINE_CHARS = 16


@dataclass(frozen=True)
class BadgeDrawing:
    title: str
    description: str
    ring_text: str
    ring_font_size: float
    ring_text_length: float
    name_lines: tuple[str, ...]
    name_font_size: float
    name_first_baseline: float
    status_text: str
    colour: str
    struck: bool

    @property
    def name_line_positions(self) -> list[tuple[float, str]]:
        step = self.name_font_size * 1.15
        return [
            (self.name_first_baseline + i * step, line) for i, line in enumerate(self.name_lines)
        ]


def status_word(status: str, *, organisation_status: str = "") -> str:
    """The short word on the band of the stamp (capitals: msgids of their own)."""
    if status == PublicStatus.SUSPENDED and organisation_status == OrganisationStatus.ARCHIVED:
        return str(OrganisationStatus.ARCHIVED.label).upper()
    words: dict[str, str] = {
        PublicStatus.ACTIVE: gettext("ACTIVE"),
        PublicStatus.PENDING: gettext("PENDING"),
        PublicStatus.WITHDRAWN: gettext("WITHDRAWN"),
        PublicStatus.LAPSED: gettext("LAPSED"),
        PublicStatus.REVOKED: gettext("REVOKED"),
        # The organisation's own status word ("geschorst"), so both always read the same.
        PublicStatus.SUSPENDED: str(OrganisationStatus.SUSPENDED.label).upper(),
        PublicStatus.UNVERIFIED: gettext("NOT VALID"),
    }
    return words[status]


def _ring_text() -> str:
    motto = gettext("Social innovation")
    unit = f"{settings.SITE_NAME} · {motto} · ".upper()
    # Repeat the motto until it goes most of the way round.
    repeats = max(1, round(70 / len(unit)))
    return (unit * repeats).strip()


def layout(
    claim: Claim | None, *, verify_url: str = "", now: datetime | None = None
) -> BadgeDrawing:
    """What the stamp shows for a claim, or the plain stamp of the site for ``None``."""
    ring = _ring_text()
    circumference = 2 * math.pi * RING_RADIUS
    ring_length = circumference * 0.97
    ring_font_size = round(min(13.0, ring_length / (len(ring) * 0.66)), 1)
    if claim is None:
        name = gettext("Stamp")
        status = ""
        colour, struck = INK, False
        title = gettext("The %(site)s stamp") % {"site": settings.SITE_NAME}
        description = gettext(
            "A round ink stamp with the name of %(site)s around the edge. "
            "It belongs to nobody and to everybody."
        ) % {"site": settings.SITE_NAME}
    else:
        name = claim.organisation.name
        public_status = claim.effective_status(now)
        status = status_word(public_status, organisation_status=claim.organisation.status)
        colours: dict[str, str] = {PublicStatus.ACTIVE: INK, PublicStatus.PENDING: INK_WAITING}
        colour = colours.get(public_status, INK_ENDED)
        struck = public_status not in (PublicStatus.ACTIVE, PublicStatus.PENDING)
        title = gettext("%(site)s stamp of %(organisation)s: %(status)s") % {
            "site": settings.SITE_NAME,
            "organisation": name,
            "status": status.lower(),
        }
        description = gettext(
            "The stamp of %(site)s for %(organisation)s. Status: %(status)s. Verify it at %(url)s"
        ) % {
            "site": settings.SITE_NAME,
            "organisation": name,
            "status": claim.status_label(now),
            "url": verify_url,
        }
    # Whole words where possible (the font shrinks for a long one); only very long
    # words are broken.
    lines = tuple(
        textwrap.wrap(
            name,
            width=NAME_LINE_CHARS,
            max_lines=MAX_NAME_LINES,
            placeholder=" …",
            break_long_words=False,
        )
        or [name[:NAME_LINE_CHARS]]
    )
    if max(len(line) for line in lines) > 2 * NAME_LINE_CHARS:
        lines = tuple(
            textwrap.wrap(
                name,
                width=NAME_LINE_CHARS,
                max_lines=MAX_NAME_LINES,
                placeholder=" …",
                break_long_words=True,
            )
        )
    longest = max(len(line) for line in lines)
    name_font_size = round(min(20.0, NAME_WIDTH / (max(longest, 1) * 0.6)), 1)
    block_height = name_font_size * 1.15 * (len(lines) - 1)
    centre = 108 if status else 126
    return BadgeDrawing(
        title=title,
        description=description,
        ring_text=ring,
        ring_font_size=ring_font_size,
        ring_text_length=round(ring_length, 1),
        name_lines=lines,
        name_font_size=name_font_size,
        name_first_baseline=round(centre - block_height / 2, 1),
        status_text=status.upper(),
        colour=colour,
        struck=struck,
    )


def drawing_digest(drawing: BadgeDrawing, kind: str) -> str:
    """Changes whenever the image changes: everything drawn, the kind and the version."""
    parts = [BADGE_DRAWING_VERSION, kind, SIZE, PNG_SCALE, *dataclasses.astuple(drawing)]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:32]


def _png_cache_key(drawing: BadgeDrawing) -> str:
    return f"stamp:badge:png:{drawing_digest(drawing, 'png')}"


def _cache_get(key: str) -> bytes | None:
    """The cache is a helper: an error is a miss and a log line, never a failed request."""
    try:
        return caches["default"].get(key)
    except Exception:
        logger.warning("badge cache: reading %s failed", key, exc_info=True)
        return None


def _cache_set(key: str, value: bytes) -> None:
    try:
        caches["default"].set(key, value, timeout=PNG_CACHE_SECONDS)
    except Exception:
        logger.warning("badge cache: writing %s failed", key, exc_info=True)


def png_bytes(drawing: BadgeDrawing) -> bytes:
    """The PNG for a drawing, from the cache when it was drawn before."""
    key = _png_cache_key(drawing)
    cached = _cache_get(key)
    if isinstance(cached, bytes):
        return cached
    rendered = render_png(drawing)
    _cache_set(key, rendered)
    return rendered


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled font: nothing is downloaded and nothing depends on the system.
    return ImageFont.load_default(size=size)


def _png_safe(text: str) -> str:
    return text.replace("…", "...")


def render_png(drawing: BadgeDrawing) -> bytes:
    """The same stamp as the SVG, drawn with Pillow for places that do not take SVG."""
    scale = PNG_SCALE
    size = SIZE * scale
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2

    def circle(radius: float, width: float) -> None:
        r = radius * scale
        draw.ellipse(
            (centre - r, centre - r, centre + r, centre + r),
            outline=drawing.colour,
            width=round(width * scale),
        )

    circle(112, 6)
    circle(92, 2)
    circle(70, 2)

    # Ring text: each character drawn upright, then turned to follow the circle,
    # with proportional spacing like the SVG's textPath.
    ring_font = _font(round(drawing.ring_font_size * scale))
    text = _png_safe(drawing.ring_text)
    radius = (RING_RADIUS + drawing.ring_font_size * 0.35) * scale  # middle of the letters
    widths = [ring_font.getlength(char) for char in text]
    arc = drawing.ring_text_length * scale * radius / (RING_RADIUS * scale)
    gap = (arc - sum(widths)) / max(len(text), 1)
    glyph_size = round(drawing.ring_font_size * scale * 2)
    position = 0.0
    for char, width in zip(text, widths, strict=True):
        angle = -math.pi + (position + (width + gap) / 2) / radius
        position += width + gap
        if char == " ":
            continue
        glyph = Image.new("RGBA", (glyph_size, glyph_size), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text(
            (glyph_size / 2, glyph_size / 2), char, font=ring_font, fill=drawing.colour, anchor="mm"
        )
        turned = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(angle) - glyph_size / 2
        y = centre + radius * math.sin(angle) - glyph_size / 2
        image.alpha_composite(turned, (round(x), round(y)))

    if drawing.struck:
        draw.line(
            (centre - 80 * scale, centre + 80 * scale, centre + 80 * scale, centre - 80 * scale),
            fill=drawing.colour,
            width=5 * scale,
        )
    name_font = _font(round(drawing.name_font_size * scale))
    for baseline, line in drawing.name_line_positions:
        draw.text(
            (centre, baseline * scale),
            _png_safe(line),
            font=name_font,
            fill=drawing.colour,
            anchor="ms",
        )
    if drawing.status_text:
        band_top, band_bottom = 140 * scale, 166 * scale
        draw.rectangle(
            (centre - 84 * scale, band_top, centre + 84 * scale, band_bottom),
            fill=drawing.colour,
        )
        status_font = _font(round(min(16, 150 / (len(drawing.status_text) * 0.68)) * scale))
        draw.text(
            (centre, (band_top + band_bottom) / 2),
            drawing.status_text,
            font=status_font,
            fill="#ffffff",
            anchor="mm",
        )
    image = image.rotate(TILT_DEGREES, resample=Image.Resampling.BICUBIC)
    # A palette of 256 colours (alpha kept) looks the same for a stamp in one colour, at a
    # fifth of the bytes (about 25 KB instead of 130 KB): other sites embed it.
    image = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
