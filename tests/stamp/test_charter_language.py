"""The charter speaks the page's language: its English text on the English pages, its Dutch
text on the Dutch ones and wherever no English was written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from stamp.models import Charter
from tests.stamp.factories import CharterFactory

pytestmark = pytest.mark.django_db

ENGLISH = {
    "title_en": "Principles of the stamp",
    "summary_en": "The stamp belongs to nobody and to everybody.",
    "body_en": "## Sharing knowledge\n\nWe share what we know.",
}


@pytest.mark.parametrize("path", ["/stempel/", "/stempel/uitgangspunten/1/"])
def test_the_dutch_pages_show_the_dutch_charter(client: Any, path: str) -> None:
    CharterFactory(**ENGLISH)
    page = client.get(path).content.decode()
    assert "Uitgangspunten van het stempel" in page
    assert "We delen wat we weten." in page
    assert "Principles of the stamp" not in page


@pytest.mark.parametrize("path", ["/en/stempel/", "/en/stempel/uitgangspunten/1/"])
def test_the_english_pages_show_the_english_charter(client: Any, path: str) -> None:
    CharterFactory(**ENGLISH)
    page = client.get(path).content.decode()
    assert "Principles of the stamp" in page
    assert "The stamp belongs to nobody and to everybody." in page
    assert "<h2>Sharing knowledge</h2>" in page
    assert "We delen wat we weten." not in page


def test_a_version_without_english_shows_its_dutch_text_on_the_english_pages(client: Any) -> None:
    CharterFactory()
    page = client.get("/en/stempel/").content.decode()
    assert "Uitgangspunten van het stempel" in page


def test_the_english_text_is_all_or_nothing() -> None:
    charter = CharterFactory.build(version=None, published_at=None, title_en="Principles")
    with pytest.raises(ValidationError):
        charter.clean()
    CharterFactory.build(version=None, published_at=None, **ENGLISH).clean()


def test_the_demo_charter_has_its_english_text() -> None:
    call_command("seed_demo", allow_without_debug=True, verbosity=0)
    charter = Charter.objects.current()
    assert charter is not None and charter.has_english
    assert charter.title_en == "Principles of the stamp"
