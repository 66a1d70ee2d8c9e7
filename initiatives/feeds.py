"""RSS and Atom feeds of newly published initiatives, challenges and stories.

Per kind, and per theme or region across all three kinds. Only published items appear;
the feed items' descriptions are plain text (summaries), never rendered member HTML.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy

from core.models import Region, Theme
from initiatives import queries
from initiatives.models import Challenge, Initiative, Story

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Item = Challenge | Initiative | Story


class ItemFeed(Feed[Item, "Theme | Region | None"]):
    """What every feed says about an item. Atom's ``subtitle`` repeats RSS's description
    (an RSS feed writes no subtitle)."""

    def item_title(self, item: Item) -> str:
        return item.title

    def item_description(self, item: Item) -> str:
        if isinstance(item, Initiative):
            return item.tagline
        return item.summary

    def item_pubdate(self, item: Item) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Item) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Item) -> str:
        if isinstance(item, Initiative):
            return item.lead.name
        if isinstance(item, Challenge):
            return item.owner.name
        return item.initiative.lead.name

    def item_categories(self, item: Item) -> list[str]:
        return [str(type(item)._meta.verbose_name)]


class KindFeed(ItemFeed):
    """The newest published items of one kind; a subclass names the kind and its words."""

    kind = "initiatives"
    list_url = "initiatives:initiative_list"

    def link(self) -> str:
        return reverse(self.list_url)

    def items(self) -> list[Item]:
        return queries.feed_items(kind=self.kind)

    def subtitle(self) -> str:
        return str(self.description)


class InitiativeRss(KindFeed):
    title = gettext_lazy("New initiatives")
    description = gettext_lazy("Initiatives that were just published.")


class ChallengeRss(KindFeed):
    kind = "challenges"
    list_url = "initiatives:challenge_list"
    title = gettext_lazy("New challenges")
    description = gettext_lazy("Societal challenges that were just published.")


class StoryRss(KindFeed):
    kind = "stories"
    list_url = "initiatives:story_list"
    title = gettext_lazy("New stories")
    description = gettext_lazy("Stories of what coalitions tried and learned.")


class TopicFeed(ItemFeed):
    """The newest published items of all three kinds on one theme (``topic = "theme"``) or
    in one region (``"region"``); a subclass names its page and its words (with
    ``%(theme)s`` or ``%(region)s``, as ``topic`` says)."""

    topic = "theme"
    detail_url = "initiatives:theme_detail"
    title_text = gettext_lazy("New on the theme %(theme)s")
    description_text = gettext_lazy("Initiatives, challenges and stories about %(theme)s.")

    def get_object(self, request: HttpRequest, slug: str) -> Theme | Region:
        if self.topic == "region":
            return get_object_or_404(Region, slug=slug)
        return get_object_or_404(Theme, slug=slug)

    def _words(self, text: StrOrPromise, obj: Theme | Region) -> str:
        name = obj.label if isinstance(obj, Theme) else obj.name
        return str(text) % {self.topic: name}

    def title(self, obj: Theme | Region) -> str:
        return self._words(self.title_text, obj)

    def description(self, obj: Theme | Region) -> str:
        return self._words(self.description_text, obj)

    def link(self, obj: Theme | Region) -> str:
        return reverse(self.detail_url, kwargs={"slug": obj.slug})

    def subtitle(self, obj: Theme | Region) -> str:
        return self.description(obj)

    def items(self, obj: Theme | Region) -> list[Item]:
        if isinstance(obj, Theme):
            return queries.feed_items(kind="all", theme=obj.slug)
        return queries.feed_items(kind="all", region=obj.slug)


class ThemeRss(TopicFeed):
    pass


class RegionRss(TopicFeed):
    topic = "region"
    detail_url = "initiatives:region_detail"
    title_text = gettext_lazy("New in %(region)s")
    description_text = gettext_lazy("Initiatives, challenges and stories in %(region)s.")


class InitiativeAtom(InitiativeRss):
    feed_type = Atom1Feed


class ChallengeAtom(ChallengeRss):
    feed_type = Atom1Feed


class StoryAtom(StoryRss):
    feed_type = Atom1Feed


class ThemeAtom(ThemeRss):
    feed_type = Atom1Feed


class RegionAtom(RegionRss):
    feed_type = Atom1Feed
