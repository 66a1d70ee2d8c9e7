import re

import pytest

from tests.browser.conftest import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_opens_the_home_page_and_switches_to_english(page) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("link", name="Inloggen").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="English").click()

    page.wait_for_url(re.compile(r"/en/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Log in").is_visible()
    assert_no_axe_violations(page)


def test_the_home_page_fits_a_small_phone(page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
    assert_no_axe_violations(page)
