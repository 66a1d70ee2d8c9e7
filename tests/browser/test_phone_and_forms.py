"""On a 360-pixel phone the header is one short row and its menu opens and closes without
JavaScript; the stamp page copies its badge snippet with one button (and without
JavaScript the snippet can still be selected)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from members.models import MembershipRole
from tests.browser.conftest import assert_no_axe_violations
from tests.initiatives.factories import ChallengeFactory, InitiativeFactory, StoryFactory
from tests.members.factories import MembershipFactory
from tests.stamp.factories import CharterFactory, ClaimFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def new_page(browser: Any, live_server: Any, _plain_static_names: None) -> Iterator[Any]:
    """Pages in contexts of the test's choosing (viewport, JavaScript, clipboard, CSP)."""
    contexts = []

    def make(**options: Any) -> Any:
        options = {"base_url": live_server.url, "locale": "nl-NL", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _header_share(page: Any) -> float:
    height = page.locator("header.site-header").bounding_box()["height"]
    return height / PHONE["height"]


def _menu_works(page: Any) -> None:
    nav_link = page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Initiatieven"
    )
    toggle = page.locator("summary.site-menu__toggle")
    assert toggle.is_visible()
    assert not nav_link.is_visible()

    toggle.click()
    assert nav_link.is_visible()
    assert page.get_by_role("link", name="English").is_visible()

    toggle.click()
    assert not nav_link.is_visible()


def test_on_a_phone_the_header_is_short_and_the_menu_opens_and_closes(new_page: Any) -> None:
    InitiativeFactory(title="Nul op de meter")
    page = new_page(viewport=PHONE, bypass_csp=True)
    page.goto("/")
    assert _header_share(page) < 0.25
    _menu_works(page)
    assert_no_axe_violations(page)

    page.locator("summary.site-menu__toggle").click()
    assert_no_axe_violations(page)  # with the menu open over the page
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Initiatieven"
    ).click()
    page.wait_for_url("**/initiatieven/")
    assert page.get_by_role("link", name="Nul op de meter").is_visible()
    assert _header_share(page) < 0.25
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(page)


def test_on_a_phone_the_home_page_shows_two_cards_per_section(new_page: Any) -> None:
    for _ in range(3):
        StoryFactory(initiative=InitiativeFactory())
        ChallengeFactory()
    page = new_page(viewport=PHONE, bypass_csp=True)
    page.goto("/")
    for section in ("home-challenges", "home-stories", "home-initiatives"):
        cards = page.locator(f'section[aria-labelledby="{section}"] .cards > li')
        assert cards.count() == 3
        assert [cards.nth(i).is_visible() for i in range(3)] == [True, True, False]
    assert page.get_by_role("link", name="Alle open vraagstukken").is_visible()
    # The three ways the platform works all stay.
    assert page.locator(".home-how .card:visible").count() == 3
    assert_no_axe_violations(page)


def test_the_phone_menu_needs_no_javascript(new_page: Any) -> None:
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/initiatieven/")
    assert _header_share(page) < 0.25
    _menu_works(page)


def test_a_member_on_a_phone_also_gets_a_short_header(new_page: Any, log_in: Any) -> None:
    membership = MembershipFactory(role=MembershipRole.OWNER)
    page = new_page(viewport=PHONE, bypass_csp=True)
    log_in(page, membership.user.email)
    page.goto("/mijn/")
    assert _header_share(page) < 0.25
    page.locator("summary.site-menu__toggle").click()
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    assert_no_axe_violations(page)


def test_on_a_wide_screen_the_menu_is_always_open(new_page: Any) -> None:
    page = new_page(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    page.goto("/")
    assert not page.locator("summary.site-menu__toggle").is_visible()
    assert (
        page.get_by_role("navigation", name="Hoofdmenu")
        .get_by_role("link", name="Initiatieven")
        .is_visible()
    )
    assert page.get_by_role("link", name="Inloggen").is_visible()


def _stamp_carrier() -> tuple[Any, Any]:
    CharterFactory(title="Uitgangspunten van het stempel")
    membership = MembershipFactory(
        role=MembershipRole.ADMIN, organisation__name="Woonstichting De Breinaald"
    )
    claim = ClaimFactory(organisation=membership.organisation)
    return membership, claim


def test_the_copy_button_copies_the_badge_snippet(new_page: Any, log_in: Any) -> None:
    membership, claim = _stamp_carrier()
    # The site's own Content-Security-Policy applies: the script runs by its nonce.
    page = new_page(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    log_in(page, membership.user.email)
    # In English: the Dutch words of these new strings arrive with the catalogue.
    page.goto(f"/en/stempel/organisatie/{membership.organisation.slug}/")

    button = page.get_by_role("button", name="Copy the snippet")
    assert button.is_visible()
    button.click()
    # The script answers after the clipboard's promise: wait for it, do not sample once.
    page.get_by_role("button", name="Copied").wait_for(state="visible")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#id_snippet").input_value()
    assert claim.code in copied
    assert page.get_by_role("status").filter(has_text="Copied").count() == 1


def test_the_stamp_page_passes_axe_with_its_copy_button(new_page: Any, log_in: Any) -> None:
    membership, _ = _stamp_carrier()
    page = new_page(viewport=PHONE, bypass_csp=True)
    log_in(page, membership.user.email)
    page.goto(f"/stempel/organisatie/{membership.organisation.slug}/")
    assert page.locator("#copy-snippet").is_visible()
    assert_no_axe_violations(page)


def test_without_javascript_the_snippet_can_still_be_selected(new_page: Any, log_in: Any) -> None:
    membership, claim = _stamp_carrier()
    page = new_page(java_script_enabled=False)
    log_in(page, membership.user.email)
    page.goto(f"/stempel/organisatie/{membership.organisation.slug}/")

    # No button that would do nothing; the snippet is a read-only (not disabled) text box.
    assert not page.locator("#copy-snippet").is_visible()
    snippet = page.get_by_label("HTML-code")
    assert snippet.is_visible()
    assert snippet.is_editable() is False
    assert snippet.is_enabled()
    assert claim.code in snippet.input_value()
    snippet.select_text()  # what a person does with the mouse or Ctrl+A
