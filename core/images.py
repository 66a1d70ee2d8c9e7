"""One way to accept and serve images: avatars, logos, covers and gallery pictures.

An upload is decoded with Pillow (so a renamed file is refused), checked against a
size and pixel cap (a decompression bomb is refused), turned upright from its EXIF
orientation and re-encoded, which drops EXIF and GPS data. Renditions in fixed sizes
are written next to the original at upload time, so a page never resizes anything.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000 × 5000
MAX_STORED_SIDE = 2400
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    mode: str  # "fit" crops to fill the box, "pad" keeps the whole image inside it


RENDITIONS: dict[str, tuple[Rendition, ...]] = {
    "avatar": (Rendition("small", 64, 64, "fit"), Rendition("medium", 160, 160, "fit")),
    "logo": (Rendition("small", 96, 96, "pad"), Rendition("medium", 240, 240, "pad")),
    "cover": (Rendition("card", 640, 360, "fit"), Rendition("large", 1280, 720, "fit")),
    "gallery": (Rendition("thumb", 320, 240, "fit"), Rendition("large", 1280, 960, "pad")),
}


def prepare_image(upload: UploadedFile) -> ContentFile[bytes]:
    """Validate an uploaded image and return a clean re-encoded copy without metadata."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is too large: at most %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            image_format = probe.format
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The image has too many pixels (at most %(mp)s megapixels).")
                    % {"mp": MAX_PIXELS // 1_000_000},
                    code="too_many_pixels",
                )
            probe.verify()  # checks the file's structure without decoding every pixel
            # Typed as the base class: the transforms below return plain ``Image`` objects.
            image: Image.Image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The image has too many pixels."), code="too_many_pixels") from None
    except Exception:
        raise ValidationError(
            _("This file is not an image we can read. Use a JPEG, PNG or WebP picture."),
            code="not_an_image",
        ) from None
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("Only JPEG, PNG or WebP images are accepted."), code="unsupported_format"
        )

    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))
    out = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif image_format == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=88)
    # A fresh random name: the uploader's file name never reaches the site.
    name = f"{get_random_string(16).lower()}.{ACCEPTED_FORMATS[image_format]}"
    return ContentFile(out.getvalue(), name=name)


def rendition_name(original: str, rendition: Rendition) -> str:
    path = PurePosixPath(original)
    return str(path.with_name(f"{path.stem}.{rendition.width}x{rendition.height}.webp"))


def make_renditions(field_file: FieldFile, kind: str) -> None:
    """Write every rendition of ``kind`` for a stored image (idempotent)."""
    original = field_file.name
    if not field_file or not original:
        return
    # The image's own storage (the local disk or an object store), never a path on disk.
    storage = field_file.storage
    with field_file.open("rb") as handle:
        source: Image.Image = Image.open(handle)
        source.load()
    source = source.convert("RGBA" if source.mode in ("RGBA", "LA", "P") else "RGB")
    for rendition in RENDITIONS[kind]:
        size = (rendition.width, rendition.height)
        if rendition.mode == "fit":
            resized = ImageOps.fit(source, size, Image.Resampling.LANCZOS)
        else:
            resized = ImageOps.pad(source, size, Image.Resampling.LANCZOS, color=(255, 255, 255, 0))
        out = io.BytesIO()
        resized.save(out, "WEBP", quality=82)
        name = rendition_name(original, rendition)
        # Delete first: a storage never overwrites (it would pick another name instead).
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(out.getvalue()))


def delete_image(field_file: FieldFile, kind: str) -> None:
    """Remove a stored image and its renditions."""
    original = field_file.name
    if not field_file or not original:
        return
    for rendition in RENDITIONS[kind]:
        field_file.storage.delete(rendition_name(original, rendition))
    field_file.storage.delete(original)


def rendition_for(field_file: FieldFile, kind: str, size: str) -> tuple[str, Rendition] | None:
    """URL and dimensions of one rendition, or None when there is no image."""
    original = field_file.name
    if not field_file or not original:
        return None
    for rendition in RENDITIONS[kind]:
        if rendition.name == size:
            return field_file.storage.url(rendition_name(original, rendition)), rendition
    raise ValueError(f"No rendition {size!r} for {kind!r}")
