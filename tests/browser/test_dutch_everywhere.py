"""No English on a Dutch page: every page the journeys visit (`tests/journey_pages.py`), its
forms sent back with their errors, the messages after an action and the admin pages an
editor reaches from the admin's index are read in Chromium, and their visible text
(with button values, placeholders, labels for screen readers and titles) must hold none
of the tell-tale English words below.

Text that a page marks as another language (`lang="en"`, such as "English" in the
language switch) is not Dutch and is skipped; so are people's own words (none of the
test data is English).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from initiatives.models import Initiative, PublicationStatus
from tests.journey_pages import FORMS_WITH_ERRORS, PAGES, Page, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words and phrases that only English puts on a page. Whole words, any case.
TELLTALES = (
    "Select an option",
    "Submitted",
    "Search",
    "Filter by",
    "Save",
    "Delete",
    "Cancel",
    "Approve",
    "Reject",
    "editor",
    "editors",
    "domain",
    "Welcome",
    "Sign in",
    "Sign up",
    "Sign out",
    "Log out",
    "Logout",
    "Password",
    "required",
    "This field",
    "Please",
    "Forgot",
    "Remember me",
    "Email address",
    "Add another",
    "Change",
    "History",
    "View site",
    "Home",
    "Previous",
    "Next",
    "Show all",
    "Clear all",
    "selected",
    "Go",
    "Yes",
    "the",
    "your",
    "you",
    "with",
    "and",
    "this",
    "Challenge",
    "Initiative",
    "Organisation",
    "Organization",
    "Stamp",
    "Story",
    "Stories",
    "Members",
    "Edit",
    "Send",
    "Submit",
    "Confirm",
    "Continue",
    "Back",
    "Close",
    "Today",
    "Now",
    "Choose",
)
# Proper names that contain one of those words.
ALLOWED = ("Open Badges", "Social Impact Factory", "Powered by social innovation")
TELLTALE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(word) for word in TELLTALES) + r")(?![\w-])",
    re.IGNORECASE,
)

# Everything a person reads or hears on the page, minus what it marks as another language.
VISIBLE_TEXT = """() => {
  for (const element of document.querySelectorAll('[lang]:not(html)')) {
    if (!element.lang.toLowerCase().startsWith('nl')) element.remove();
  }
  const parts = [document.title, document.body.innerText];
  const attributes = ['placeholder', 'aria-label', 'title', 'alt', 'aria-description'];
  for (const element of document.body.querySelectorAll('*')) {
    for (const name of attributes) {
      if (element.hasAttribute(name)) parts.push(element.getAttribute(name));
    }
    if (element.matches('input[type=submit], input[type=button], input[type=reset]')) {
      parts.push(element.value);
    }
  }
  for (const option of document.querySelectorAll('option')) parts.push(option.textContent);
  return parts.join('\\n');
}"""


def english_on(page: Any) -> list[str]:
    """Each tell-tale English word on the current page, with the line it stands in."""
    text = page.evaluate(VISIBLE_TEXT)
    for name in ALLOWED:
        text = text.replace(name, "")
    found = []
    for line in text.splitlines():
        found += [
            f"{match.group(0)!r} in {line.strip()[:120]!r}" for match in TELLTALE.finditer(line)
        ]
    return sorted(set(found))


def _persona_user(world: dict[str, Any], persona: str) -> Any:
    return None if persona == "anonymous" else world[persona]


def _send_empty(page: Any, data: dict[str, str]) -> None:
    """Send the page's main form with only `data` filled, past the browser's own checks."""
    with page.expect_navigation():
        page.evaluate(
            """(data) => {
              const form = document.querySelector('main form[method=post], main form[method=POST]');
              for (const [name, value] of Object.entries(data)) form.elements[name].value = value;
              form.noValidate = true;
              form.requestSubmit(form.querySelector('[type=submit]:not([name=language])'));
            }""",
            data,
        )


def _admin_pages(page: Any) -> list[str]:
    """From the admin's index: every change list an editor sees, its add form and the
    change form of its first row."""
    page.goto("/admin/")
    changelists = page.eval_on_selector_all(
        "#content-main a[href^='/admin/']:not([href$='/add/'])", "links => links.map(a => a.href)"
    )
    found: list[str] = []
    for url in dict.fromkeys(changelists):
        found.append(url)
        page.goto(url)
        first_row = page.query_selector("#result_list tbody th a, #result_list tbody td a")
        if first_row is not None:
            found.append(first_row.get_attribute("href") or "")
        add = page.query_selector(".object-tools a.addlink")
        if add is not None:
            found.append(add.get_attribute("href") or "")
    return [url for url in dict.fromkeys(found) if url]


def _kind(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:  # pragma: no cover
        return path


def test_no_english_on_the_dutch_pages_of_the_journeys(
    page: Any, live_server: Any, log_in: Any
) -> None:
    world = build_world()
    leaks: dict[str, list[str]] = {}

    def check(label: str) -> None:
        english = english_on(page)
        if english:
            leaks[f"{label} ({urlsplit(page.url).path})"] = english

    by_persona: dict[str, list[Page]] = {}
    for journey_page in PAGES:
        by_persona.setdefault(journey_page.persona, []).append(journey_page)
    for persona, pages in by_persona.items():
        log_in(page, _persona_user(world, persona))
        for journey_page in pages:
            response = page.goto(journey_page.path(world))
            assert response is not None and response.status < 400, journey_page.name
            check(journey_page.name)

    for form_page, data in FORMS_WITH_ERRORS:
        log_in(page, _persona_user(world, form_page.persona))
        page.goto(form_page.path(world))
        _send_empty(page, data)
        check(form_page.name)

    # The page that says it is not there.
    page.goto("/bestaat-niet/")
    check("404")

    # The messages after an action: a member submits the draft for review.
    log_in(page, world["member"])
    draft = world["draft"]
    page.goto(draft.get_absolute_url())
    page.get_by_role("button", name="Indienen voor publicatie").click()
    page.wait_for_load_state()
    assert Initiative.objects.get(pk=draft.pk).publication_status == PublicationStatus.SUBMITTED
    assert page.get_by_text("Ingediend: de redactie bekijkt het.").is_visible()
    check("after submitting")

    # The admin, as an editor reaches it.
    log_in(page, world["editor"])
    seen_kinds: set[str] = set()
    for url in _admin_pages(page):
        kind = _kind(url)
        if kind in seen_kinds or kind.endswith(("logout", "jsi18n", "view_on_site")):
            continue
        seen_kinds.add(kind)
        page.goto(url)
        check(kind)

    assert not leaks, "English on Dutch pages:\n" + "\n".join(
        f"{where}:\n    " + "\n    ".join(words) for where, words in leaks.items()
    )
