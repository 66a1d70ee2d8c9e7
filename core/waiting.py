"""One thing that waits for a person on "Wacht op jou" (``/mijn/``), with its one action.

Each app answers what waits in its own part of the site (``waiting_for(user)`` in its
``queries.py``) and hands it to the members' dashboard through its template tags, so the
import direction between apps holds; they all speak this one small shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class WaitingItem:
    """A sentence, the link to the page where the person acts, and what it says there."""

    kind: str  # a stable name per sort of item, for styling and tests ("partner_request")
    text: str  # one translated sentence, plain text (the template escapes it)
    action_label: str
    action_url: str
    since: datetime | None = None  # waiting since
    deadline: datetime | None = None  # act before
    note: str = ""  # what someone said, e.g. the editors' reason
    note_label: str = ""
    urgent: bool = False
