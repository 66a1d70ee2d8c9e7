"""Every page that answers GET also answers HEAD: link checkers, badge caches and uptime
monitors ask with HEAD, and a 405 tells them the page is broken.

The walk is the junk walk's (``test_junk_urls``): every pattern of ``platform_site.urls``,
filled with values that resolve to real objects, as a visitor and as a member who runs an
organisation, and the admin as a superuser.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.security.test_junk_urls import (
    NO_POST,
    ROUTES,
    World,
    _clients,
    _fill,
    world,  # noqa: F401  (the fixture)
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("admin", [False, True], ids=["site", "admin"])
def test_head_is_never_refused_where_get_is_allowed(world: World, admin: bool) -> None:  # noqa: F811
    routes = [r for r in ROUTES if r.is_admin == admin and r.name not in NO_POST]
    assert routes
    refused = []
    for who, client in _clients(world, admin=admin):
        for route in routes:
            url = _fill(route, {n: world.sample(route, n) for n in route.parameters})
            get = client.get(url)
            if get.status_code == 405:
                continue
            head = client.head(url)
            if head.status_code == 405:
                refused.append(f"{route.namespace}:{route.name} {url} as {who}")
    assert refused == []


def test_head_of_a_page_answers_like_its_get_without_a_body() -> None:
    client = Client()
    get = client.get("/stempel/")
    head = client.head("/stempel/")
    assert (get.status_code, head.status_code) == (200, 200)
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""
