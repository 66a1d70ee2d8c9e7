"""One rule for the readable addresses of organisations, profiles and published items."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError

from core import slugs
from core.slugs import RESERVED_SLUGS, insert_with_unique_slug, slug_base, unique_slug
from initiatives.models import Challenge
from members.models import Organisation, Profile
from tests.initiatives.factories import ChallengeFactory
from tests.members.factories import OrganisationFactory


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Buurtkracht Noord", "buurtkracht-noord"),
        ("Café De Ĳssel", "cafe-de-ijssel"),
        ("Coöperatie Oranjeboom", "cooperatie-oranjeboom"),
        ("Stichting ’s-Hertogenbosch Één", "stichting-s-hertogenbosch-een"),
        ("Straße der Ærø-Ølværk", "strasse-der-aero-olvaerk"),
        ("  --Wijk & Zorg--  ", "wijk-zorg"),
    ],
)
def test_a_name_becomes_lower_case_ascii_with_its_accents_dropped(name: str, slug: str) -> None:
    assert slug_base(name, max_length=80) == slug


def test_a_name_without_letters_gets_the_fallback() -> None:
    assert slug_base("!!! ???", max_length=80, fallback="lid") == "lid"
    assert slug_base("", max_length=80) == "item"


def test_a_cut_never_leaves_a_dash_at_the_end() -> None:
    assert slug_base("Groen en Gezond", max_length=9) == "groen-en"


@pytest.mark.django_db
def test_a_free_name_keeps_its_plain_slug() -> None:
    assert unique_slug(Organisation, "Buurtkracht Noord") == "buurtkracht-noord"


@pytest.mark.django_db
def test_a_taken_slug_gets_a_short_random_suffix() -> None:
    OrganisationFactory(slug="buurtkracht-noord")
    slug = unique_slug(Organisation, "Buurtkracht Noord")
    base, suffix = slug.rsplit("-", 1)
    assert base == "buurtkracht-noord"
    assert len(suffix) == slugs.SUFFIX_LENGTH
    assert set(suffix) <= set(slugs.SUFFIX_ALPHABET)


@pytest.mark.django_db
@pytest.mark.parametrize("word", sorted(RESERVED_SLUGS))
def test_a_name_never_takes_a_path_the_urls_use(word: str) -> None:
    slug = unique_slug(Challenge, word.title())
    assert slug != word
    assert slug.startswith(f"{word}-")


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Organisation, Profile, Challenge])
def test_a_long_name_fits_the_column_even_with_a_suffix(model: Any) -> None:
    max_length = model._meta.get_field("slug").max_length
    name = "Samenwerkingsverband " * 20
    first = unique_slug(model, name)
    assert len(first) <= max_length - slugs.SUFFIX_LENGTH - 1
    if model is Profile:  # a profile needs a user: the rule is the same
        return
    factory = ChallengeFactory if model is Challenge else OrganisationFactory
    factory(slug=first)
    second = unique_slug(model, name)
    assert second.startswith(f"{first}-")
    assert len(second) <= max_length


@pytest.mark.django_db(transaction=True)
def test_a_slug_taken_between_the_check_and_the_insert_is_tried_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two people save the same title at the same moment: both see the slug free, the
    second insert fails on the unique index, and the row gets another slug."""
    first = ChallengeFactory(slug="schone-lucht")
    picks = iter(["schone-lucht"])
    real = slugs.unique_slug

    def stale_then_real(model: Any, text: str, *, fallback: str = "item") -> str:
        return next(picks, None) or real(model, text, fallback=fallback)

    monkeypatch.setattr(slugs, "unique_slug", stale_then_real)
    second = ChallengeFactory.build(owner=first.owner, region=first.region, title="Schone lucht")
    insert_with_unique_slug(second, second.title)
    assert second.pk is not None
    assert second.slug.startswith("schone-lucht-")


@pytest.mark.django_db(transaction=True)
def test_another_integrity_error_is_raised_as_it_is() -> None:
    """Only a slug taken meanwhile is tried again: a row that breaks another rule fails."""
    owner = OrganisationFactory()
    existing = OrganisationFactory(kvk_number="12345678")
    twin = Organisation(
        name="Tweeling", kind=owner.kind, kvk_number=existing.kvk_number, region=owner.region
    )
    with pytest.raises(IntegrityError):
        insert_with_unique_slug(twin, twin.name)
