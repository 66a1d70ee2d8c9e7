"""The house rules that code review alone would let slip: views do not write, services say
what they do. Each rule reads the source with ``ast`` and is tried on a bad snippet too, so
that a rule which can no longer fail is noticed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ["core", "members", "initiatives", "stamp", "matchmaking", "curation", "platform_site"]

# Calls that write rows. ``update`` is a write only on a query set (``….filter(…).update()``,
# ``Model.objects.update()``): on a plain name it is nearly always a dict's.
WRITING_METHODS = frozenset(
    {
        "save",
        "delete",
        "create",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
        "create_user",
        "create_superuser",
    }
)
# (module, method) pairs a view may call anyway, each with the reason. Empty: no view writes.
ALLOWED_VIEW_WRITES: dict[tuple[str, str], str] = {}


def _modules(pattern: str) -> list[Path]:
    """``<app>/<pattern>.py`` and ``<app>/<pattern>/*.py`` of every product app."""
    found = []
    for app in APPS:
        found += [ROOT / app / f"{pattern}.py", *sorted((ROOT / app / pattern).glob("*.py"))]
    return [path for path in found if path.exists()]


def _writes(source: str) -> list[tuple[int, str]]:
    """Line and method name of every call in ``source`` that writes to the database."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, receiver = node.func.attr, node.func.value
        on_query_set = isinstance(receiver, ast.Call) or (
            isinstance(receiver, ast.Attribute) and receiver.attr == "objects"
        )
        if method in WRITING_METHODS or (method == "update" and on_query_set):
            found.append((node.lineno, method))
    return found


def _undocumented_functions(source: str) -> list[str]:
    """The module-level public functions of ``source`` without a docstring."""
    return [
        node.name
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
        and not ast.get_docstring(node)
    ]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_views_and_services_to_check() -> None:
    # A moved or renamed module must not make the rules below pass on nothing.
    assert {"stamp/views.py", "initiatives/views/write.py"} <= {
        _name(path) for path in _modules("views")
    }
    assert {"stamp/services.py", "curation/services.py"} <= {
        _name(path) for path in _modules("services")
    }


@pytest.mark.parametrize("path", _modules("views"), ids=_name)
def test_a_view_leaves_every_write_to_a_service(path: Path) -> None:
    """Views parse, check access, call one service and render (docs/architecture.md)."""
    offences = [
        f"{_name(path)}:{line}: .{method}()"
        for line, method in _writes(path.read_text())
        if (_name(path), method) not in ALLOWED_VIEW_WRITES
    ]
    assert offences == []


@pytest.mark.parametrize("path", _modules("services"), ids=_name)
def test_every_public_service_says_what_it_does(path: Path) -> None:
    assert _undocumented_functions(path.read_text()) == []


BAD_VIEW = """
def edit(request, slug):
    item = Item.objects.get(slug=slug)
    form = ItemForm(request.POST, instance=item)
    form.save()
    item.delete()
    Item.objects.create(title="x")
    Item.objects.filter(slug=slug).update(title="y")
    Item.objects.update(title="z")
    Item.objects.get_or_create(slug=slug)
    context = {}
    context.update(item=item)
    return render(request, "edit.html", context)
"""


def test_the_view_rule_catches_each_kind_of_write() -> None:
    assert _writes(BAD_VIEW) == [
        (5, "save"),
        (6, "delete"),
        (7, "create"),
        (8, "update"),
        (9, "update"),
        (10, "get_or_create"),
    ]


def test_the_docstring_rule_catches_an_undocumented_service() -> None:
    source = '''
def thing_do(*, thing):
    """Do the thing."""


def thing_undo(*, thing):
    pass


async def thing_wait(*, thing):
    return thing


def _helper():
    pass
'''
    assert _undocumented_functions(source) == ["thing_undo", "thing_wait"]
