"""Numbers and money as the reader's language writes them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

from core.numbers import format_number, format_quantity


@pytest.fixture(autouse=True)
def _dutch_again_afterwards() -> Iterator[None]:
    """A request to an /en/ page leaves English active in this thread; later tests of the
    same worker build their URLs in Dutch."""
    yield
    translation.deactivate()


@pytest.mark.parametrize(
    ("language", "value", "unit", "expected"),
    [
        ("nl", Decimal("25000.00"), "EUR", "€ 25.000"),
        ("nl", Decimal("25000"), "euro", "€ 25.000"),
        ("nl", Decimal("12.50"), "€", "€ 12,50"),
        ("nl", Decimal("1350.00"), "ton", "1.350 ton"),
        ("nl", Decimal("2.5"), "uur", "2,5 uur"),
        ("nl", Decimal("450"), "", "450"),
        ("nl", Decimal("1234567"), "", "1.234.567"),
        ("en", Decimal("25000.00"), "EUR", "€25,000"),
        ("en", Decimal("12.50"), "euro", "€12.50"),
        ("en", Decimal("1350.00"), "ton", "1,350 ton"),
        ("en", Decimal("2.5"), "hours", "2.5 hours"),
    ],
)
def test_quantities_are_written_the_way_the_language_writes_them(
    language: str, value: Decimal, unit: str, expected: str
) -> None:
    with translation.override(language):
        assert format_quantity(value, unit) == expected


def test_what_is_not_a_number_comes_back_unchanged() -> None:
    with translation.override("nl"):
        assert format_number("veel") == "veel"
        assert format_number(None) == ""
        assert format_number(1350) == "1.350"


@pytest.mark.parametrize(
    ("language", "expected"), [("nl", "€ 25.000 · 1.350"), ("en", "€25,000 · 1,350")]
)
def test_the_template_filters_format_numbers(language: str, expected: str) -> None:
    template = Template("{% load core_tags %}{{ money|quantity:'EUR' }} · {{ count|number }}")
    with translation.override(language):
        assert template.render(Context({"money": Decimal("25000"), "count": 1350})) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "expected"), [("", "1.350 ton"), ("/en", "1,350 ton")])
def test_an_initiative_page_shows_its_figures_in_the_page_language(
    client: Any, prefix: str, expected: str
) -> None:
    from tests.initiatives.factories import ImpactFigureFactory, InitiativeFactory

    initiative = InitiativeFactory()
    ImpactFigureFactory(initiative=initiative, number=Decimal("1350.00"), unit="ton")
    ImpactFigureFactory(initiative=initiative, number=Decimal("25000.00"), unit="EUR")
    html = client.get(f"{prefix}/initiatieven/{initiative.slug}/").content.decode()
    assert expected in html
    assert ("€ 25.000" if prefix == "" else "€25,000") in html
