import pytest
from django.core.management import call_command

from members.demo import LOCAL_ADMIN_EMAIL
from members.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_can_run_twice_without_duplicates() -> None:
    call_command("seed_demo", allow_without_debug=True, verbosity=0)
    call_command("seed_demo", allow_without_debug=True, verbosity=0)

    admin = User.objects.get(email=LOCAL_ADMIN_EMAIL)
    assert admin.is_superuser
    assert admin.emailaddress_set.filter(verified=True).count() == 1
