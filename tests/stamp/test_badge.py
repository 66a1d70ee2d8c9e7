from __future__ import annotations

import io
import logging
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import caches
from django.test import Client
from PIL import Image

from members.models import OrganisationStatus, User
from stamp import badge
from stamp.models import Charter, ClaimStatus
from stamp.services import stamp_revoke
from tests.members.factories import OrganisationFactory
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _svg(client: Client, code: str) -> ET.Element:
    response = client.get(f"/stempel/v/{code}/stempel.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)


def _text(root: ET.Element) -> str:
    return " ".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))


def test_the_badge_is_an_accessible_svg_with_name_and_status(
    client: Client, charter: Charter
) -> None:
    claim = ClaimFactory(organisation__name="Energie & Co <Tilburg>")

    root = _svg(client, claim.code)

    assert root.get("role") == "img"
    title = root.find(f"{SVG}title").text
    description = root.find(f"{SVG}desc").text
    assert "Energie & Co <Tilburg>" in title  # escaped in the XML, intact when parsed
    assert f"/stempel/v/{claim.code}/" in description
    text = _text(root)
    assert "ACTIEF" in text
    assert "BREINAALD · SOCIALE INNOVATIE" in text
    assert "rotate(" in root.find(f"{SVG}g").get("transform")


@pytest.mark.parametrize(
    ("status", "word"),
    [
        (ClaimStatus.WITHDRAWN, "TERUGGETROKKEN"),
        (ClaimStatus.LAPSED, "VERLOPEN"),
        (ClaimStatus.REVOKED, "INGETROKKEN"),
        (ClaimStatus.PENDING, "IN AFWACHTING"),
    ],
)
def test_a_badge_that_is_not_active_says_so_and_never_active(
    client: Client, charter: Charter, status: str, word: str
) -> None:
    claim = ClaimFactory(status=status, status_reason="Reden.")
    if status == ClaimStatus.PENDING:
        claim.active_since = None
        claim.save(update_fields=["active_since"])

    text = _text(_svg(client, claim.code))

    assert word in text
    assert "ACTIEF" not in text


@pytest.mark.parametrize(
    ("status", "word"),
    [
        (OrganisationStatus.SUSPENDED, "GESCHORST"),
        (OrganisationStatus.ARCHIVED, "GEARCHIVEERD"),
        (OrganisationStatus.PENDING, "NIET GELDIG"),
    ],
)
def test_the_badge_of_an_organisation_that_is_not_verified_is_not_active(
    client: Client, charter: Charter, status: str, word: str
) -> None:
    claim = ClaimFactory(organisation=OrganisationFactory(status=status))

    text = _text(_svg(client, claim.code))

    assert "ACTIEF" not in text
    assert word in text


