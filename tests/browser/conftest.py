"""Browser tests: Playwright driving the system Chromium against Django's live server.

Without a Chromium these tests are skipped with a plain message; under CI (CI=true)
a missing browser is an error instead, so a green CI always ran them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from members.models import User

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test itself (factories, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items or find_chromium():
        return
    message = (
        "No Chromium found: browser tests cannot run. "
        "Install it with `apt-get install chromium` or set CHROMIUM_PATH."
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise pytest.UsageError(message)
    skip = pytest.mark.skip(reason=message)
    for item in browser_items:
        item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not find_chromium():
        terminalreporter.write_line(
            "Browser tests were SKIPPED: no Chromium on this machine.", yellow=True, bold=True
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def _plain_static_names(settings: Any) -> None:
    """The live server serves static files through the finders, which know no hashed names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def page(browser: Any, live_server: Any, _plain_static_names: None) -> Iterator[Any]:
    # bypass_csp lets the test inject axe-core; the site's own pages still send their policy.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(live_server: Any) -> Callable[[Any, User | str | None], None]:
    """``log_in(page, user)``: the page's browser signs in as ``user`` (a ``User`` or an email
    address), after signing out whoever was signed in; ``None`` leaves it signed out.

    The session is made on the server side: faster than the log-in form, which
    ``test_auth_pages.py`` tests, and independent of a password.
    """

    def log_in(page: Any, user: User | str | None) -> None:
        page.context.clear_cookies()
        if user is None:
            return
        if isinstance(user, str):
            user = User.objects.get(email=user)
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )

    return log_in


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (vendored from npm, never fetched) on the current page; its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]


def assert_no_axe_violations(page: Any) -> None:
    """Run axe-core on the current page and fail on any violation."""
    violations = axe_violations(page)
    assert not violations, f"axe-core found violations on {page.url}:\n" + json.dumps(
        violations, indent=2
    )
