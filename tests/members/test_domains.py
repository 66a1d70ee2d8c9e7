"""Which domains can speak for an organisation (members.domains)."""

from __future__ import annotations

import pytest

from members import domains

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("host", "registrable"),
    [
        ("www.tilburg.nl", "tilburg.nl"),
        ("mail.gemeente.tilburg.nl", "tilburg.nl"),
        ("www.example.co.uk", "example.co.uk"),
        ("gemeente.github.io", "gemeente.github.io"),
        ("github.io", None),
        ("co.uk", None),
        ("nl", None),
        ("127.0.0.1", None),
        ("::1", None),
        ("", None),
    ],
)
def test_the_registrable_domain_is_what_one_registrant_owns(
    host: str, registrable: str | None
) -> None:
    assert domains.registrable_domain(host) == registrable


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.nl",
        "live.com",
        "msn.com",
        "ziggo.nl",
        "kpnmail.nl",
        "kpnplanet.nl",
        "planet.nl",
        "home.nl",
        "xs4all.nl",
        "hetnet.nl",
        "casema.nl",
        "icloud.com",
        "me.com",
        "yahoo.com",
        "proton.me",
        "protonmail.com",
        "gmx.net",
        "gmx.nl",
        "gmx.co.uk",
        "tutanota.com",
        "tuta.io",
        "zoho.com",
        "mail.com",
        "aol.com",
        "zeelandnet.nl",
    ],
)
def test_free_mail_providers_are_known(domain: str) -> None:
    assert domains.is_free_mail(domain)


@pytest.mark.parametrize("domain", ["tilburg.nl", "breinaald.nl", "gmxx.nl", "example.org"])
def test_an_own_domain_is_not_free_mail(domain: str) -> None:
    assert not domains.is_free_mail(domain)


def test_the_list_file_names_its_source_and_date() -> None:
    header = domains.FREE_MAIL_FILE.read_text(encoding="utf-8")[:600]
    assert "Source:" in header
    assert "2026-" in header


@pytest.mark.parametrize(
    ("email", "website"),
    [
        ("info@tilburg.nl", "https://www.tilburg.nl"),
        ("info@mail.tilburg.nl", "https://tilburg.nl/"),
        ("INFO@Tilburg.NL", "https://www.tilburg.nl"),
        ("info@bücher.nl", "https://www.xn--bcher-kva.nl"),
    ],
)
def test_an_address_on_the_websites_own_domain_may_verify(email: str, website: str) -> None:
    assert domains.email_refusal(email, website) is None


@pytest.mark.parametrize(
    ("email", "website"),
    [
        ("gemeente.tilburg@gmail.com", "https://gmail.com"),
        ("gemeente.tilburg@gmail.com", "https://www.tilburg.nl"),
        ("info@tilburg.nl.example.com", "https://www.tilburg.nl"),
        ("info@eviltilburg.nl", "https://tilburg.nl"),
        ("info@x.github.io", "https://x.github.io"),
        ("info@co.uk", "https://co.uk"),
        ("info@tilburg.nl", ""),
        ("info@tilburg.nl", "https://[::1]/"),
        ("no-at-sign", "https://www.tilburg.nl"),
    ],
)
def test_an_address_anyone_can_get_may_not_verify(email: str, website: str) -> None:
    assert domains.email_refusal(email, website)
