"""The site's forms follow one convention: bare labels starting with a capital, themes as a
list of checkboxes, no preselected organisation kind, no "remove" box without a cover."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from core.forms import CheckboxList, SiteFormMixin
from initiatives.forms import ChallengeForm, InitiativeForm
from members.forms import OrganisationForm
from stamp.forms import ClaimForm
from tests.initiatives.factories import ChallengeFactory
from tests.members.factories import ThemeFactory

FORM_MODULES = [
    "members.forms",
    "initiatives.forms",
    "matchmaking.forms",
    "stamp.forms",
    "curation.forms",
]
# Rendered inside the admin, which keeps Django's own label convention.
ADMIN_FORMS = {"curation.forms.ReasonForm"}


# A field's label or legend; not the label of one choice in a list (for="id_themes_0").
@pytest.fixture(autouse=True)
def _dutch_again_afterwards() -> Iterator[None]:
    """A request to an /en/ page leaves English active in this thread; later tests of the
    same worker build their URLs in Dutch."""
    yield
    translation.deactivate()


LABEL = re.compile(r'<(label|legend)\b(?![^>]*for="[^"]*_\d+")[^>]*>(.*?)</\1>', re.S)


def _site_forms() -> list[type[forms.BaseForm]]:
    found = []
    for name in FORM_MODULES:
        module = import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, forms.BaseForm)
                and cls.__module__ == name
                and f"{name}.{cls.__name__}" not in ADMIN_FORMS
            ):
                found.append(cls)
    return found


def _labels(html: str) -> list[str]:
    """The visible text of every label and legend (tags inside, such as a checkbox, removed)."""
    texts = [re.sub(r"<[^>]+>", "", inner).strip() for _, inner in LABEL.findall(html)]
    return [text for text in texts if text]


def test_every_form_of_the_site_uses_the_site_convention() -> None:
    missing = [cls.__qualname__ for cls in _site_forms() if not issubclass(cls, SiteFormMixin)]
    assert not missing, f"derive these from core.forms.Form or ModelForm: {missing}"


@pytest.mark.django_db
def test_form_labels_have_no_colon_and_start_with_a_capital(client: Any, org_owner: Any) -> None:
    ThemeFactory(name="wonen", slug="wonen")
    client.force_login(org_owner)
    pages = [
        reverse("members:organisation_create"),
        reverse("initiatives:initiative_create"),
        reverse("initiatives:challenge_create"),
        reverse("members:profile_edit"),
        "/en" + reverse("initiatives:initiative_create"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        labels = _labels(response.content.decode())
        assert labels, url
        # A label may end in "?" (a question); never in a colon.
        assert not [label for label in labels if label.endswith(":")], (url, labels)
        assert not [label for label in labels if not label[0].isupper()], (url, labels)


def test_a_label_taken_from_a_model_field_starts_with_a_capital() -> None:
    assert str(ClaimForm().fields["statement"].label)[0].isupper()
    assert 'for="id_statement">' in ClaimForm()["statement"].label_tag()
    assert ":</label>" not in ClaimForm()["statement"].label_tag()


@pytest.mark.django_db
def test_no_organisation_kind_is_preselected_and_one_must_be_chosen() -> None:
    form = OrganisationForm()
    html = str(form["kind"])
    assert re.search(r'<option value="" selected>', html)
    assert form.fields["kind"].required

    form = OrganisationForm(data={"name": "Buurtkracht"})
    assert not form.is_valid()
    assert "kind" in form.errors


@pytest.mark.django_db
def test_an_organisation_being_edited_shows_its_own_kind(organisation: Any) -> None:
    html = str(OrganisationForm(instance=organisation)["kind"])
    assert '<option value="municipality" selected>' in html
    assert '<option value="" selected>' not in html


@pytest.mark.django_db
def test_a_new_item_has_no_remove_cover_box(client: Any, org_owner: Any) -> None:
    assert "remove_cover" not in InitiativeForm().fields
    assert "remove_cover" not in ChallengeForm().fields
    client.force_login(org_owner)
    for name in ("initiatives:initiative_create", "initiatives:challenge_create"):
        assert 'name="remove_cover"' not in client.get(reverse(name)).content.decode()


@pytest.mark.django_db
def test_the_remove_cover_box_shows_only_when_there_is_a_cover() -> None:
    bare = ChallengeFactory()
    assert "remove_cover" not in ChallengeForm(instance=bare).fields
    covered = ChallengeFactory(cover="covers/example.jpg")
    assert "remove_cover" in ChallengeForm(instance=covered).fields


@pytest.mark.django_db
def test_themes_are_a_styled_list_of_checkboxes(client: Any, org_owner: Any) -> None:
    ThemeFactory(name="wonen", slug="wonen")
    for form in (InitiativeForm(), ChallengeForm(), OrganisationForm()):
        assert isinstance(form.fields["themes"].widget, CheckboxList)
    client.force_login(org_owner)
    html = client.get(reverse("initiatives:initiative_create")).content.decode()
    assert re.search(r'<div id="id_themes" class="checkbox-list">', html)
    assert 'type="checkbox" name="themes"' in html
