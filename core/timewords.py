"""Times in words a person reads at a glance: "since today", "since 3 days"."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import ngettext, pgettext


def waiting_since(value: datetime | None, now: datetime | None = None) -> str:
    """How long something has waited, in whole calendar days of the site's time zone.

    Minutes and hours say nothing to a facilitator planning their day ("waiting 0 minutes"):
    what counts is whether it came in today, yesterday or n days ago.
    """
    if value is None:
        return ""
    now = now or timezone.now()
    days = (timezone.localdate(now) - timezone.localdate(value)).days
    if days <= 0:
        return pgettext("waiting", "since today")
    if days == 1:
        return pgettext("waiting", "since yesterday")
    return ngettext("for %(count)d day", "for %(count)d days", days) % {"count": days}
