"""What waits for a member around the stamp ("Wacht op jou" on ``/mijn/``): a new charter
to confirm before its deadline, and claims that wait for the editors' approval."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.waiting import WaitingItem
from members.models import Organisation, User
from stamp.models import Charter, Claim, ClaimStatus

WAITING_LIMIT = 20


def waiting_for(user: User) -> list[WaitingItem]:
    """Open claims of the organisations the member administers that need something: one
    query for the claims, one for the current charter when a confirmation is due."""
    now = timezone.now()
    claims = list(
        Claim.objects.open()
        .filter(organisation__in=Organisation.objects.administered_by(user).values("pk"))
        .filter(Q(status=ClaimStatus.PENDING) | Q(confirmation_due_at__isnull=False))
        .select_related("organisation")
        .order_by("confirmation_due_at", "claimed_at")[:WAITING_LIMIT]
    )
    if not claims:
        return []
    current = Charter.objects.current() if any(c.needs_confirmation for c in claims) else None
    items: list[WaitingItem] = []
    for claim in claims:
        organisation = claim.organisation
        manage_url = reverse("stamp:manage", kwargs={"slug": organisation.slug})
        if claim.needs_confirmation:
            due = claim.confirmation_due_at
            assert due is not None
            overdue = due <= now
            text = (
                _(
                    "%(organisation)s did not confirm version %(version)s of the charter in "
                    "time: its stamp has lapsed."
                )
                if overdue
                else _(
                    "%(organisation)s carries the stamp: confirm version %(version)s of the "
                    "charter before %(date)s, or the stamp lapses."
                )
            )
            items.append(
                WaitingItem(
                    kind="stamp_confirm",
                    text=text
                    % {
                        "organisation": organisation.name,
                        "version": current.version if current is not None else "?",
                        "date": date_format(timezone.localtime(due), "j F Y"),
                    },
                    action_label=_("Claim it again") if overdue else _("Read and confirm"),
                    action_url=manage_url,
                    deadline=None if overdue else due,
                    urgent=True,
                )
            )
        else:
            items.append(
                WaitingItem(
                    kind="stamp_pending",
                    text=_("The stamp claim of %(organisation)s waits for the editors' approval.")
                    % {"organisation": organisation.name},
                    action_label=_("View the stamp"),
                    action_url=manage_url,
                    since=claim.claimed_at,
                )
            )
    return items
