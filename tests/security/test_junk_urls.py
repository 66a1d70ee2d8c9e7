"""No URL answers 500 to bad input.

The walk covers every pattern of ``platform_site.urls`` (the i18n patterns, allauth and
the admin included): each path converter is filled with junk that the converter lets
through (overlong, odd Unicode, a NUL byte, numbers too large for the database, digits
that ``int`` refuses), and each page is asked with junk in every query parameter and form
field the views read, as a visitor and as a member who runs an organisation (so the junk
reaches the code behind the permission checks). The admin is walked as a superuser.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import timezone

from core.heartbeat import heartbeat_beat
from members.models import MembershipRole, Profile, User
from tests.initiatives.factories import (
    ChallengeFactory,
    ImpactFigureFactory,
    InitiativeFactory,
    StoryFactory,
)
from tests.matchmaking.factories import IntroductionFactory, OfferNeedFactory
from tests.members.factories import (
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    ThemeFactory,
    UserFactory,
)
from tests.stamp.factories import ClaimFactory

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"  # digits, but beyond PostgreSQL's bigint
LONG = "a" * 300
ODD = "\u202e\u202d🧶🙂"  # right-to-left override and emoji
NUL = "\x00"
SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no

# What each converter lets through to the view (other junk is the resolver's 404).
PATH_JUNK = {
    "int": ["0", TOO_BIG],
    "slug": [LONG, TOO_BIG],
    "str": [ODD + LONG, NUL, TOO_BIG, SUPERSCRIPT_TWO],
    "path": [ODD + LONG, NUL, TOO_BIG, "../../etc/passwd"],
}
# The admin's ids are all `<path:object_id>`, read by Django's own code.
ADMIN_PATH_JUNK = [ODD + LONG, TOO_BIG]
# Query and form junk, per (who, method). A NUL is refused before any view
# (core.middleware), so the visitor's pass is enough for it.
QUERY_JUNK = {
    ("visitor", "GET"): [ODD + LONG, NUL],
    ("member", "GET"): [ODD + LONG, TOO_BIG, SUPERSCRIPT_TWO],
    ("member", "POST"): [ODD + LONG, TOO_BIG, SUPERSCRIPT_TWO],
    ("superuser", "GET"): [ODD + LONG, TOO_BIG],
}
# Every query parameter and form field the views read by name: those found in the source
# (request.GET/POST look-ups, so a new one is walked without being listed), the names that
# filter helpers and forms read, and the admin's and allauth's own.
READ_BY_NAME = re.compile(r"""request\.(?:GET|POST)(?:\.get(?:list)?\(|\[)\s*["'](\w+)["']""")


def _names_read_in_source() -> set[str]:
    root = Path(__file__).resolve().parents[2]
    apps = ("core", "members", "initiatives", "stamp", "matchmaking", "curation", "platform_site")
    return {
        name
        for app in apps
        for path in (root / app).rglob("*.py")
        for name in READ_BY_NAME.findall(path.read_text())
    }


PARAMETERS = sorted(
    _names_read_in_source()
    | {
        "page", "pagina", "na", "after", "q", "region", "regio", "theme", "thema", "kind",
        "soort", "sorteer", "fase", "viering", "verified", "richting", "organisatie",
        "vraagstuk", "initiatief", "aanbod", "figure", "picture", "invitation", "join_request",
        "decision", "id", "reopen", "action", "next", "language", "code", "key", "email",
        "return_to", "is_public", "charter_version", "organisation", "note", "membership",
        "user", "role", "reason", "o", "p", "e", "all", "_to_field", "_popup",
        "_changelist_filters", "_selected_action",
    }
)  # fmt: skip
# A member who posts to these would only end the session the walk uses.
NO_POST = {"account_logout", "logout"}


@dataclass(frozen=True)
class Route:
    template: str  # "organisaties/{slug}/": placeholders for the pattern's parameters
    parameters: dict[str, str]  # name -> converter ("int", "slug", "str", "path")
    name: str
    namespace: str

    @property
    def is_admin(self) -> bool:
        return self.namespace.startswith("admin")


def _route_template(pattern: Any) -> tuple[str, dict[str, str]]:
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix, {}
    if isinstance(pattern, RoutePattern):
        parameters: dict[str, str] = {}

        def placeholder(match: re.Match[str]) -> str:
            parameters[match["name"]] = match["converter"] or "str"
            return "{" + match["name"] + "}"

        template = re.sub(
            r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>", placeholder, str(pattern)
        )
        return template, parameters
    assert isinstance(pattern, RegexPattern)
    return _regex_template(pattern._regex)


def _regex_template(regex: str) -> tuple[str, dict[str, str]]:
    """'^confirm-email/(?P<key>[-:\\w]+)/$' -> ('confirm-email/{key}/', {'key': 'str'})."""
    out, parameters, index = "", {}, 0
    regex = regex.removeprefix("^").removesuffix("$")
    while index < len(regex):
        if regex.startswith("(?P<", index):
            name = regex[index + 4 : regex.index(">", index)]
            depth, index = 1, regex.index(">", index) + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[index], 0)
                index += 1 if regex[index] != "\\" else 2
            out += "{" + name + "}"
            parameters[name] = "str"
        elif regex[index] == "\\":
            out += regex[index + 1]
            index += 2
        else:
            out += regex[index]
            index += 1
    return out, parameters


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        template, parameters = _route_template(entry.pattern)
        if isinstance(entry, URLResolver):
            inner_namespace = ":".join(filter(None, [namespace, entry.namespace or ""]))
            for route in _walk(entry.url_patterns, prefix + template, inner_namespace):
                yield Route(
                    route.template, {**parameters, **route.parameters}, route.name, route.namespace
                )
        else:
            assert isinstance(entry, URLPattern)
            yield Route(prefix + template, parameters, entry.name or "", namespace)


ROUTES = list(_walk(get_resolver("platform_site.urls").url_patterns))


def _fill(route: Route, values: dict[str, str]) -> str:
    return "/" + route.template.format(
        **{name: quote(values[name], safe="") for name in route.parameters}
    )


@dataclass
class World:
    member: User
    superuser: User
    samples: dict[str, str]

    def sample(self, route: Route, name: str) -> str:
        """A value that resolves to a real object, so query junk reaches the view."""
        specific = self.samples.get(f"{route.namespace}:{name}")
        return specific or self.samples.get(name, "proef")


@pytest.fixture
def world() -> World:
    """One of everything, with the same slug wherever a slug goes ("proef"), all run by
    the member: its organisation, initiative, challenge, story, offer, claim..."""
    member = UserFactory(display_name="Mila Lid")
    Profile.objects.update_or_create(user=member, defaults={"slug": "proef", "is_public": True})
    region = RegionFactory(name="Proef", slug="proef")
    ThemeFactory(name="proef", slug="proef")
    organisation = OrganisationFactory(name="Proef", slug="proef", region=region)
    MembershipFactory(organisation=organisation, user=member, role=MembershipRole.OWNER)
    initiative = InitiativeFactory(slug="proef", lead=organisation, created_by=member)
    ChallengeFactory(slug="proef", owner=organisation, created_by=member)
    StoryFactory(slug="proef", initiative=initiative)
    ImpactFigureFactory(initiative=initiative)
    OfferNeedFactory(slug="proef", organisation=organisation)
    claim = ClaimFactory(organisation=organisation)
    introduction = IntroductionFactory(requesting_organisation=organisation, requester=member)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    # A task worker that is alive, so /readyz answers 200 (it answers 503 without one).
    heartbeat_beat(worker_id="junk-walk", started_at=timezone.now())
    samples = {
        "version": str(claim.charter_agreed.version),
        "stamp:code": claim.code,
        "matchmaking:code": introduction.code,
        "action": "submit",
        "kind": "initiatief",
        "object_id": str(organisation.pk),
        "app_label": "members",
        "content_type_id": "1",
        "url": "proef/",
        "path": "proef.jpg",
    }
    return World(member=member, superuser=superuser, samples=samples)


class Walker:
    """Sends requests and keeps every 5xx, with the exception behind it."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.count = 0
        self._last_exception: BaseException | None = None
        got_request_exception.connect(self._record)

    def _record(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        self._last_exception = sys.exc_info()[1]

    def close(self) -> None:
        got_request_exception.disconnect(self._record)

    def send(self, client: Client, method: str, url: str, data: Any = None, who: str = "") -> None:
        self._last_exception = None
        self.count += 1
        response = client.get(url, data) if method == "GET" else client.post(url, data or {})
        if response.status_code >= 500:
            self.failures.append(
                f"{response.status_code} {method} {url[:120]!r} as {who} "
                f"data={str(data)[:80]}: {self._last_exception!r}"
            )


@pytest.fixture
def walker() -> Iterator[Walker]:
    walker = Walker()
    yield walker
    walker.close()


def _clients(world: World, *, admin: bool) -> list[tuple[str, Client]]:
    if admin:
        superuser = Client(raise_request_exception=False)
        superuser.force_login(world.superuser)
        return [("superuser", superuser)]
    member = Client(raise_request_exception=False)
    member.force_login(world.member)
    return [("visitor", Client(raise_request_exception=False)), ("member", member)]


@pytest.mark.parametrize("admin", [False, True], ids=["site", "admin"])
def test_junk_in_any_path_parameter_never_answers_500(
    world: World, walker: Walker, admin: bool
) -> None:
    routes = [r for r in ROUTES if r.parameters and r.is_admin == admin]
    assert routes
    for who, client in _clients(world, admin=admin):
        for route in routes:
            for name, converter in route.parameters.items():
                # Each parameter in turn gets the junk, the others a real value.
                for junk in ADMIN_PATH_JUNK if admin else PATH_JUNK[converter]:
                    values = {n: world.sample(route, n) for n in route.parameters}
                    values[name] = junk
                    url = _fill(route, values)
                    walker.send(client, "GET", url, who=who)
                    if who == "member" and route.name not in NO_POST:
                        walker.send(client, "POST", url, {"junk": junk}, who=who)

    assert walker.failures == [], "\n".join(walker.failures)


@pytest.mark.parametrize("admin", [False, True], ids=["site", "admin"])
def test_junk_in_every_query_parameter_and_form_field_never_answers_500(
    world: World, walker: Walker, admin: bool
) -> None:
    routes = [r for r in ROUTES if r.is_admin == admin]
    for who, client in _clients(world, admin=admin):
        for route in routes:
            url = _fill(route, {n: world.sample(route, n) for n in route.parameters})
            for method in ("GET", "POST"):
                if method == "POST" and route.name in NO_POST:
                    continue
                for junk in QUERY_JUNK.get((who, method), []):
                    walker.send(client, method, url, dict.fromkeys(PARAMETERS, junk), who=who)

    assert walker.failures == [], "\n".join(walker.failures)
