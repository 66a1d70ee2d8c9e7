"""Form pieces shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from core.images import RENDITIONS, prepare_image


class ProcessedImageField(forms.ImageField):
    """An image upload that leaves ``clean()`` decoded, capped, stripped of EXIF and
    re-encoded under a random name by ``core.images.prepare_image``.

    ``kind`` names its renditions (``core.images.RENDITIONS``); whoever saves the image
    writes them (the admin through ``core.admin.ImageUploadAdminMixin``).
    """

    def __init__(self, *, kind: str, **kwargs: Any) -> None:
        if kind not in RENDITIONS:
            raise ValueError(f"No renditions for image kind {kind!r}")
        self.kind = kind
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):  # a new upload (not the stored image, not cleared)
            return prepare_image(value)
        return value
