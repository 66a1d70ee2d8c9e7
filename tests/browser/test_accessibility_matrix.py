"""axe-core finds no violations on any page the journeys visit: public pages, a member's pages,
a facilitator's, a few admin pages (tests/curation covers the admin in depth) and forms sent
with errors; in Dutch and English, on a desktop (1280×800) and a small phone (360×740).

One browser; one logged-in context per persona, kept for all its pages. Each page is loaded
once and checked at both sizes. All violations are gathered and reported together, each with
the page's name, persona, size and address.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import axe_violations
from tests.journey_pages import FORMS_WITH_ERRORS, PAGES, PERSONAS, Page, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}

SEND_WITHOUT_CHECKS = """() => {
    const form = [...document.querySelectorAll('main form[method="post"]')]
        .find((found) => found.querySelector('[type="submit"]') && found.elements.length > 2);
    form.noValidate = true;
    form.requestSubmit(form.querySelector('[type="submit"]'));
}"""


def _tabs(
    browser: Any, live_server: Any, log_in: Any, world: dict[str, Any], language: str
) -> dict[str, Any]:
    """A tab per persona, logged in through a session cookie (no log-in form per persona)."""
    tabs = {}
    for persona in PERSONAS:
        context = browser.new_context(
            base_url=live_server.url,
            bypass_csp=True,
            locale="nl-NL" if language == "nl" else "en-GB",
            viewport=VIEWPORTS["desktop"],
        )
        context.set_default_timeout(15_000)
        tabs[persona] = context.new_page()
        log_in(tabs[persona], None if persona == "anonymous" else world[persona])
    return tabs


def _check(tab: Any, label: str, failures: list[str]) -> None:
    """axe-core at both sizes; the page stays loaded, only the viewport changes."""
    for size, viewport in VIEWPORTS.items():
        tab.set_viewport_size(viewport)
        violations = axe_violations(tab)
        if violations:
            failures.append(f"{label} at {size} ({tab.url}):\n{json.dumps(violations, indent=2)}")
    tab.set_viewport_size(VIEWPORTS["desktop"])


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_page_of_the_journeys_has_axe_violations(
    browser: Any, live_server: Any, log_in: Any, _plain_static_names: None, language: str
) -> None:
    world = build_world()
    tabs = _tabs(browser, live_server, log_in, world, language)
    failures: list[str] = []
    not_shown: list[str] = []

    def visit(page: Page) -> Any:
        tab = tabs[page.persona]
        response = tab.goto(page.path(world, language))
        if response is None or response.status != 200:
            not_shown.append(f"{page.name}: {response.status if response else 'no response'}")
            return None
        return tab

    try:
        for page in PAGES:
            tab = visit(page)
            if tab is not None:
                _check(tab, f"{page.name} [{page.persona}, {language}]", failures)
        for page, _data in FORMS_WITH_ERRORS:
            tab = visit(page)
            if tab is None:
                continue
            with tab.expect_navigation():
                tab.evaluate(SEND_WITHOUT_CHECKS)
            _check(tab, f"{page.name} [{page.persona}, {language}]", failures)
    finally:
        for tab in tabs.values():
            tab.context.close()

    assert not not_shown, "Pages that did not open:\n" + "\n".join(not_shown)
    assert not failures, f"axe-core found violations on {len(failures)} pages:\n" + "\n".join(
        failures
    )
