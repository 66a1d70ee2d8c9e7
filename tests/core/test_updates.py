"""``core.updates``: a save names exactly the columns that changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.models import Region
from core.updates import (
    apply_changes,
    constraint_refusal,
    constraint_refusals,
    violated_constraint,
    with_auto_now,
)
from matchmaking.models import OfferNeed
from members.models import Organisation
from tests.matchmaking.factories import OfferNeedFactory
from tests.members.factories import OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_only_the_fields_whose_value_differs_are_named() -> None:
    organisation = OrganisationFactory(name="Oud", description="Tekst")

    changed = apply_changes(organisation, {"name": "Nieuw", "description": "Tekst"})

    assert changed == ["name"]
    assert organisation.name == "Nieuw"


def test_nothing_changed_names_nothing_and_the_save_writes_nothing() -> None:
    organisation = OrganisationFactory(name="Oud")

    with CaptureQueriesContext(connection) as queries:
        organisation.save(update_fields=apply_changes(organisation, {"name": "Oud"}))

    assert len(queries) == 0


def test_a_foreign_key_compares_by_key_without_a_query() -> None:
    organisation = Organisation.objects.get(pk=OrganisationFactory().pk)  # region not loaded
    other = RegionFactory(name="Hart van Brabant", slug="hart-van-brabant")

    with CaptureQueriesContext(connection) as queries:
        assert apply_changes(organisation, {"region": Region(pk=organisation.region_id)}) == []
        assert apply_changes(organisation, {"region": other}) == ["region"]
        assert apply_changes(organisation, {"region": None}) == ["region"]
    assert len(queries) == 0


def test_a_file_counts_as_changed_when_cleared_or_replaced() -> None:
    organisation = OrganisationFactory()
    organisation.logo.name = "logos/2026/oud.png"

    assert apply_changes(organisation, {"logo": "logos/2026/oud.png"}) == []
    assert apply_changes(organisation, {"logo": ContentFile(b"x", name="oud.png")}) == ["logo"]
    assert apply_changes(organisation, {"logo": ""}) == ["logo"]
    assert apply_changes(organisation, {"logo": None}) == []


def test_an_auto_now_field_goes_along_with_any_change() -> None:
    offer = OfferNeedFactory(title="Oud")

    assert apply_changes(offer, {"title": "Oud"}) == []
    assert apply_changes(offer, {"title": "Nieuw"}) == ["title", "updated_at"]
    assert with_auto_now(offer, ["title"]) == ["title", "updated_at"]
    assert with_auto_now(offer, []) == []


def test_a_many_to_many_relation_is_no_column_to_apply() -> None:
    with pytest.raises(ValueError, match="themes"):
        apply_changes(OfferNeed(), {"themes": []})


@pytest.mark.usefixtures("english")
def test_the_refused_constraint_is_named_and_its_own_message_given() -> None:
    OrganisationFactory(kvk_number="12345678")

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        OrganisationFactory(kvk_number="12345678")

    assert violated_constraint(caught.value) == "members_organisation_kvk_unique"
    refusal = constraint_refusal(Organisation, caught.value)
    assert refusal is not None
    assert "KvK" in " ".join(refusal.messages)


def test_a_constraint_without_a_message_for_people_stays_an_integrity_error() -> None:
    # The slug's unique index has Django's own name and message only.
    OrganisationFactory(slug="dubbel")

    with (
        pytest.raises(IntegrityError) as caught,
        transaction.atomic(),
        constraint_refusals(Organisation),
    ):
        OrganisationFactory(slug="dubbel")

    assert violated_constraint(caught.value) is not None
    assert constraint_refusal(Organisation, caught.value) is None


@pytest.mark.usefixtures("english")
def test_around_a_write_the_refusal_is_raised_as_the_models_validation_error() -> None:
    OrganisationFactory(kvk_number="12345678")

    with (
        pytest.raises(ValidationError, match="KvK"),
        transaction.atomic(),
        constraint_refusals(Organisation),
    ):
        OrganisationFactory(kvk_number="12345678")
