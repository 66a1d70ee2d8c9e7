"""The shared image pipeline: only real images, no metadata, fixed renditions."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from core import images
from core.images import prepare_image
from tests.images import gps_exif, image_bytes, upload

pytestmark = pytest.mark.usefixtures("english")


def test_a_jpeg_is_re_encoded_without_exif_or_gps_data() -> None:
    original = image_bytes(size=(400, 200), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # the fixture has GPS

    cleaned = prepare_image(upload(content=original))

    stored = Image.open(io.BytesIO(cleaned.read()))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert b"PhoneMaker" not in cleaned.file.getvalue()


def test_the_exif_orientation_is_applied_before_it_is_dropped() -> None:
    cleaned = prepare_image(upload(content=image_bytes(size=(400, 200), exif=gps_exif())))

    assert Image.open(io.BytesIO(cleaned.read())).size == (200, 400)


def test_the_uploaders_file_name_never_reaches_the_site() -> None:
    cleaned = prepare_image(upload("mijn paspoort.jpg"))

    assert "paspoort" not in cleaned.name
    assert cleaned.name.endswith(".jpg")


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(fmt: str) -> None:
    cleaned = prepare_image(upload(content=image_bytes(fmt=fmt)))

    assert Image.open(io.BytesIO(cleaned.read())).format == fmt


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValidationError, match="not an image"):
        prepare_image(upload("logo.jpg", content=b"%PDF-1.7 not really a picture"))


def test_an_image_of_another_format_is_refused() -> None:
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        prepare_image(upload("anim.gif", content=image_bytes(fmt="GIF"), content_type="image/gif"))


def test_a_decompression_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_PIXELS", 10_000)

    with pytest.raises(ValidationError, match="too many pixels"):
        prepare_image(upload(content=image_bytes(size=(200, 100))))


def test_an_oversized_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 100)

    with pytest.raises(ValidationError, match="too large"):
        prepare_image(upload())
