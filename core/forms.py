"""Form pieces shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from core.images import RENDITIONS, prepare_image
from core.models import Theme


class SiteFormMixin:
    """The site's one label convention: no colon after a label.

    Django adds ``label_suffix`` (":") by default; allauth's forms, restyled in
    ``templates/allauth/``, show bare labels. Every form of the site derives from
    ``Form`` or ``ModelForm`` below, so all pages agree (``tests/core/test_forms.py``
    checks that none is left out). The admin keeps Django's own convention.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class Form(SiteFormMixin, forms.Form):
    pass


class ModelForm(SiteFormMixin, forms.ModelForm):
    pass


class CheckboxList(forms.CheckboxSelectMultiple):
    """Choices as a list of checkboxes, styled by ``.checkbox-list`` in site.css."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(attrs={"class": "checkbox-list", **(attrs or {})}, choices=choices)


class DateInput(forms.DateInput):
    """A browser date picker (``<input type="date">``), which needs ISO dates."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    """Themes to tick, by their label in the current language."""

    widget = CheckboxList

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Theme.objects.order_by("name"))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Theme) -> str:
        return obj.label


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
