"""RSS and Atom feeds of newly published initiatives, challenges and stories.

Per kind, and per theme or region across all three kinds. Only published items appear;
the feed items' descriptions are plain text (summaries), never rendered member HTML.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from core.models import Region, Theme
from initiatives import queries
from initiatives.models import Challenge, Initiative, Story


class ItemFeed(Feed):  # type: ignore[type-arg]
    kind = "all"

    def item_title(self, item: Any) -> str:
        return item.title

    def item_description(self, item: Any) -> str:
        if isinstance(item, Initiative):
            return item.tagline
        return item.summary

    def item_pubdate(self, item: Any) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Any) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Any) -> str:
        if isinstance(item, Initiative):
            return item.lead.name
        if isinstance(item, Challenge):
            return item.owner.name
        return item.initiative.lead.name

    def item_categories(self, item: Any) -> list[str]:
        return [str(type(item)._meta.verbose_name)]


class KindFeed(ItemFeed):
    kind = "initiatives"
    list_url = "initiatives:initiative_list"

    def link(self) -> str:
        return reverse(self.list_url)

    def items(self) -> list[Any]:
        return queries.feed_items(kind=self.kind)


class InitiativeRss(KindFeed):
    def title(self) -> str:
        return _("New initiatives")

    def description(self) -> str:
        return _("Initiatives that were just published.")


class InitiativeAtom(InitiativeRss):
    feed_type = Atom1Feed
    subtitle = InitiativeRss.description


class ChallengeRss(KindFeed):
    kind = "challenges"
    list_url = "initiatives:challenge_list"

    def title(self) -> str:
        return _("New challenges")

    def description(self) -> str:
        return _("Societal challenges that were just published.")


class ChallengeAtom(ChallengeRss):
    feed_type = Atom1Feed
    subtitle = ChallengeRss.description


class StoryRss(KindFeed):
    kind = "stories"
    list_url = "initiatives:story_list"

    def title(self) -> str:
        return _("New stories")

    def description(self) -> str:
        return _("Stories of what coalitions tried and learned.")


class StoryAtom(StoryRss):
    feed_type = Atom1Feed
    subtitle = StoryRss.description


class ThemeRss(ItemFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Theme:  # type: ignore[override]
        return get_object_or_404(Theme, slug=slug)

    def title(self, obj: Theme) -> str:
        return _("New on the theme %(theme)s") % {"theme": obj.label}

    def description(self, obj: Theme) -> str:
        return _("Initiatives, challenges and stories about %(theme)s.") % {"theme": obj.label}

    def link(self, obj: Theme) -> str:
        return reverse("initiatives:theme_detail", kwargs={"slug": obj.slug})

    def items(self, obj: Theme) -> list[Any]:
        return queries.feed_items(kind="all", theme=obj.slug)


class ThemeAtom(ThemeRss):
    feed_type = Atom1Feed
    subtitle = ThemeRss.description


class RegionRss(ItemFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Region:  # type: ignore[override]
        return get_object_or_404(Region, slug=slug)

    def title(self, obj: Region) -> str:
        return _("New in %(region)s") % {"region": obj.name}

    def description(self, obj: Region) -> str:
        return _("Initiatives, challenges and stories in %(region)s.") % {"region": obj.name}

    def link(self, obj: Region) -> str:
        return reverse("initiatives:region_detail", kwargs={"slug": obj.slug})

    def items(self, obj: Region) -> list[Any]:
        return queries.feed_items(kind="all", region=obj.slug)


class RegionAtom(RegionRss):
    feed_type = Atom1Feed
    subtitle = RegionRss.description


__all__ = ["Story"]
