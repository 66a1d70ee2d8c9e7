"""Numbers and amounts as the reader's language writes them: ``€ 25.000`` and ``1.350 ton``
in Dutch, ``€25,000`` and ``1,350 ton`` in English.

Django's ``USE_THOUSAND_SEPARATOR`` would group every number a template prints, ids in form
values and URLs included, so grouping is asked for here, where a number is shown to a reader.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language

# Units that mean money in euros, however a member wrote them.
EURO_UNITS = frozenset({"€", "eur", "euro", "euros"})
# Where the euro sign goes: a locale's convention, like its separators, not a translation.
EURO_FORMATS = {"nl": "€ {amount}", "en": "€{amount}"}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(value: Any, *, places: int | None = None) -> str:
    """Grouped thousands in the active language; decimals only when there are any (at most
    two), unless ``places`` fixes them. What is not a number comes back as it was."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if places is None:
        exponent = number.normalize().as_tuple().exponent
        places = 0 if number == number.to_integral_value() else min(2, -int(exponent))
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def is_euro(unit: str) -> bool:
    return unit.strip().lower() in EURO_UNITS


def format_quantity(value: Any, unit: str = "") -> str:
    """A number with its unit: money in euros as ``€ 25.000`` (cents only when there are
    any), anything else as ``1.350 ton``."""
    unit = (unit or "").strip()
    number = _decimal(value)
    if unit and is_euro(unit):
        places = None if number is None or number == number.to_integral_value() else 2
        language = (get_language() or "nl").split("-")[0]
        pattern = EURO_FORMATS.get(language, EURO_FORMATS["nl"])
        return pattern.format(amount=format_number(value, places=places))
    shown = format_number(value)
    return f"{shown} {unit}" if unit else shown
