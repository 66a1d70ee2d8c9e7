"""Uploads on an S3-compatible object store: a real SeaweedFS (tests/storage.py), no mock.

Public images are fetched over plain HTTP from the store, as a browser would, so these
tests check what a visitor gets: the bytes, the year-long cache header, and a refusal for
anything private without a valid, unexpired signature.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from core.emails import absolute_url
from core.images import RENDITIONS, make_renditions, prepare_image, rendition_for, rendition_name
from core.storage import _signature
from initiatives.models import Initiative
from initiatives.services import initiative_image_add, initiative_image_remove, item_update
from members.models import Organisation, User
from members.services import organisation_update
from platform_site.storage import (
    PUBLIC_CACHE_CONTROL,
    S3Media,
    s3_media_from_environment,
    s3_media_from_url,
)
from stamp import badge
from tests.core.test_settings import PRODUCTION_ENV
from tests.images import image_bytes, upload
from tests.initiatives.factories import InitiativeFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def fetch(url: str) -> tuple[int, bytes, dict[str, str]]:
    """GET a URL as an anonymous browser would: status, body, headers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, b"", dict(error.headers)


def assert_served_publicly(url: str, expected: bytes | None = None) -> bytes:
    status, body, headers = fetch(url)
    assert status == 200, url
    assert headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert "?" not in url  # a plain, stable address: no signature that expires
    if expected is not None:
        assert body == expected
    return body


