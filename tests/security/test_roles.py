"""`members.roles` is the one answer to "who is who"; these tests keep it the only one."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from members import roles
from members.models import User
from tests.members.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "members", "initiatives", "stamp", "matchmaking", "curation", "platform_site"]

# A second spelling of a role rule: a permission asked for by name, a literal list of
# membership roles or listed statuses, or "staff" standing in for a role.
SECOND_SPELLINGS = [
    re.compile(r"has_perm\("),
    re.compile(r"""["']owner["']\s*,\s*["']admin["']"""),
    re.compile(r"""["']pending["']\s*,\s*["']verified["']"""),
    re.compile(r"\.is_staff\b"),
]


def _sources() -> list[Path]:
    files = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "members" / "roles.py":
                continue
            files.append(path)
    return files


def test_no_module_but_members_roles_spells_out_a_role_rule() -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if any(pattern.search(line) for pattern in SECOND_SPELLINGS)
    ]
    assert offences == []


def test_the_groups_of_the_data_migration_carry_the_names_the_roles_module_uses() -> None:
    migration = importlib.import_module("curation.migrations.0002_editor_and_facilitator_groups")
    assert (migration.EDITORS, migration.FACILITATORS) == (
        roles.EDITORS_GROUP,
        roles.FACILITATORS_GROUP,
    )
    assert {f"{app}.{codename}" for app, codename in migration.EDITOR_CUSTOM} == {
        roles.MODERATE_PERMISSION,
        roles.FEATURE_PERMISSION,
    }
    assert {f"{app}.{codename}" for app, codename in migration.FACILITATOR_CUSTOM} == {
        roles.FACILITATE_PERMISSION
    }


@pytest.mark.django_db
def test_each_group_gives_exactly_its_own_role(editor: User, facilitator: User) -> None:
    assert roles.is_editor(editor) and roles.can_feature(editor)
    assert not roles.is_facilitator(editor)
    assert roles.is_facilitator(facilitator)
    assert not roles.is_editor(facilitator) and not roles.can_feature(facilitator)
    assert list(roles.editors()) == [editor]
    assert list(roles.facilitators()) == [facilitator]


@pytest.mark.django_db
def test_a_group_member_without_staff_status_or_an_inactive_one_holds_no_role() -> None:
    not_staff = UserFactory(is_staff=False)
    not_staff.groups.add(Group.objects.get(name=roles.EDITORS_GROUP))
    inactive = UserFactory(is_staff=True, is_active=False)
    inactive.groups.add(Group.objects.get(name=roles.EDITORS_GROUP))

    for user in (User.objects.get(pk=not_staff.pk), User.objects.get(pk=inactive.pk)):
        assert not roles.is_editor(user)
    assert not roles.editors().exists()
