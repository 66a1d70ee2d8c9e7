"""Attacks on the platform itself: the admin without a second factor, oversized bodies,
forged client addresses, demo accounts on a production database."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from core.http import client_ip
from core.middleware import ASGIRequestSizeLimit
from core.ratelimit import request_key
from initiatives.models import PublicationStatus
from initiatives.services import item_publish
from members import roles
from members.models import Organisation, OrganisationStatus, User
from tests.images import image_bytes, upload
from tests.initiatives.factories import InitiativeFactory
from tests.members.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------
# The admin needs a second factor
# ---------------------------------------------------------------------------


@pytest.fixture
def mfa_required(settings: Any) -> None:
    settings.ADMIN_REQUIRE_MFA = True  # the default without debug; the test suite turns it off


def _with_totp(user: User) -> User:
    """An authenticator app, activated the way allauth's set-up page does it."""
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.mark.usefixtures("mfa_required")
@pytest.mark.parametrize("persona", ["editor", "superuser"])
def test_staff_without_a_second_factor_cannot_open_or_act_in_the_admin(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    pending = OrganisationFactory(status=OrganisationStatus.PENDING, verified_at=None)
    changelist = reverse("admin:members_organisation_changelist")
    pages = [
        reverse("admin:index"),
        changelist,
        reverse("admin:members_organisation_change", args=[pending.pk]),
        reverse("admin:curation_moderation_changelist"),
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.templates[0].name == "admin/second_factor_required.html"
        assert reverse("mfa_activate_totp") in response.text
    action = client.post(
        changelist, {"action": "verify_organisations", "_selected_action": [pending.pk]}
    )
    change = client.post(
        reverse("admin:members_organisation_change", args=[pending.pk]),
        {"name": "Overgenomen", "slug": pending.slug, "kind": pending.kind},
    )

    assert action.status_code == change.status_code == 403
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.PENDING
    assert pending.name != "Overgenomen"


@pytest.mark.usefixtures("mfa_required")
def test_the_second_factor_page_explains_why_in_the_sites_layout(
    client: Client, editor: User
) -> None:
    client.force_login(editor)

    response = client.get("/en/admin/")

    assert response.status_code == 403
    assert '<html lang="en">' in response.text
    assert "<h1>Set up a second step for logging in</h1>" in response.text
    assert 'class="site-header"' in response.text  # the site's layout, not the admin's
    assert "authenticator app" in response.text


@pytest.mark.usefixtures("mfa_required")
@pytest.mark.parametrize("persona", ["editor", "superuser"])
def test_staff_with_an_authenticator_app_enter_the_admin(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(_with_totp(request.getfixturevalue(persona)))

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:members_organisation_changelist")).status_code == 200


@pytest.mark.usefixtures("mfa_required")
def test_recovery_codes_alone_are_no_second_factor(client: Client, editor: User) -> None:
    Authenticator.objects.create(
        user=editor, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x", "used_mask": 0}
    )
    client.force_login(editor)

    assert client.get(reverse("admin:index")).status_code == 403


@pytest.mark.usefixtures("mfa_required")
def test_a_stolen_editor_password_alone_cannot_publish_on_the_site(
    client: Client, editor: User
) -> None:
    """The second factor guards the editor's powers, not only the admin's pages: the site's
    own publish button and the services refuse an editor without one."""
    submitted = InitiativeFactory(publication_status=PublicationStatus.SUBMITTED)
    client.force_login(editor)

    client.post(reverse("initiatives:initiative_transition", args=[submitted.slug, "publish"]))

    submitted.refresh_from_db()
    assert submitted.publication_status == PublicationStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        item_publish(item=submitted, by=User.objects.get(pk=editor.pk))


@pytest.mark.usefixtures("mfa_required")
def test_a_stolen_facilitator_password_alone_cannot_broker_introductions(
    client: Client, facilitator: User
) -> None:
    client.force_login(facilitator)

    assert client.get(reverse("matchmaking:dashboard")).status_code == 403
    assert not roles.is_facilitator(User.objects.get(pk=facilitator.pk))


@pytest.mark.usefixtures("mfa_required")
def test_with_a_second_factor_the_editor_publishes_on_the_site(
    client: Client, editor: User
) -> None:
    submitted = InitiativeFactory(publication_status=PublicationStatus.SUBMITTED)
    client.force_login(_with_totp(editor))

    client.post(reverse("initiatives:initiative_transition", args=[submitted.slug, "publish"]))

    submitted.refresh_from_db()
    assert submitted.publication_status == PublicationStatus.PUBLISHED


def test_with_the_setting_off_staff_enter_without_an_authenticator(
    client: Client, editor: User, settings: Any
) -> None:
    settings.ADMIN_REQUIRE_MFA = False
    client.force_login(editor)

    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.usefixtures("mfa_required")
def test_a_visitor_is_still_sent_to_the_login_and_staff_may_log_out(
    client: Client, editor: User
) -> None:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url or reverse("admin:login") in response.url

    client.force_login(editor)
    client.post(reverse("admin:logout"))
    assert "_auth_user_id" not in client.session


# ---------------------------------------------------------------------------
# Request bodies over MAX_REQUEST_BYTES
# ---------------------------------------------------------------------------


@pytest.fixture
def small_limit(settings: Any, tmp_path: Path) -> Path:
    settings.MAX_REQUEST_BYTES = 100_000
    # Without the early refusal, Django would spool any file above 1 KB to this folder.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(
    client: Client,
    org_owner: User,
    organisation: Organisation,
    small_limit: Path,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[bool] = []
    original = HttpRequest._load_post_and_files

    def spy(self: HttpRequest) -> None:
        read.append(True)
        original(self)

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", spy)
    client.force_login(org_owner)
    big = upload("logo.png", content=image_bytes(size=(40, 40), fmt="PNG") + b"\0" * 300_000)

    response = client.post(
        reverse("members:organisation_edit", args=[organisation.slug]),
        {"name": "Overgenomen", "description": "weg", "logo": big},
    )

    assert response.status_code == 413
    assert "Too large to send" in response.text
    assert read == []  # nothing parsed the body
    assert list(small_limit.iterdir()) == []  # nothing spooled to disk
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
    organisation.refresh_from_db()
    assert organisation.name == "Gemeente Tilburg"
    assert not organisation.logo


def _chunked_post(client: Client, url: str, body: bytes) -> Any:
    """A POST without Content-Length (Transfer-Encoding: chunked, as a server passes it on)."""
    return client.generic(
        "POST",
        url,
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )


def test_a_body_without_a_length_is_read_only_up_to_the_limit(
    client: Client, small_limit: Path
) -> None:
    url = reverse("set_language")

    refused = _chunked_post(client, url, b"language=en&next=/&padding=" + b"x" * 200_000)

    assert refused.status_code == 413
    assert "django_language" not in refused.cookies  # the view's work was not kept
    accepted = _chunked_post(client, url, b"language=en&next=/")
    assert accepted.status_code == 302
    assert accepted.cookies["django_language"].value == "en"


def test_a_negative_or_garbled_content_length_is_refused(client: Client) -> None:
    for value in ("-1", "12abc"):
        response = client.generic(
            "POST",
            reverse("set_language"),
            b"language=en",
            content_type="application/x-www-form-urlencoded",
            CONTENT_LENGTH=value,
        )
        assert response.status_code == 400


def test_under_asgi_an_oversized_body_is_refused_before_django_spools_it(
    settings: Any,
) -> None:
    from platform_site.asgi import application

    settings.MAX_REQUEST_BYTES = 100_000
    chunks = [b"x" * 40_000] * 10  # 400 KB in chunks, no Content-Length
    delivered: list[int] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if chunks:
            delivered.append(len(chunks[0]))
            return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(chunks)}
        await asyncio.sleep(3600)  # the client waits for the answer
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/i18n/setlang/",
        "raw_path": b"/i18n/setlang/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"transfer-encoding", b"chunked")],
        "client": ("203.0.113.7", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(asyncio.wait_for(application(scope, receive, send), timeout=30))

    assert sent[0]["status"] == 413
    assert sum(delivered) <= 120_000  # reading stopped at the first chunk past the limit

    declared: list[dict[str, Any]] = []

    async def must_not_run(*args: Any) -> None:
        raise AssertionError("the application ran for a body declared too large")

    async def send_declared(message: dict[str, Any]) -> None:
        declared.append(message)

    headers = [(b"host", b"testserver"), (b"content-length", b"5000000")]
    asyncio.run(
        ASGIRequestSizeLimit(must_not_run)(  # type: ignore[arg-type]
            {**scope, "headers": headers}, receive, send_declared
        )
    )
    assert declared[0]["status"] == 413


# ---------------------------------------------------------------------------
# Rate limits key on the client behind DJANGO_TRUSTED_PROXY_COUNT proxies
# ---------------------------------------------------------------------------

PROXY = "10.0.0.2"


def _reset_password(client: Client, email: str, forwarded_for: str) -> int:
    response = client.post(
        reverse("account_reset_password"),
        {"email": email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    return response.status_code


def test_a_client_behind_the_proxy_cannot_escape_its_rate_limit_by_forging_forwarded_for(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "3/m/ip"}
    for user_number in range(5):
        UserFactory(email=f"lid{user_number}@example.org")

    with django_capture_on_commit_callbacks(execute=True):  # the emails are queued on commit
        first = [_reset_password(client, f"lid{n}@example.org", "203.0.113.7") for n in range(3)]
        # The proxy appends the address it saw; whatever the client put before it is ignored.
        forged = _reset_password(client, "lid3@example.org", "198.51.100.20, 203.0.113.7")
        other_client = _reset_password(client, "lid4@example.org", "198.51.100.20")

    assert first == [302, 302, 302]
    assert forged == 429
    assert other_client == 302  # a second client behind the same proxy has its own limit
    assert len(mail.outbox) == 4  # no email for the refused request


def test_our_own_rate_limit_keys_on_the_client_not_on_the_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()

    def key(forwarded_for: str) -> str:
        request = factory.post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
        request.user = AnonymousUser()
        return request_key(request, "some.action")

    assert key("203.0.113.7") == key("6.6.6.6, 203.0.113.7") == key("garbage, 203.0.113.7")
    assert key("203.0.113.7") != key("198.51.100.20")
    assert PROXY not in key("203.0.113.7")
    # One IPv6 client holds a /64: stepping through it does not give a fresh limit.
    assert key("2001:db8:1:2::1") == key("2001:db8:1:2::ffff")


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "203.0.113.7"


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (1, "198.51.100.20", "198.51.100.20"),
        (2, "6.6.6.6, 198.51.100.20, 10.0.0.9", "198.51.100.20"),
        (2, "10.0.0.9", PROXY),  # shorter than the chain: not through our proxies
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_nth_entry_from_the_right(
    settings: Any, count: int, forwarded_for: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == expected


# ---------------------------------------------------------------------------
# Demo content never lands on a production database by accident
# ---------------------------------------------------------------------------


def test_seed_demo_refuses_to_create_demo_accounts_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--allow-without-debug"):
        call_command("seed_demo", verbosity=0)

    assert not User.objects.exists()
    assert not Organisation.objects.exists()