def object_keys(media: S3Media, seaweedfs: Any) -> set[str]:
    listing = seaweedfs.client().list_objects_v2(Bucket=media.bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def assert_renditions_served(field_file: Any, kind: str) -> None:
    for rendition in RENDITIONS[kind]:
        found = rendition_for(field_file, kind, rendition.name)
        assert found is not None
        body = assert_served_publicly(found[0])
        assert Image.open(io.BytesIO(body)).size == (rendition.width, rendition.height)


# --- the image pipeline ----------------------------------------------------------------


def test_an_image_and_its_renditions_are_stored_on_the_object_store_and_served_from_it(
    s3_media: S3Media, seaweedfs: Any
) -> None:
    prepared = prepare_image(upload())
    name = default_storage.save(f"covers/{prepared.name}", prepared)
    field_file = Initiative().cover
    field_file.name = name

    make_renditions(field_file, "cover")

    assert object_keys(s3_media, seaweedfs) == {
        f"public/{name}",
        *(f"public/{rendition_name(name, r)}" for r in RENDITIONS["cover"]),
    }
    assert field_file.url == f"{s3_media.media_url()}{name}"
    assert_served_publicly(field_file.url, prepared.file.getvalue())
    assert_renditions_served(field_file, "cover")
    head = seaweedfs.client().head_object(
        Bucket=s3_media.bucket, Key=f"public/{rendition_name(name, RENDITIONS['cover'][0])}"
    )
    assert head["ContentType"] == "image/webp"


def test_media_url_follows_the_store_and_django_does_not_serve_media(
    s3_media: S3Media, client: Client
) -> None:
    name = default_storage.save("logos/2026/a.webp", ContentFile(b"x"))

    assert default_storage.url(name).startswith(s3_media.endpoint_url)
    # No /media/ route in the site when the store serves the uploads.
    assert client.get(f"/media/{name}").status_code == 404


def test_anonymous_visitors_cannot_list_the_bucket_or_read_outside_public(
    s3_media: S3Media,
) -> None:
    storages["private"].save("notes/secret.txt", ContentFile(b"secret"))

    assert fetch(f"{s3_media.endpoint_url}/{s3_media.bucket}")[0] == 403
    assert fetch(f"{s3_media.endpoint_url}/{s3_media.bucket}/private/notes/secret.txt")[0] == 403


def test_a_private_file_is_served_only_through_a_signed_url_that_expires(
    s3_media: S3Media, settings: Any
) -> None:
    media = S3Media(**{**s3_media.__dict__, "signed_url_seconds": 2})
    settings.STORAGES = {**settings.STORAGES, "private": media.private_storage()}
    private = storages["private"]
    name = private.save("notes/secret.txt", ContentFile(b"secret"))

    url = private.url(name)

    assert "X-Amz-Signature=" in url and "X-Amz-Expires=2" in url
    status, body, headers = fetch(url)
    assert (status, body) == (200, b"secret")
    assert headers["Cache-Control"].startswith("private")
    time.sleep(3)
    assert fetch(url)[0] == 403


# --- what members and organisations upload ----------------------------------------------


def replace_logo(organisation: Organisation, by: User, logo: ContentFile[bytes]) -> None:
    organisation_update(
        organisation=organisation,
        by=by,
        name=organisation.name,
        kind=organisation.kind,
        kvk_number=organisation.kvk_number,
        website=organisation.website,
        description=organisation.description,
        region=organisation.region,
        themes=list(organisation.themes.all()),
        open_to_cooperation=organisation.open_to_cooperation,
        logo=logo,
    )


def test_an_avatar_uploaded_through_the_profile_form_lands_on_the_object_store(
    s3_media: S3Media, client: Client, member: User
) -> None:
    client.force_login(member)

    response = client.post(
        reverse("members:profile_edit"),
        {
            "display_name": "Mila",
            "language": "nl",
            "is_public": "on",
            "show_avatar": "on",
            "avatar": upload(),
        },
    )

    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert_renditions_served(member.profile.avatar, "avatar")
    page = client.get(member.profile.get_absolute_url()).content.decode()
    assert rendition_for(member.profile.avatar, "avatar", "medium")[0] in page


def test_replacing_an_organisation_logo_deletes_the_old_one_and_its_renditions_from_the_store(
    s3_media: S3Media,
    seaweedfs: Any,
    organisation: Organisation,
    org_owner: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        replace_logo(organisation, org_owner, prepare_image(upload()))
    first = organisation.logo.name
    assert_renditions_served(organisation.logo, "logo")

    with django_capture_on_commit_callbacks(execute=True):
        replace_logo(
            organisation,
            org_owner,
            prepare_image(upload(content=image_bytes(fmt="PNG"), content_type="image/png")),
        )

    second = organisation.logo.name
    assert object_keys(s3_media, seaweedfs) == {
        f"public/{second}",
        *(f"public/{rendition_name(second, r)}" for r in RENDITIONS["logo"]),
    }
    assert first != second
    assert_renditions_served(organisation.logo, "logo")


def test_an_initiative_cover_and_gallery_picture_live_on_the_store_until_removed(
    s3_media: S3Media,
    seaweedfs: Any,
    organisation: Organisation,
    org_owner: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory(lead=organisation)

    item_update(item=initiative, by=org_owner, values={"cover": prepare_image(upload())})
    picture = initiative_image_add(
        initiative=initiative, by=org_owner, image=prepare_image(upload()), caption="Buurt"
    )

    initiative.refresh_from_db()
    assert_renditions_served(initiative.cover, "cover")
    assert_renditions_served(picture.image, "gallery")
    with django_capture_on_commit_callbacks(execute=True):
        initiative_image_remove(picture=picture, by=org_owner)
        item_update(item=initiative, by=org_owner, values={"cover": False})
    assert object_keys(s3_media, seaweedfs) == set()


def test_the_stamp_badge_png_is_still_cached_with_media_on_the_store(
    s3_media: S3Media, seaweedfs: Any, client: Client
) -> None:
    CharterFactory(version=1)
    claim = ClaimFactory()
    url = f"/stempel/v/{claim.code}/stempel.png"

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert Image.open(io.BytesIO(first.content)).format == "PNG"
    # The PNG lives in the Django cache (whichever backend: local memory or Redis), never in
    # the media bucket.
    drawing = badge.layout(claim, verify_url=absolute_url(claim.get_absolute_url()))
    assert caches["default"].get(badge._png_cache_key(drawing)) == first.content
    assert object_keys(s3_media, seaweedfs) == set()


def test_the_demo_seeder_runs_with_media_on_the_store(s3_media: S3Media, seaweedfs: Any) -> None:
    call_command("seed_demo", allow_without_debug=True, verbosity=0)

    keys = object_keys(s3_media, seaweedfs)
    assert keys and all(key.startswith("public/covers/") for key in keys)
    initiative = Initiative.objects.exclude(cover="").first()
    assert_renditions_served(initiative.cover, "cover")


# --- private uploads on the local disk (the default) ------------------------------------


@pytest.fixture
def private_root(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def test_a_private_file_on_the_local_disk_is_served_only_through_a_signed_url_that_expires(
    private_root: Path, client: Client
) -> None:
    private = storages["private"]
    name = private.save("notes/secret.txt", ContentFile(b"secret"))
    url = private.url(name)

    response = client.get(url)

    assert (private_root / name).read_bytes() == b"secret"
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"secret"
    assert response["Cache-Control"].startswith("private")
    assert client.get(url.split("?")[0]).status_code == 403
    assert client.get(url.replace("signature=", "signature=x")).status_code == 403
    assert client.get(url.replace(name, "notes/other.txt")).status_code == 403
    assert client.get(f"/media/{name}").status_code == 404  # never under MEDIA_ROOT
    with time_machine.travel(time.time() + 301):
        assert client.get(url).status_code == 403


def test_a_signed_url_for_a_missing_or_escaping_private_name_is_a_404(
    private_root: Path, client: Client
) -> None:
    for name in ("notes/missing.txt", "../media/x.txt", "notes"):
        private_root.joinpath("notes").mkdir(parents=True, exist_ok=True)
        expires = int(time.time()) + 60
        url = reverse("private_media", kwargs={"path": name})
        signature = _signature(name, expires)

        response = client.get(url, {"expires": expires, "signature": signature})

        assert response.status_code == 404, name


# --- configuration ----------------------------------------------------------------------


def test_media_storage_url_names_the_bucket_and_its_options() -> None:
    media = s3_media_from_url(
        "s3://KEY%2F1:se%40cret@s3.example.nl:9000/breinaald-media"
        "?region=nl-ams&secure=false&public_url=https://media.example.nl/&signed_url_seconds=60"
    )

    assert media == S3Media(
        endpoint_url="http://s3.example.nl:9000",
        bucket="breinaald-media",
        region="nl-ams",
        access_key="KEY/1",
        secret_key="se@cret",
        public_url="https://media.example.nl",
        signed_url_seconds=60,
    )
    assert media.media_url() == "https://media.example.nl/public/"
    assert media.origins() == ["https://media.example.nl", "http://s3.example.nl:9000"]
    public = media.public_storage()["OPTIONS"]
    assert public["custom_domain"] == "media.example.nl"
    assert public["object_parameters"] == {"CacheControl": PUBLIC_CACHE_CONTROL}
    assert public["querystring_auth"] is False
    private = media.private_storage()["OPTIONS"]
    assert "custom_domain" not in private  # a CDN would not check the signature
    assert (private["querystring_auth"], private["querystring_expire"]) == (True, 60)


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.example.nl/bucket",
        "s3:///bucket",
        "s3://s3.example.nl",
        "s3://s3.example.nl/bucket/folder",
        "s3://s3.example.nl:port/bucket",
        "s3://s3.example.nl/bucket?regio=nl",
        "s3://s3.example.nl/bucket?secure=maybe",
        "s3://s3.example.nl/bucket?addressing=sideways",
        "s3://s3.example.nl/bucket?signed_url_seconds=0",
        "s3://s3.example.nl/bucket?signed_url_seconds=soon",
        "s3://s3.example.nl/bucket?public_url=media.example.nl",
        "s3://KEY@s3.example.nl/bucket",
    ],
)
def test_a_bad_media_storage_url_stops_start_up(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE_URL"):
        s3_media_from_url(url)


def test_the_usual_aws_variables_name_the_bucket_too() -> None:
    media = s3_media_from_environment(
        {
            "AWS_STORAGE_BUCKET_NAME": "breinaald-media",
            "AWS_S3_REGION_NAME": "eu-central-1",
            "AWS_ACCESS_KEY_ID": "KEY",
            "AWS_SECRET_ACCESS_KEY": "SECRET",
            "AWS_S3_CUSTOM_DOMAIN": "cdn.example.nl",
            "AWS_QUERYSTRING_EXPIRE": "120",
        }
    )

    assert media == S3Media(
        endpoint_url="https://s3.eu-central-1.amazonaws.com",
        bucket="breinaald-media",
        region="eu-central-1",
        access_key="KEY",
        secret_key="SECRET",
        public_url="https://cdn.example.nl",
        signed_url_seconds=120,
    )
    assert s3_media_from_environment({}) is None


@pytest.mark.parametrize(
    "environ",
    [
        {"MEDIA_STORAGE_URL": "s3://s3.example.nl/a", "AWS_STORAGE_BUCKET_NAME": "b"},
        {"AWS_STORAGE_BUCKET_NAME": "b"},
        {"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ENDPOINT_URL": "s3.example.nl"},
        {"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_REGION_NAME": "x", "AWS_ACCESS_KEY_ID": "K"},
        {"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_REGION_NAME": "x", "AWS_QUERYSTRING_EXPIRE": "-1"},
    ],
)
def test_a_bad_or_ambiguous_set_of_aws_variables_stops_start_up(environ: dict[str, str]) -> None:
    with pytest.raises(ImproperlyConfigured):
        s3_media_from_environment(environ)


def _settings_in_a_child(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'media_url': s.MEDIA_URL, 'serve_media': s.SERVE_MEDIA, "
        "'img_src': s.SECURE_CSP['img-src'], 'default': s.STORAGES['default']['BACKEND'], "
        "'private': s.STORAGES['private']['BACKEND']}))"
    )
    child_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SMTP_", "MAIL_", "ADMIN_", "MEDIA_", "AWS_"))
    }
    child_env |= PRODUCTION_ENV | env | {"DJANGO_SETTINGS_MODULE": "platform_site.settings"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_object_storage_media_url_follows_the_store_and_django_serves_no_media() -> None:
    result = _settings_in_a_child(
        {"MEDIA_STORAGE_URL": "s3://K:S@s3.example.nl/breinaald?public_url=https://cdn.example.nl"}
    )

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["media_url"] == "https://cdn.example.nl/public/"
    assert found["serve_media"] is False
    assert found["img_src"][-2:] == ["https://cdn.example.nl", "https://s3.example.nl"]
    assert found["default"] == found["private"] == "storages.backends.s3.S3Storage"


def test_serving_media_through_django_while_it_lives_on_object_storage_stops_start_up() -> None:
    result = _settings_in_a_child(
        {"MEDIA_STORAGE_URL": "s3://K:S@s3.example.nl/breinaald", "DJANGO_SERVE_MEDIA": "true"}
    )

    assert result.returncode != 0
    assert "DJANGO_SERVE_MEDIA" in result.stderr


def test_without_object_storage_uploads_stay_on_the_local_disk() -> None:
    result = _settings_in_a_child({})

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert (found["media_url"], found["serve_media"]) == ("/media/", True)
    assert found["default"] == "django.core.files.storage.FileSystemStorage"
    assert found["private"] == "core.storage.PrivateFileSystemStorage"
