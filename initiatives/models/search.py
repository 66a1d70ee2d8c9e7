"""The vocabulary that typo-tolerant search corrects query words against."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models


class SearchTerm(models.Model):
    """One distinct word (lower case, without accents) that occurs in public text.

    pg_trgm's recommended set-up for "did you mean": trigram matching against a short table
    of words instead of against every document. Rows are added when content is published or
    edited; ``manage.py rebuild_search_terms`` rebuilds the table from scratch.
    """

    word = models.CharField(max_length=60, unique=True)

    class Meta:
        indexes = [
            # fastupdate off: new words go straight into the index instead of a pending
            # list that every look-up scans linearly (13 ms per word at 100,000 words
            # before the list is flushed, under 1 ms after); words are added rarely.
            GinIndex(
                fields=["word"],
                name="searchterm_word_trgm",
                opclasses=["gin_trgm_ops"],
                fastupdate=False,
            )
        ]

    def __str__(self) -> str:
        return self.word
