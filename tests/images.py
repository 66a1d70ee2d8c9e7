"""Images made in memory for upload tests (no files shipped with the tests)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(
    *, size: tuple[int, int] = (800, 600), fmt: str = "JPEG", exif: Image.Exif | None = None
) -> bytes:
    image = Image.new("RGB", size, (168, 67, 42))
    out = io.BytesIO()
    kwargs = {"exif": exif.tobytes()} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    """EXIF with a GPS position (Tilburg) and a camera make, as phones write it."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90° clockwise
    gps = {1: "N", 2: (51.0, 33.0, 20.0), 3: "E", 4: (5.0, 5.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif


def upload(
    name: str = "foto.jpg", *, content: bytes | None = None, content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else image_bytes(), content_type)
