"""Images uploaded through the admin take the site's own road: decoded, capped, stripped of
EXIF, re-encoded under a random name, with renditions (core.images)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.core.files.storage import default_storage
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from PIL import Image

from core.forms import ProcessedImageField
from core.images import RENDITIONS, rendition_name
from members.models import Organisation, User
from tests.images import gps_exif, image_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _change_form_data(client: Client, url: str) -> dict[str, Any]:
    """The admin change form's current values as POST data, inlines included, so a test
    changes only the field it means to (whatever fields other apps add to the form)."""
    response = client.get(url)
    assert response.status_code == 200
    data: dict[str, Any] = {}

    def add(form: forms.BaseForm) -> None:
        for name, field in form.fields.items():
            if isinstance(field, forms.FileField):
                continue
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[form.add_prefix(name)] = list(value) if isinstance(value, list | tuple) else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def _files_under_media(settings: Any) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_a_renamed_non_image_uploaded_as_a_logo_in_the_admin_is_refused(
    client: Client, superuser: User, organisation: Organisation, settings: Any
) -> None:
    client.force_login(superuser)
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = _change_form_data(client, url)
    data["name"] = "Gemeente Tilburg (nieuw)"

    response = client.post(
        url,
        {**data, "logo": upload("logo.png", content=b"<?php system($_GET['c']); ?>")},
    )

    assert response.status_code == 200  # the form again, with the error on the field
    assert response.context["adminform"].form.errors["logo"]
    organisation.refresh_from_db()
    assert not organisation.logo
    assert organisation.name == "Gemeente Tilburg"
    assert _files_under_media(settings) == []


def test_a_logo_with_gps_data_uploaded_in_the_admin_is_stored_re_encoded_without_it(
    client: Client, superuser: User, organisation: Organisation
) -> None:
    client.force_login(superuser)
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    original = image_bytes(size=(600, 300), exif=gps_exif())

    response = client.post(
        url, {**_change_form_data(client, url), "logo": upload("thuis-adres.jpg", content=original)}
    )

    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    organisation.refresh_from_db()
    name = organisation.logo.name
    assert re.fullmatch(r"logos/\d{4}/[a-z0-9]{16}\.jpg", name), name  # a fresh random name
    with organisation.logo.open("rb") as handle:
        stored_bytes = handle.read()
    stored = Image.open(io.BytesIO(stored_bytes))
    assert not stored.getexif()  # no GPS, no camera
    assert b"PhoneMaker" not in stored_bytes
    assert stored.size == (300, 600)  # turned upright before the EXIF was dropped
    for rendition in RENDITIONS["logo"]:
        assert default_storage.exists(rendition_name(name, rendition))


def test_replacing_a_logo_in_the_admin_removes_the_old_file_and_its_renditions(
    client: Client,
    superuser: User,
    organisation: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(superuser)
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**_change_form_data(client, url), "logo": upload("een.jpg")})
    organisation.refresh_from_db()
    first = organisation.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                **_change_form_data(client, url),
                "logo": upload("twee.png", content=image_bytes(fmt="PNG")),
            },
        )

    organisation.refresh_from_db()
    assert organisation.logo.name != first
    assert not default_storage.exists(first)
    for rendition in RENDITIONS["logo"]:
        assert not default_storage.exists(rendition_name(first, rendition))
        assert default_storage.exists(rendition_name(organisation.logo.name, rendition))


def test_every_image_field_in_the_admin_goes_through_the_image_pipeline(superuser: User) -> None:
    """No admin form (nor inline) offers a raw ImageField upload: each one is the shared
    ProcessedImageField, whatever model an app registers later."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    checked = []
    for model, model_admin in admin.site._registry.items():
        image_fields = [
            f.name for f in model._meta.get_fields() if isinstance(f, models.ImageField)
        ]
        admins: list[Any] = [model_admin]
        admins += [inline(model, admin.site) for inline in model_admin.inlines]
        for each in admins:
            form_class = (
                each.get_form(request) if each is model_admin else each.get_formset(request).form
            )
            names = (
                image_fields
                if each is model_admin
                else [
                    f.name
                    for f in each.model._meta.get_fields()
                    if isinstance(f, models.ImageField)
                ]
            )
            for name in names:
                if name in form_class.base_fields:
                    field = form_class.base_fields[name]
                    assert isinstance(field, ProcessedImageField), (type(each).__name__, name)
                    checked.append((type(each).__name__, name))
    # The admin does offer uploads (logo, avatar, covers): the check above is not vacuous.
    assert {("CuratedOrganisationAdmin", "logo"), ("ProfileAdmin", "avatar")} <= set(checked)
