"""allauth's pages in Chromium: the site's look on desktop and a 360 px phone, axe-clean,
and a member who turns on two-factor login and logs in with an authenticator code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from typing import Any

import pytest

from tests.browser.conftest import assert_no_axe_violations
from tests.members.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRANCE_PAGES = [
    ("login", "/accounts/login/", "Inloggen"),
    ("signup", "/accounts/signup/", "Aanmelden"),
    ("password-reset", "/accounts/password/reset/", "Nieuw wachtwoord"),
]


def totp_code(secret: str) -> str:
    """The current code per RFC 6238 (HMAC-SHA1, 30-second steps, 6 digits)."""
    # allauth accepts only the current step: do not cut it close to a step boundary.
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.5)
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret, casefold=True), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def assert_fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("name", "path", "heading"), ENTRANCE_PAGES)
def test_an_entrance_page_looks_like_the_site_on_desktop_and_phone(
    page: Any, name: str, path: str, heading: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(path)

    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.locator(".site-header").is_visible()
    # The form is a card in the site's colours, not allauth's bare markup.
    card = page.locator("form.auth-form--card")
    assert card.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 255, 255)"
    assert card.evaluate("el => getComputedStyle(el).borderTopLeftRadius") == "12px"
    button = page.locator("form.auth-form--card button[type=submit]")
    assert button.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(168, 67, 42)"
    page.screenshot(path=f"/tmp/auth-{name}-desktop.png", full_page=True)
    assert_no_axe_violations(page)

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(path)
    assert_fits(page, 360)
    page.screenshot(path=f"/tmp/auth-{name}-phone.png", full_page=True)
    assert_no_axe_violations(page)


def test_the_login_page_speaks_english_under_en(page: Any) -> None:
    page.goto("/en/accounts/login/")

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Sign In"
    assert page.get_by_label("Email").is_visible()
    assert_no_axe_violations(page)


def test_a_failed_login_shows_the_error_in_the_form(page: Any) -> None:
    user = UserFactory()
    page.goto("/accounts/login/")

    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord", exact=True).fill("niet-het-wachtwoord")
    page.locator("form.auth-form").get_by_role("button", name="Inloggen").click()

    alert = page.get_by_role("alert")
    assert "e-mailadres en/of wachtwoord is niet correct" in alert.inner_text()
    page.screenshot(path="/tmp/auth-login-error.png", full_page=True)
    assert_no_axe_violations(page)


def test_a_member_turns_on_two_factor_login_and_logs_in_with_a_code(page: Any) -> None:
    user = UserFactory()

    page.goto("/accounts/login/?next=/accounts/2fa/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    page.locator("form.auth-form").get_by_role("button", name="Inloggen").click()

    page.wait_for_url("**/accounts/2fa/")
    nav = page.get_by_role("navigation", name="Accountinstellingen")
    assert (
        nav.get_by_role("link", name="Inloggen in twee stappen").get_attribute("aria-current")
        == "page"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/auth-mfa-index-desktop.png", full_page=True)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Activeer").click()
    # Security settings ask for the password again first.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    assert_no_axe_violations(page)
    page.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Bevestigen").click()

    page.wait_for_url("**/accounts/2fa/totp/activate/")
    qr = page.locator("img.auth-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    # Rendered despite the strict CSP (img-src 'self' data:).
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path="/tmp/auth-totp-activate-desktop.png", full_page=True)
    assert_no_axe_violations(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.set_viewport_size({"width": 360, "height": 740})
    assert_fits(page, 360)
    page.screenshot(path="/tmp/auth-totp-activate-phone.png", full_page=True)
    assert_no_axe_violations(page)

    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("form.auth-form").get_by_role("button", name="Activeer").click()

    # allauth shows the fresh recovery codes next.
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert page.locator("#recovery_codes").input_value().strip()
    page.screenshot(path="/tmp/auth-recovery-codes-phone.png", full_page=True)
    assert_no_axe_violations(page)

    # At phone width the account links sit in the collapsed menu.
    page.locator("summary.site-menu__toggle").click()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/$"))
    page.locator("summary.site-menu__toggle").click()
    assert page.get_by_role("link", name="Inloggen").is_visible()

    page.goto("/accounts/login/?next=/accounts/email/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    page.locator("form.auth-form").get_by_role("button", name="Inloggen").click()

    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggen in twee stappen"
    page.screenshot(path="/tmp/auth-mfa-authenticate-phone.png", full_page=True)
    assert_no_axe_violations(page)
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("form.auth-form").get_by_role("button", name="Inloggen").click()

    page.wait_for_url("**/accounts/email/")
    page.locator("summary.site-menu__toggle").click()
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    assert_fits(page, 360)
    page.screenshot(path="/tmp/auth-email-phone.png", full_page=True)
    assert_no_axe_violations(page)
