"""The privacy and accessibility statements, reached from the footer, pass axe-core in both
languages, on a desktop and on a 360-pixel phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("home", ["/", "/en/"])
def test_a_visitor_reads_both_statements_from_the_footer(
    page: Any, live_server: Any, home: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(home)
    language = "en" if home == "/en/" else "nl"
    footer = page.locator("footer.site-footer")
    assert footer.locator("a[href^='mailto:']").count() == 1
    assert footer.locator("a[href$='/admin/']").count() == 0

    for path in ("privacy/", "toegankelijkheid/"):
        with page.expect_navigation():
            footer.locator(f"a[href='{home}{path}']").click()
        assert page.url == live_server.url + home + path
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_no_axe_violations(page)