def test_the_badge_is_cached_briefly_embeddable_and_answers_304_until_revoked(
    client: Client, charter: Charter, editor: User
) -> None:
    claim = ClaimFactory()
    url = f"/stempel/v/{claim.code}/stempel.svg"

    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    stamp_revoke(claim=claim, by=editor, reason="Misbruik.")
    after = client.get(url, headers={"If-None-Match": etag})

    assert etag.startswith('"')
    assert "max-age=300" in first["Cache-Control"]
    assert "public" in first["Cache-Control"]
    assert first["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert "max-age=300" in again["Cache-Control"]
    assert after.status_code == 200
    assert after["ETag"] != etag
    assert "INGETROKKEN" in after.content.decode()


def test_the_png_badge_is_drawn_by_the_server(client: Client, charter: Charter) -> None:
    claim = ClaimFactory()

    response = client.get(f"/stempel/v/{claim.code}/stempel.png")
    conditional = client.get(
        f"/stempel/v/{claim.code}/stempel.png", headers={"If-None-Match": response["ETag"]}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (480, 480)
    assert image.getbbox() is not None  # something was drawn
    assert response["ETag"] != client.get(f"/stempel/v/{claim.code}/stempel.svg")["ETag"]
    assert conditional.status_code == 304


def test_the_png_badge_of_a_revoked_claim_is_grey(
    client: Client, charter: Charter, editor: User
) -> None:
    active = ClaimFactory()
    revoked = ClaimFactory()
    stamp_revoke(claim=revoked, by=editor, reason="Misbruik.")

    def colours(code: str) -> set[tuple[int, int, int]]:
        picture = Image.open(io.BytesIO(client.get(f"/stempel/v/{code}/stempel.png").content))
        image = picture.convert("RGBA")  # a palette PNG, as a viewer shows it
        return {pixel[:3] for count, pixel in image.getcolors(480 * 480) if pixel[3] >= 240}

    def shows(colour: tuple[int, int, int], code: str) -> bool:
        # The PNG has a palette of 256 colours: the stamp's colour within a few steps.
        return any(
            all(abs(a - b) <= 6 for a, b in zip(colour, pixel, strict=True))
            for pixel in colours(code)
        )

    assert shows((0xA8, 0x43, 0x2A), active.code)
    assert not shows((0xA8, 0x43, 0x2A), revoked.code)
    assert shows((0x5C, 0x63, 0x70), revoked.code)


def test_the_badge_is_not_framed_but_images_are_not_blocked(
    client: Client, charter: Charter
) -> None:
    claim = ClaimFactory()

    response = client.get(f"/stempel/v/{claim.code}/stempel.svg")

    # An <img> ignores X-Frame-Options and the image's own CSP; what matters is CORP.
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Set-Cookie" not in response


def test_the_plain_stamp_image_of_the_site(client: Client, db: None) -> None:
    response = client.get("/stempel/stempel.svg")

    root = ET.fromstring(response.content)
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "Breinaald" in root.find(f"{SVG}title").text


# ---------------------------------------------------------------------------
# The PNG is drawn once per picture and served from the cache
# ---------------------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[badge.BadgeDrawing]:
    """Every drawing the PNG renderer is asked to draw."""
    drawn: list[badge.BadgeDrawing] = []
    real = badge.render_png

    def spy(drawing: badge.BadgeDrawing) -> bytes:
        drawn.append(drawing)
        return real(drawing)

    monkeypatch.setattr(badge, "render_png", spy)
    return drawn


def test_a_change_of_state_draws_the_new_state_at_once(
    client: Client, charter: Charter, editor: User, renders: list
) -> None:
    claim = ClaimFactory()
    url = f"/stempel/v/{claim.code}/stempel.png"

    active = client.get(url)
    stamp_revoke(claim=claim, by=editor, reason="Misbruik.")
    revoked = client.get(url)
    again = client.get(url)

    assert [drawing.status_text for drawing in renders] == ["ACTIEF", "INGETROKKEN"]
    assert revoked.content != active.content
    assert again.content == revoked.content
    assert revoked["ETag"] != active["ETag"]


def test_each_language_has_its_own_picture(client: Client, charter: Charter, renders: list) -> None:
    claim = ClaimFactory()

    dutch = client.get(f"/stempel/v/{claim.code}/stempel.png")
    english = client.get(f"/en/stempel/v/{claim.code}/stempel.png")

    assert [drawing.status_text for drawing in renders] == ["ACTIEF", "ACTIVE"]
    assert dutch["ETag"] != english["ETag"]


def test_a_cached_png_still_answers_304_to_a_known_etag(
    client: Client, charter: Charter, renders: list
) -> None:
    claim = ClaimFactory()
    url = f"/stempel/v/{claim.code}/stempel.png"

    first = client.get(url)
    cached = client.get(url)
    conditional = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert len(renders) == 1
    assert cached["ETag"] == first["ETag"]
    assert "max-age=300" in cached["Cache-Control"]
    assert conditional.status_code == 304


def test_a_broken_cache_is_a_miss_and_a_log_line_not_an_error(
    client: Client, charter: Charter, renders: list, monkeypatch, caplog
) -> None:
    claim = ClaimFactory()

    def broken(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(caches["default"], "get", broken)
    monkeypatch.setattr(caches["default"], "set", broken)
    with caplog.at_level(logging.WARNING, logger="stamp.badge"):
        first = client.get(f"/stempel/v/{claim.code}/stempel.png")
        second = client.get(f"/stempel/v/{claim.code}/stempel.png")

    assert first.status_code == second.status_code == 200
    assert Image.open(io.BytesIO(second.content)).format == "PNG"
    assert len(renders) == 2  # drawn each time, as before the cache
    assert any("badge cache" in record.getMessage() for record in caplog.records)
