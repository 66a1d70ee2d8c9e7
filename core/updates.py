"""Writes that say what they change: the columns a service writes with
``save(update_fields=...)`` are the ones whose value changed, so a write never puts back a
column that someone else changed in the meantime (STYLE: no ``save()`` of a whole row); and
which database constraint refused a write, by its name rather than the message's words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.db.models.fields.files import FieldFile


def apply_changes(instance: models.Model, values: Mapping[str, Any]) -> list[str]:
    """Set ``values`` (field name to new value) on ``instance`` and return the names of the
    fields that changed, with the ``auto_now`` fields (``updated_at``) when any did; use it as
    ``instance.save(update_fields=changed)``, which writes nothing for an empty list."""
    changed = []
    for name, value in values.items():
        field = _concrete_field(instance, name)
        if _differs(instance, field, value):
            setattr(instance, name, value)
            changed.append(field.name)
    return with_auto_now(instance, changed)


def with_auto_now(instance: models.Model, changed: Iterable[str]) -> list[str]:
    """``changed`` plus the instance's ``auto_now`` fields, unless nothing changed: for a
    ``save(update_fields=...)`` whose list was made some other way (a ModelForm's
    ``changed_data``), since ``update_fields`` leaves ``auto_now`` fields out otherwise."""
    fields = list(changed)
    if not fields:
        return fields
    auto_now = [
        field.name
        for field in instance._meta.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in fields
    ]
    return fields + auto_now


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint or unique index that refused a write, from PostgreSQL's
    report (psycopg's ``diag``), or None when the driver did not say."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name if isinstance(name, str) else None


def constraint_refusal(model: type[models.Model], error: IntegrityError) -> ValidationError | None:
    """The refusal ``full_clean`` would have given for the constraint of ``model`` that the
    database enforced (two writes at once both passed ``full_clean``), when that constraint
    has a message of its own for people; None for any other integrity error."""
    name = violated_constraint(error)
    for constraint in model._meta.constraints:
        if (
            constraint.name == name
            and constraint.violation_error_message != constraint.default_violation_error_message
        ):
            return ValidationError(
                constraint.get_violation_error_message(),
                code=constraint.violation_error_code or "constraint",
            )
    return None


@contextmanager
def constraint_refusals(model: type[models.Model]) -> Iterator[None]:
    """Around a write of ``model``: a constraint with a message of its own that the database
    enforced is raised as that ``ValidationError`` (``constraint_refusal``); any other
    integrity error as it is."""
    try:
        yield
    except IntegrityError as error:
        refusal = constraint_refusal(model, error)
        if refusal is None:
            raise
        raise refusal from error


def _concrete_field(instance: models.Model, name: str) -> models.Field[Any, Any]:
    field = instance._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete or field.many_to_many:
        # A many-to-many or reverse relation is no column: set it after the save.
        raise ValueError(f"{name} is not a column of {type(instance).__name__}")
    return field


def _differs(instance: models.Model, field: models.Field[Any, Any], value: Any) -> bool:
    if field.is_relation:
        # Compare keys: reading the related object could cost a query.
        new_key = value.pk if isinstance(value, models.Model) else value
        return bool(getattr(instance, field.attname) != new_key)
    current = getattr(instance, field.attname)
    if isinstance(current, FieldFile):
        # A file given by name (or "" or None to clear it) compares by name; a new upload
        # always counts as a change, even under the same name.
        if isinstance(value, FieldFile):
            value = value.name
        if value is None or isinstance(value, str):
            return (current.name or "") != (value or "")
        return True
    return bool(current != value)
