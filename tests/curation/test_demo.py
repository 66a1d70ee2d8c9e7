import pytest
from django.contrib.auth.models import Group

from curation import demo
from curation.models import Feature
from initiatives import demo as initiatives_demo
from members.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_features_items_and_adds_an_editor_once() -> None:
    initiatives_demo.seed()

    demo.seed()
    demo.seed()

    editor = User.objects.get(email=demo.EDITOR_EMAIL)
    assert editor.is_staff and not editor.is_superuser
    assert editor.groups.filter(name="Redactie").exists()
    assert editor.check_password(demo.EDITOR_PASSWORD)
    assert Feature.objects.current().count() == len(demo.FEATURED)
    assert Group.objects.get(name="Redactie").user_set.count() == 1
