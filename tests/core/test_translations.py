"""Dutch everywhere: the catalogue is complete, and what Django 6.1 leaves in English is ours.

The Dutch catalogue must translate every string it holds (no empty and no fuzzy entry), and
it must hold every string the code marks: `makemessages`, run on a copy of the source, finds
nothing new to translate. Obsolete entries (`#~`) are fine.
"""

from __future__ import annotations

import ast
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import translation

from core import third_party_messages
from core.audit import audit_record
from core.models import AuditEntry

CATALOGUE = Path(django_settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
# What makemessages skips: the same list as the Makefile's `messages` target, and the tests.
NOT_SOURCE = {".git", ".venv", "node_modules", "var", "tests", "__pycache__", ".ruff_cache"}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False
    line: int = 0

    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"line {self.line}: {context}{self.msgid!r}"


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (not the header, not obsolete `#~` ones).

    Small on purpose: msgctxt, msgid, msgid_plural, msgstr and msgstr[n], each a quoted
    string continued by further quoted lines, and the `#, fuzzy` flag.
    """
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None  # ("msgid" | "msgctxt" | "msgstr", index)

    def finish() -> None:
        nonlocal current
        if current.msgid or current.msgstrs:
            entries.append(current)
        current = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            current.fuzzy = current.fuzzy or "fuzzy" in {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and target is not None:
            text = ast.literal_eval(line)
            kind, index = target
            if kind == "msgid":
                current.msgid += text
            elif kind == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + text
            elif kind == "msgstr":
                current.msgstrs[index] += text
        else:
            keyword, _space, value = line.partition(" ")
            text = ast.literal_eval(value)
            if keyword == "msgctxt":
                current.msgctxt, target = text, ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid, current.line, target = text, number, ("msgid", 0)
            elif keyword == "msgid_plural":
                target = ("msgid_plural", 0)
            elif keyword.startswith("msgstr"):
                current.msgstrs.append(text)
                target = ("msgstr", len(current.msgstrs) - 1)
    finish()
    return [entry for entry in entries if entry.msgid]  # the header has an empty msgid


def untranslated_or_fuzzy(path: Path) -> list[str]:
    return [
        entry.label() + (" (fuzzy)" if entry.fuzzy else "")
        for entry in read_po(path)
        if entry.fuzzy or not all(entry.msgstrs)
    ]


def _gettext_tools_or_skip() -> None:
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return
    message = "GNU gettext (xgettext, msgmerge) is missing: apt-get install gettext"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


def test_the_reader_sees_fuzzy_and_empty_entries(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        'msgid "Save"\nmsgstr "Opslaan"\n\n'
        '#, fuzzy, python-format\nmsgid "Hello %(name)s"\nmsgstr "Hallo %(name)s"\n\n'
        'msgctxt "stamp"\nmsgid ""\n"Long "\n"text"\nmsgstr ""\n\n'
        'msgid "One"\nmsgid_plural "Many"\nmsgstr[0] "Een"\nmsgstr[1] ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    assert untranslated_or_fuzzy(po) == [
        "line 9: 'Hello %(name)s' (fuzzy)",
        "line 13: [stamp] 'Long text'",
        "line 18: 'One'",
    ]


def test_the_dutch_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    missing = untranslated_or_fuzzy(CATALOGUE)
    assert not missing, "Translate these in locale/nl/LC_MESSAGES/django.po:\n" + "\n".join(missing)


def _copy_source(destination: Path) -> None:
    shutil.copytree(
        django_settings.BASE_DIR,
        destination,
        ignore=lambda folder, names: [name for name in names if name in NOT_SOURCE],
    )


def test_every_string_the_code_marks_has_a_dutch_translation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """makemessages on a copy of the source: a new or changed msgid shows up untranslated.

    It runs in the copy (working directory and LOCALE_PATHS both), so the project's own
    catalogue is never written to.
    """
    _gettext_tools_or_skip()
    copy = tmp_path / "source"
    _copy_source(copy)
    monkeypatch.chdir(copy)
    catalogue = copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    settings.LOCALE_PATHS = [copy / "locale"]
    call_command(
        "makemessages",
        locale=["nl"],
        ignore_patterns=sorted(NOT_SOURCE),
        no_obsolete=True,
        verbosity=0,
    )
    missing = untranslated_or_fuzzy(catalogue)
    assert not missing, (
        "Strings in the code without a Dutch translation: run `make messages`-style "
        "`manage.py makemessages -l nl` and translate these:\n" + "\n".join(missing)
    )


def _django_msgids() -> set[str]:
    django_root = Path(translation.__file__).parents[2]
    catalogues = [
        django_root / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        django_root / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES" / "django.po",
    ]
    return {entry.msgid for path in catalogues for entry in read_po(path)}


def test_the_strings_we_translate_for_django_are_spelled_as_django_spells_them() -> None:
    # The plural entry is a lazy object; its words are checked through the singular ones.
    ours = {message for message in third_party_messages.MESSAGES if isinstance(message, str)}
    assert len(ours) == len(third_party_messages.MESSAGES) - 1
    assert ours - _django_msgids() == set()


@pytest.mark.parametrize(
    ("language", "blank_label"), [("nl", "- Kies een optie -"), ("en", "- Select an option -")]
)
def test_a_choice_without_a_default_offers_its_empty_choice_in_the_page_language(
    language: str, blank_label: str
) -> None:
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override(language):
        assert str(BLANK_CHOICE_LABEL) == blank_label


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "heading"), [("", "Even geduld"), ("/en", "One moment, please")]
)
def test_the_429_page_speaks_the_page_language(
    client: Any, settings: Any, prefix: str, heading: str
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/m/ip"}
    client.post(f"{prefix}/accounts/password/reset/", {"email": "a@example.org"})
    response = client.post(f"{prefix}/accounts/password/reset/", {"email": "b@example.org"})
    assert response.status_code == 429
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.django_db
def test_an_audit_reason_written_from_labels_reads_in_the_readers_language(
    organisation: Any,
) -> None:
    from members.choices import MembershipRole, VerificationMethod

    with translation.override("nl"):  # the language of whoever acted does not matter
        verified = audit_record(
            actor=None,
            action="organisation.verify",
            target=organisation,
            reason=VerificationMethod.DOMAIN.label,
        )
        role = audit_record(
            actor=None,
            action="membership.role",
            target=organisation,
            reason=(MembershipRole.MEMBER.label, MembershipRole.ADMIN.label),
        )
        own_words = audit_record(
            actor=None, action="organisation.suspend", target=organisation, reason="Nepaccount"
        )
    assert AuditEntry.objects.get(pk=verified.pk).reason == "Code sent to the website's domain"
    assert role.reason == "Member → Admin"
    with translation.override("nl"):
        assert verified.reason_display() == "Code verstuurd naar het domein van de website"
        assert role.reason_display() == "Lid → Beheerder"
        assert own_words.reason_display() == "Nepaccount"
    with translation.override("en"):
        assert role.reason_display() == "Member → Admin"
