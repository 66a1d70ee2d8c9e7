"""Readable, unique addresses (slugs) for the rows people name: organisations, profiles,
challenges, initiatives and stories.

One rule for all of them: the name in lower-case ASCII (accents dropped, "ß" and "æ" spelled
out), cut to fit the ``slug`` column with room for a suffix; a slug that is taken, or that
the URLs use for a page of their own ("nieuw", "mijn"), gets a short random suffix. Each
check is one look-up on the unique index, and a random suffix (not "-2", "-3") keeps two
people who save the same name at the same moment from picking the same second slug.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models import Model
from django.utils.crypto import get_random_string
from django.utils.text import slugify

# Path segments the URLs use next to slugs (``organisaties/nieuw/``, ``initiatieven/mijn/``,
# ``vraagstukken/feed/``): a name may never take them.
RESERVED_SLUGS = frozenset({"nieuw", "mijn", "feed", "atom", "zoeken"})
SUFFIX_LENGTH = 4
# No 0/o, 1/l: a suffix someone reads aloud or types over stays unambiguous.
SUFFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
# Latin letters that Unicode does not decompose, so slugify would drop them ("Straße" would
# become "strae"); "ĳ" decomposes to "ij" by itself.
_SPELLED_OUT = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ø": "o", "Ø": "O", "ł": "l"}
    | {"Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i"}
)


def slug_base(text: str, *, max_length: int, fallback: str = "item") -> str:
    """The slug a name would get if it were free: ASCII, at most ``max_length`` long."""
    base = slugify(text.translate(_SPELLED_OUT))[:max_length].strip("-")
    return base or fallback


def unique_slug(model: type[Model], text: str, *, fallback: str = "item") -> str:
    """A slug for ``text`` that no row of ``model`` has yet and no URL reserves."""
    field = model._meta.get_field("slug")
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.slug is no column of limited length")
    max_length = field.max_length
    base = slug_base(text, max_length=max_length - SUFFIX_LENGTH - 1, fallback=fallback)
    slug = base
    while slug in RESERVED_SLUGS or model._default_manager.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(SUFFIX_LENGTH, SUFFIX_ALPHABET)}"
    return slug


def insert_with_unique_slug(instance: Model, text: str, *, fallback: str = "item") -> None:
    """Insert a new row under a slug made from ``text``.

    Two people who save the same name at the same moment both find its slug free; the
    second insert then fails on the unique index and tries again with a fresh slug. Any
    other integrity error (or a third collision in a row) is raised as it is.
    """
    model = type(instance)
    for attempt in range(3):
        # setattr: every model given here has a ``slug`` column (unique_slug looks it up),
        # which ``Model`` itself does not declare.
        slug = unique_slug(model, text, fallback=fallback)
        setattr(instance, "slug", slug)  # noqa: B010
        try:
            with transaction.atomic():
                instance.save(force_insert=True)
        except IntegrityError:
            if attempt == 2 or not model._default_manager.filter(slug=slug).exists():
                raise
        else:
            return
