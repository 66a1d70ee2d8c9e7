"""sitemap.xml: published initiatives, challenges and stories, plus the pages that list them."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from initiatives.models import Challenge, Initiative, Story

Item = Challenge | Initiative | Story


class PublishedSitemap(Sitemap[Item]):
    model: type[Item] = Initiative
    changefreq = "weekly"
    limit = 5000
    i18n = True
    alternates = True
    x_default = True

    def items(self) -> QuerySet[Item]:
        return (
            self.model.objects.published()
            .only("slug", "updated_at")
            .order_by("-published_at", "-slug")
        )

    def lastmod(self, item: Item) -> datetime:
        return item.updated_at


class InitiativeSitemap(PublishedSitemap):
    model = Initiative
    priority = 0.8


class ChallengeSitemap(PublishedSitemap):
    model = Challenge
    priority = 0.7


class StorySitemap(PublishedSitemap):
    model = Story
    priority = 0.7


class ListSitemap(Sitemap[str]):
    changefreq = "daily"
    priority = 0.5
    i18n = True

    def items(self) -> list[str]:
        return [
            "initiatives:initiative_list",
            "initiatives:challenge_list",
            "initiatives:story_list",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


sitemaps = {
    "lists": ListSitemap,
    "initiatives": InitiativeSitemap,
    "challenges": ChallengeSitemap,
    "stories": StorySitemap,
}
