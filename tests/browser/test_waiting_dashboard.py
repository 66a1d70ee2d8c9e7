"""My Breinaald in a browser: "Wacht op jou" for a member with things to do, and the own
queues of an editor and a facilitator; axe-core on each, on a desktop and a 360-pixel phone."""

from __future__ import annotations

import re
import urllib.request
from typing import Any

import pytest
from django.contrib.auth.models import Group

from initiatives.models import PublicationStatus
from matchmaking.models import IntroductionState
from members.models import MembershipRole, User
from members.roles import EDITORS_GROUP, FACILITATORS_GROUP
from tests.browser.conftest import assert_no_axe_violations
from tests.initiatives.factories import ChallengeFactory
from tests.matchmaking.factories import IntroductionFactory
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.members.test_waiting import fill_waiting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_plain_static_names"),
]

PHONE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True)
def _warm_live_server(live_server: Any) -> None:
    """The live server's first page compiles templates and finds static files; on a busy
    machine that outlasts Playwright's ten seconds, so ask for it once without a browser."""
    with urllib.request.urlopen(live_server.url + "/accounts/login/", timeout=120) as response:
        response.read()


def _staff(email: str, group: str) -> User:
    user = UserFactory(email=email, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _check_both_sizes(page: Any) -> None:
    assert_no_axe_violations(page)
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_member_sees_what_waits_and_goes_where_to_act(page: Any, log_in: Any) -> None:
    organisation = OrganisationFactory(name="Gemeente Tilburg", slug="gemeente-tilburg")
    admin = MembershipFactory(
        organisation=organisation, role=MembershipRole.OWNER, user__email="olga@tilburg.example"
    ).user
    fill_waiting(admin, organisation, 2)
    log_in(page, "olga@tilburg.example")

    page.goto("/mijn/")

    waiting = page.locator("section.waiting")
    assert waiting.locator("#waiting-title").is_visible()
    kinds = set(
        waiting.locator(".waiting-item").evaluate_all("els => els.map(e => e.dataset.kind)")
    )
    assert {"invitation", "partner_request", "sent_back", "stamp_confirm"} <= kinds
    assert {"introduction_to_answer", "notification", "join_request"} <= kinds
    # No "register an organisation" pitch competes with the work; the editors' words show.
    assert waiting.get_by_text("Reden 0").is_visible()
    _check_both_sizes(page)

    # The partner request's one action leads to where the member confirms it.
    waiting.locator('[data-kind="partner_request"]').first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/initiatieven/mijn/"))
    assert page.locator("#requests-heading").is_visible()

    # "Mijn initiatieven" and "Kennismakingen" are in the navigation.
    page.goto("/")
    account_nav = page.locator("nav.user-nav")
    assert account_nav.locator('a[href="/initiatieven/mijn/"]').count() == 1
    assert account_nav.locator('a[href="/kennismakingen/"]').count() == 1


def test_a_member_with_nothing_to_do_reads_that_nothing_waits(page: Any, log_in: Any) -> None:
    UserFactory(email="nieuw@example.org")
    log_in(page, "nieuw@example.org")

    page.goto("/mijn/")

    assert page.locator(".waiting__empty").is_visible()
    assert page.locator(".waiting-item").count() == 0
    assert page.locator('a[href="/organisaties/nieuw/"]').is_visible()
    _check_both_sizes(page)


def test_an_editor_and_a_facilitator_see_their_own_queues(page: Any, log_in: Any) -> None:
    ChallengeFactory(publication_status=PublicationStatus.SUBMITTED)
    OrganisationFactory(status="pending", verified_at=None)
    waiting = IntroductionFactory()
    IntroductionFactory(state=IntroductionState.FORWARDED)
    _staff("eva@redactie.example", EDITORS_GROUP)
    _staff("vera@verbinders.example", FACILITATORS_GROUP)

    log_in(page, "eva@redactie.example")
    editor = page
    editor.goto("/mijn/")
    queue = editor.locator("#editor-queue-title").locator("..")
    assert queue.locator('[data-queue="challenges"] .queue-counts__number').inner_text() == "1"
    assert queue.locator('a[href="/admin/curation/moderation/"]').first.is_visible()
    assert editor.locator('a[href="/organisaties/nieuw/"]').count() == 0
    assert editor.locator("#facilitator-queue-title").count() == 0
    _check_both_sizes(editor)

    log_in(page, "vera@verbinders.example")
    facilitator = page
    facilitator.goto("/mijn/")
    queue = facilitator.locator("#facilitator-queue-title").locator("..")
    assert queue.locator('[data-queue="to_forward"] .queue-counts__number').inner_text() == "1"
    assert queue.locator('[data-queue="awaiting_answer"] .queue-counts__number').inner_text() == "1"
    assert facilitator.locator('a[href="/organisaties/nieuw/"]').count() == 0
    assert facilitator.locator("#editor-queue-title").count() == 0
    _check_both_sizes(facilitator)
    queue.locator(f'a[href="{waiting.get_absolute_url()}"]').click()
    facilitator.wait_for_url(re.compile(waiting.code))
