"""Waiting times in calendar days of the site's time zone, in both languages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from core.timewords import waiting_since

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2027, 3, 5, 0, 15, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("then", "words"),
    [
        (datetime(2027, 3, 5, 0, 1, tzinfo=AMSTERDAM), "since today"),
        (datetime(2027, 3, 4, 23, 50, tzinfo=AMSTERDAM), "since yesterday"),
        (datetime(2027, 3, 2, 9, 0, tzinfo=AMSTERDAM), "for 3 days"),
        (datetime(2027, 3, 6, 9, 0, tzinfo=AMSTERDAM), "since today"),  # clocks disagree
    ],
)
def test_a_waiting_time_is_worded_in_calendar_days(english, then, words):
    assert waiting_since(then, now=NOW) == words


def test_days_follow_the_sites_time_zone_not_utc(english):
    # 23:30 UTC on the 4th is already the 5th in Amsterdam.
    then = datetime(2027, 3, 4, 23, 30, tzinfo=ZoneInfo("UTC"))

    assert waiting_since(then, now=NOW) == "since today"


def test_nothing_to_word_is_empty():
    assert waiting_since(None) == ""


def test_the_filter_words_a_datetime(english):
    rendered = Template("{% load core_tags %}{{ when|waiting_since }}").render(
        Context({"when": datetime.now(tz=AMSTERDAM)})
    )

    assert rendered == "since today"


@pytest.mark.parametrize(
    ("then", "words"),
    [
        (datetime(2027, 3, 5, 0, 1, tzinfo=AMSTERDAM), "sinds vandaag"),
        (datetime(2027, 3, 4, 12, 0, tzinfo=AMSTERDAM), "sinds gisteren"),
        (datetime(2027, 3, 2, 12, 0, tzinfo=AMSTERDAM), "sinds 3 dagen"),
    ],
)
def test_dutch_says_sinds(then, words):
    """Needs the Dutch of the new messages in locale/nl (merged by the lead)."""
    with translation.override("nl"):
        assert waiting_since(then, now=NOW) == words
