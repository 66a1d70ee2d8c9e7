"""Use cases of matchmaking: offers and needs, introductions and their outcomes, follows.

Every use case (``<thing>_<verb>``) is keyword-only and runs in one transaction; it checks
the rule it enforces (views check first for a friendly answer, but the rule lives here),
writes only the columns it changes, records in-app notifications in that transaction and
queues its emails to be sent once it commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_record
from core.emails import absolute_url, send_templated_email
from core.models import Region, Theme
from core.updates import apply_changes
from initiatives import services as initiative_services
from initiatives.models import Challenge, Initiative, Story
from matchmaking import permissions
from matchmaking.models import (
    DigestDelivery,
    EventKind,
    Follow,
    Introduction,
    IntroductionEvent,
    IntroductionState,
    Notification,
    NotificationKind,
    OfferNeed,
    Outcome,
)
from matchmaking.notifications import notify, queue_email
from members import roles
from members.models import Organisation, User
from members.roles import organisation_admins

OFFER_NEED_FIELDS = ("direction", "kind", "title", "description", "region", "ends_on")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# ---------------------------------------------------------------------------
# Offers and needs
# ---------------------------------------------------------------------------


def _offer_need_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of an offer or need among ``values``; its themes are set after the save."""
    return {name: values[name] for name in OFFER_NEED_FIELDS if name in values}


@transaction.atomic
def offer_need_create(
    *, organisation: Organisation, by: User, values: Mapping[str, Any]
) -> OfferNeed:
    """A new offer or need of ``organisation``, posted by one of its admins."""
    _require(roles.is_organisation_admin(by, organisation))
    roles.require_active_organisation(organisation)
    offer_need = OfferNeed(organisation=organisation, created_by=by, **_offer_need_columns(values))
    offer_need.full_clean(exclude=["slug"])
    offer_need.save()
    if "themes" in values:
        offer_need.themes.set(list(values["themes"]))
    return offer_need


def _refuse_hidden(offer_need: OfferNeed) -> None:
    """An offer the editors hid stays as they left it: its organisation can no longer edit,
    close or reopen it (the "Open again" button would otherwise undo the editors)."""
    if offer_need.is_hidden:
        raise ValidationError(
            _("The editors hid this: only an editor can lift the hiding."), code="hidden"
        )


@transaction.atomic
def offer_need_update(*, offer_need: OfferNeed, by: User, values: Mapping[str, Any]) -> OfferNeed:
    """An admin of its organisation changes an offer or need; only the columns whose value
    differs from the stored row are written (the caller's copy may already hold the new
    values, as a bound ModelForm leaves it)."""
    _require(roles.is_organisation_admin(by, offer_need.organisation))
    roles.require_active_organisation(offer_need.organisation)
    stored = _locked_offer_need(offer_need)
    _refuse_hidden(stored)
    changed = apply_changes(stored, _offer_need_columns(values))
    stored.full_clean(exclude=["slug"])
    stored.save(update_fields=changed)
    for name in changed:
        setattr(offer_need, name, getattr(stored, name))
    if "themes" in values:
        offer_need.themes.set(list(values["themes"]))
    return offer_need


@transaction.atomic
def offer_need_close(*, offer_need: OfferNeed, by: User) -> None:
    """Take an offer or need off the lists; it stays visible to the organisation itself."""
    _require(roles.is_organisation_admin(by, offer_need.organisation))
    roles.require_active_organisation(offer_need.organisation)
    _refuse_hidden(_locked_offer_need(offer_need))
    if offer_need.closed_at is None:
        offer_need.closed_at = timezone.now()
        offer_need.save(update_fields=["closed_at", "updated_at"])


@transaction.atomic
def offer_need_reopen(*, offer_need: OfferNeed, by: User) -> None:
    """Put a closed offer or need back on the lists (unless the editors hid it)."""
    _require(roles.is_organisation_admin(by, offer_need.organisation))
    roles.require_active_organisation(offer_need.organisation)
    _refuse_hidden(_locked_offer_need(offer_need))
    if offer_need.closed_at is not None:
        offer_need.closed_at = None
        offer_need.save(update_fields=["closed_at", "updated_at"])


def _locked_offer_need(offer_need: OfferNeed) -> OfferNeed:
    """Re-read the row under a lock, so an editor's hiding that lands meanwhile is seen (and
    a save of the caller's copy cannot undo it); the caller's copy takes over its closing
    and hiding. Returns the row as stored."""
    locked = OfferNeed.objects.select_for_update().get(pk=offer_need.pk)
    for name in ("closed_at", "hidden_at", "hidden_by_id", "hidden_reason"):
        setattr(offer_need, name, getattr(locked, name))
    return locked


def _hidden_recipients(offer_need: OfferNeed) -> list[tuple[str, str]]:
    """Who hears that the editors hid it: whoever runs the organisation now."""
    return list(
        organisation_admins(offer_need.organisation)
        .filter(is_active=True)
        .values_list("email", "language")
    )


@transaction.atomic
def offer_need_hide(*, offer_need: OfferNeed, by: User, reason: str) -> None:
    """An editor takes an offer or need off the site (after a report, or from the admin),
    with a reason its organisation sees. It is closed and marked hidden: the organisation
    cannot edit or reopen it until an editor lifts the hiding."""
    roles.require_editor(by)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a reason."), code="reason_required")
    _locked_offer_need(offer_need)
    if offer_need.is_hidden:
        raise ValidationError(_("This item is already hidden."), code="already_hidden")
    now = timezone.now()
    if offer_need.closed_at is None:
        offer_need.closed_at = now
    offer_need.hidden_at = now
    offer_need.hidden_by = by
    offer_need.hidden_reason = reason
    offer_need.save(
        update_fields=["closed_at", "hidden_at", "hidden_by", "hidden_reason", "updated_at"]
    )
    audit_record(actor=by, action="offerneed.hide", target=offer_need, reason=reason)
    for email, language in _hidden_recipients(offer_need):
        # The same words as for hidden initiatives, challenges and stories.
        send_templated_email(
            template_prefix="initiatives/email/item_hidden",
            to=[email],
            language=language,
            context={"item": offer_need, "reason": reason},
        )


@transaction.atomic
def offer_need_unhide(*, offer_need: OfferNeed, by: User) -> None:
    """An editor lifts the hiding. It stays closed: its organisation decides whether to open
    it again, so nothing comes back on the lists by accident."""
    roles.require_editor(by)
    _locked_offer_need(offer_need)
    if not offer_need.is_hidden:
        raise ValidationError(_("This item is not hidden."), code="not_hidden")
    offer_need.hidden_at = None
    offer_need.hidden_by = None
    offer_need.hidden_reason = ""
    offer_need.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    audit_record(actor=by, action="offerneed.unhide", target=offer_need)


# ---------------------------------------------------------------------------
# Introductions
# ---------------------------------------------------------------------------


def requests_in_last_day(user: User) -> int:
    """How many introductions the member asked for in the last 24 hours (database count)."""
    since = timezone.now() - timedelta(hours=24)
    return Introduction.objects.filter(
        requester=user, proposed_by__isnull=True, created_at__gte=since
    ).count()


def daily_limit() -> int:
    """How many introductions a member may ask for in 24 hours (facilitators' proposals aside)."""
    return int(getattr(settings, "MATCHMAKING_DAILY_REQUEST_LIMIT", 5))


def check_rate_limit(user: User) -> None:
    """Refuse a request over the daily limit. Call it inside the transaction that saves the
    request, after ``_lock_requester``: only then can parallel requests not both pass."""
    limit = daily_limit()
    if requests_in_last_day(user) >= limit:
        raise ValidationError(
            ngettext(
                "You can ask for at most %(limit)d introduction a day, and you reached it. "
                "Try again tomorrow, or write to a facilitator.",
                "You can ask for at most %(limit)d introductions a day, and you reached that. "
                "Try again tomorrow, or write to a facilitator.",
                limit,
            )
            % {"limit": limit},
            code="rate_limited",
        )


def _lock_requester(user: User) -> None:
    """Take the requester's user row lock until the transaction ends. Parallel requests of one
    member queue here, so each one counts the requests the one before it committed.

    FOR NO KEY UPDATE, not FOR UPDATE: it still queues parallel requests, but lets other
    transactions commit rows that point at this user (their foreign-key check takes FOR KEY
    SHARE, which FOR UPDATE blocks). With FOR UPDATE, a stamp claim by the same member in
    another tab (it locks the organisation, then references the user) deadlocked with this."""
    User.objects.select_for_update(no_key=True).filter(pk=user.pk).values_list(
        "pk", flat=True
    ).first()


def _event(
    introduction: Introduction,
    kind: str,
    actor: User | None,
    note: str = "",
    *,
    previous_organisation: Organisation | None = None,
) -> None:
    IntroductionEvent.objects.create(
        introduction=introduction,
        kind=kind,
        actor=actor,
        note=note,
        previous_organisation=previous_organisation,
    )


def _set_state(introduction: Introduction, state: str, *fields: str) -> None:
    introduction.state = state
    introduction.state_changed_at = timezone.now()
    introduction.save(update_fields=["state", "state_changed_at", *fields])


def _subject_kwargs(
    subject: Challenge | Initiative | OfferNeed | None,
) -> dict[str, Any]:
    if isinstance(subject, Challenge):
        return {"challenge": subject}
    if isinstance(subject, Initiative):
        return {"initiative": subject}
    if isinstance(subject, OfferNeed):
        return {"offer_need": subject}
    return {}


def requesting_contacts(introduction: Introduction) -> list[User]:
    """Who speaks for the requesting side: the member who asked, or else its admins."""
    if introduction.requester is not None:
        return [introduction.requester]
    return list(organisation_admins(introduction.requesting_organisation))


def requesting_contact(introduction: Introduction) -> User | None:
    """The one person the receiving side reads as its contact on the asking side."""
    contacts = requesting_contacts(introduction)
    return contacts[0] if contacts else None


def _save_new(introduction: Introduction) -> None:
    try:
        with transaction.atomic():
            introduction.save()
    except IntegrityError as error:
        raise ValidationError(
            _("There is already an open introduction between these organisations about this."),
            code="duplicate",
        ) from error


def _check_parties(requesting: Organisation, receiving: Organisation) -> None:
    """The asking side may act (active), the other side takes requests (active and open)."""
    roles.require_active_organisation(requesting)
    if requesting.pk == receiving.pk:
        raise ValidationError(_("Choose another organisation than your own."), code="same")
    # The other side's suspension is not spelled out to the asker: it simply takes no requests.
    if not roles.is_active_organisation(receiving) or not receiving.open_to_cooperation:
        raise ValidationError(
            _("This organisation does not take introduction requests."), code="closed"
        )


def _require_not_on_hold(introduction: Introduction) -> None:
    """An introduction with a suspended or archived party waits until reinstatement
    (``Introduction.is_on_hold`` is the rule)."""
    # The parties as they are now, not as the caller loaded them a moment ago.
    current = Introduction.objects.select_related(
        "requesting_organisation", "receiving_organisation"
    ).get(pk=introduction.pk)
    if current.is_on_hold:
        raise ValidationError(
            _(
                "This introduction is on hold: one of the organisations is suspended or "
                "archived. It continues where it was once an editor lifts the suspension."
            ),
            code="on_hold",
        )


def _require_public_subject(subject: Challenge | Initiative | OfferNeed | None) -> None:
    """An introduction can only be about something the public sees now: a published
    challenge or initiative of a listed organisation, or a current offer or need (not
    closed, hidden or expired, of a listed organisation). Read from the database, so a
    suspension or a hiding that landed after the caller loaded the subject counts."""
    if subject is None:
        return
    public: QuerySet[Any] = (
        OfferNeed.objects.current()
        if isinstance(subject, OfferNeed)
        else type(subject).objects.published()
    )
    if not public.filter(pk=subject.pk).exists():
        raise ValidationError(
            _("What this introduction would be about is no longer public."),
            code="subject_not_public",
        )


@transaction.atomic
def introduction_request(
    *,
    requester: User,
    requesting_organisation: Organisation,
    receiving_organisation: Organisation,
    message: str,
    subject: Challenge | Initiative | OfferNeed | None = None,
) -> Introduction:
    """A member asks, on behalf of their organisation, to be introduced; facilitators are told."""
    _require(roles.role_in(requester, requesting_organisation) is not None)
    _check_parties(requesting_organisation, receiving_organisation)
    _require_public_subject(subject)
    _lock_requester(requester)
    check_rate_limit(requester)
    introduction = Introduction(
        requester=requester,
        requesting_organisation=requesting_organisation,
        receiving_organisation=receiving_organisation,
        message=message,
        **_subject_kwargs(subject),
    )
    _save_new(introduction)
    _event(introduction, EventKind.REQUESTED, requester, message)
    notify(
        recipients=roles.facilitators(),
        kind=NotificationKind.REQUEST_WAITING,
        introduction=introduction,
        email_template="introduction_request",
    )
    return introduction


def _tell_receivers(introduction: Introduction, note: str) -> None:
    notify(
        recipients=organisation_admins(introduction.receiving_organisation),
        kind=NotificationKind.INTRODUCTION_RECEIVED,
        introduction=introduction,
        email_template="introduction_forwarded",
        context={"note": note},
    )


def _tell_requesters(introduction: Introduction, kind: str, note: str, **context: Any) -> None:
    notify(
        recipients=requesting_contacts(introduction),
        kind=kind,
        introduction=introduction,
        email_template="introduction_update",
        context={"event": kind, "note": note, **context},
    )


@transaction.atomic
def introduction_propose(
    *,
    facilitator: User,
    requesting_organisation: Organisation,
    receiving_organisation: Organisation,
    message: str,
    subject: Challenge | Initiative | OfferNeed | None = None,
) -> Introduction:
    """A facilitator starts an introduction from a suggestion; it goes straight to the receiver."""
    roles.require_facilitator(facilitator)
    _check_parties(requesting_organisation, receiving_organisation)
    _require_public_subject(subject)
    introduction = Introduction(
        proposed_by=facilitator,
        requesting_organisation=requesting_organisation,
        receiving_organisation=receiving_organisation,
        message=message,
        state=IntroductionState.FORWARDED,
        **_subject_kwargs(subject),
    )
    _save_new(introduction)
    _event(introduction, EventKind.PROPOSED, facilitator, message)
    _tell_receivers(introduction, message)
    _tell_requesters(introduction, NotificationKind.FORWARDED, message)
    return introduction


def _lock(introduction: Introduction) -> Introduction:
    """Re-read the row under a lock: two people acting at once cannot both win."""
    locked = Introduction.objects.select_for_update().get(pk=introduction.pk)
    introduction.state = locked.state
    # Setting a different id drops the cached organisation, so rules read the current one.
    introduction.receiving_organisation_id = locked.receiving_organisation_id
    return introduction


def _require_forwardable(introduction: Introduction, by: User) -> None:
    """Facilitators act on requests that still wait for them."""
    roles.require_facilitator(by)
    _require(permissions.can_forward(by, introduction))


@transaction.atomic
def introduction_forward(*, introduction: Introduction, by: User, note: str = "") -> None:
    """A facilitator passes the request on to the receiving organisation's admins."""
    _lock(introduction)
    _require_forwardable(introduction, by)
    _require_not_on_hold(introduction)
    _set_state(introduction, IntroductionState.FORWARDED)
    _event(introduction, EventKind.FORWARDED, by, note)
    _tell_receivers(introduction, note)
    _tell_requesters(introduction, NotificationKind.FORWARDED, note)


@transaction.atomic
def introduction_not_forward(*, introduction: Introduction, by: User, note: str) -> None:
    """A facilitator declines to pass the request on, and says why.

    Allowed while a party is suspended: it ends the request without sharing anything."""
    _lock(introduction)
    _require_forwardable(introduction, by)
    if not note.strip():
        raise ValidationError(_("Say why, so the member knows what to do next."), code="note")
    _set_state(introduction, IntroductionState.NOT_FORWARDED)
    _event(introduction, EventKind.NOT_FORWARDED, by, note)
    _tell_requesters(introduction, NotificationKind.NOT_FORWARDED, note)


@transaction.atomic
def introduction_redirect(
    *, introduction: Introduction, by: User, organisation: Organisation, note: str = ""
) -> None:
    """A facilitator proposes a better-suited party and forwards the request to it.

    Allowed while the first receiver is suspended (that is a way forward for the request);
    the requesting organisation and the new receiver must be active."""
    _lock(introduction)
    _require_forwardable(introduction, by)
    if organisation.pk == introduction.receiving_organisation_id:
        raise ValidationError(_("Choose another organisation than the current one."), code="same")
    _check_parties(introduction.requesting_organisation, organisation)
    previous = introduction.receiving_organisation
    introduction.receiving_organisation = organisation
    introduction.state = IntroductionState.FORWARDED
    introduction.state_changed_at = timezone.now()
    try:
        with transaction.atomic():
            introduction.save(update_fields=["receiving_organisation", "state", "state_changed_at"])
    except IntegrityError as error:
        raise ValidationError(
            _("There is already an open introduction between these organisations about this."),
            code="duplicate",
        ) from error
    _event(introduction, EventKind.REDIRECTED, by, note, previous_organisation=previous)
    # The new receiver hears of the request as if it were forwarded to them first: nothing
    # they receive names the organisation that was asked before.
    _tell_receivers(introduction, note)
    _tell_requesters(introduction, NotificationKind.REDIRECTED, note, previous=previous)


@transaction.atomic
def introduction_accept(*, introduction: Introduction, by: User, note: str = "") -> None:
    """An admin of the receiving organisation accepts: both sides now see each other's contact."""
    _lock(introduction)
    _require(permissions.can_answer(by, introduction))
    _require_not_on_hold(introduction)
    introduction.answered_by = by
    _set_state(introduction, IntroductionState.ACCEPTED, "answered_by")
    _event(introduction, EventKind.ACCEPTED, by, note)
    contacts = requesting_contacts(introduction)
    notify(
        recipients=contacts,
        kind=NotificationKind.ACCEPTED,
        introduction=introduction,
        email_template="introduction_accepted",
        context={"contact": by, "organisation": introduction.receiving_organisation, "note": note},
    )
    if contacts:
        # The accepting admin gets the requesting contact in writing too (no in-app notice:
        # they just did it themselves).
        queue_email(
            user=by,
            template="introduction_accepted",
            context={
                "introduction": introduction,
                "url": absolute_url(introduction.get_absolute_url()),
                "contact": contacts[0],
                "organisation": introduction.requesting_organisation,
                "note": "",
            },
        )


@transaction.atomic
def introduction_decline(*, introduction: Introduction, by: User, note: str = "") -> None:
    """An admin of the receiving organisation declines, optionally saying why."""
    _lock(introduction)
    _require(permissions.can_answer(by, introduction))
    _require_not_on_hold(introduction)
    introduction.answered_by = by
    _set_state(introduction, IntroductionState.DECLINED, "answered_by")
    _event(introduction, EventKind.DECLINED, by, note)
    _tell_requesters(introduction, NotificationKind.DECLINED, note)


@transaction.atomic
def introduction_withdraw(*, introduction: Introduction, by: User, note: str = "") -> None:
    """The asking side takes back a request nobody has answered yet; it ends there.

    Nobody is told: the request either never reached the other side, or it now ends with a
    step on its timeline that facilitators see."""
    _lock(introduction)
    _require(permissions.can_withdraw(by, introduction))
    _require_not_on_hold(introduction)
    _set_state(introduction, IntroductionState.WITHDRAWN)
    _event(introduction, EventKind.WITHDRAWN, by, note)


# ---------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------


@transaction.atomic
def outcome_record(
    *,
    introduction: Introduction,
    by: User,
    description: str,
    amount: Decimal | None = None,
    unit: str = "",
) -> Outcome:
    """Either side writes down what came of an accepted introduction."""
    _require(permissions.can_record_outcome(by, introduction))
    _require_not_on_hold(introduction)
    other_side: list[User]
    if introduction.requester_id == by.pk or roles.is_organisation_admin(
        by, introduction.requesting_organisation
    ):
        organisation = introduction.requesting_organisation
        answered_by = introduction.answered_by
        other_side = [answered_by] if answered_by is not None else []
    else:
        organisation = introduction.receiving_organisation
        other_side = requesting_contacts(introduction)
    outcome = Outcome.objects.create(
        introduction=introduction,
        organisation=organisation,
        recorded_by=by,
        description=description,
        amount=amount,
        unit=unit,
    )
    _event(introduction, EventKind.OUTCOME, by, description)
    notify(
        recipients=[user for user in other_side if user.pk != by.pk],
        kind=NotificationKind.OUTCOME,
        introduction=introduction,
    )
    return outcome


def story_initiatives_for(user: User, outcome: Outcome) -> list[Initiative]:
    """Initiatives a story about this outcome may belong to: led by an organisation of the user."""
    led = Initiative.objects.filter(lead__memberships__user=user).select_related("lead")
    subject = outcome.introduction.initiative
    if subject is not None:
        led = led | Initiative.objects.filter(pk=subject.pk, lead__memberships__user=user)
    return list(led.distinct().order_by("title"))


@transaction.atomic
def outcome_to_story(*, outcome: Outcome, by: User, initiative: Initiative) -> Story:
    """Turn an outcome into a draft story of ``initiative`` (through the initiatives service).

    The draft is built from what is already public (the challenge it was about) and the
    outcome; never from the request message, which stays between the two parties
    and the facilitator."""
    introduction = outcome.introduction
    _require(permissions.can_record_outcome(by, introduction))
    _require_not_on_hold(introduction)
    # Two posts at once (a double click, two tabs) queue on the outcome's row: the second
    # reads the story the first one saved, and refuses, instead of writing a second story.
    outcome.story_id = (
        Outcome.objects.select_for_update().values_list("story_id", flat=True).get(pk=outcome.pk)
    )
    if outcome.story_id is not None:
        raise ValidationError(_("This outcome already has a story."), code="has_story")
    challenge = introduction.challenge
    problem = challenge.summary if challenge is not None else ""
    amount = (
        f" ({Decimal(outcome.amount).normalize():f} {outcome.unit})".rstrip()
        if outcome.amount is not None
        else ""
    )
    title = Truncator(
        _("%(first)s and %(second)s: what came of our introduction")
        % {
            "first": introduction.requesting_organisation.name,
            "second": introduction.receiving_organisation.name,
        }
    ).chars(150)
    story = initiative_services.story_create(
        by=by,
        initiative=initiative,
        values={
            "title": title,
            "summary": Truncator(outcome.description).chars(300),
            "problem": problem,
            "coalition": _(
                "%(first)s and %(second)s were introduced to each other through %(site)s."
            )
            % {
                "first": introduction.requesting_organisation.name,
                "second": introduction.receiving_organisation.name,
                "site": settings.SITE_NAME,
            },
            "results": f"{outcome.description}{amount}",
        },
    )
    outcome.story = story
    outcome.save(update_fields=["story"])
    return story


# ---------------------------------------------------------------------------
# Follows and notifications
# ---------------------------------------------------------------------------


@transaction.atomic
def follows_set(*, user: User, themes: Iterable[Theme], regions: Iterable[Region]) -> None:
    """Replace what the member follows for the weekly digest."""
    theme_ids = {theme.pk for theme in themes}
    region_ids = {region.pk for region in regions}
    Follow.objects.filter(user=user, theme__isnull=False).exclude(theme__in=theme_ids).delete()
    Follow.objects.filter(user=user, region__isnull=False).exclude(region__in=region_ids).delete()
    Follow.objects.bulk_create(
        [Follow(user=user, theme_id=pk) for pk in theme_ids]
        + [Follow(user=user, region_id=pk) for pk in region_ids],
        ignore_conflicts=True,
    )


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the member's notifications ``ids`` (all unread ones for None) as read; returns
    how many were unread."""
    unread = Notification.objects.unread().filter(recipient=user)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def week_start(day: date) -> date:
    """The Monday of ``day``'s week: a digest is sent once per member and week."""
    return day - timedelta(days=day.weekday())


# ---------------------------------------------------------------------------
# Weekly digest
# ---------------------------------------------------------------------------


def digest_items(user: User, *, since: datetime) -> dict[str, list[Any]]:
    """New challenges, offers and needs since ``since`` matching what the member follows."""
    follows = list(Follow.objects.filter(user=user).values_list("theme_id", "region_id"))
    theme_ids = [theme for theme, _region in follows if theme]
    region_ids = [region for _theme, region in follows if region]
    if not theme_ids and not region_ids:
        return {"challenges": [], "offers": [], "needs": []}
    challenge_themes = Challenge.themes.through.objects.filter(tag_id__in=theme_ids)
    challenges = (
        Challenge.objects.published()
        .open()
        .filter(published_at__gte=since)
        .filter(
            Q(region_id__in=region_ids) | Q(pk__in=challenge_themes.values("content_object_id"))
        )
        .select_related("owner")
        .order_by("-published_at")[:20]
    )
    offer_themes = OfferNeed.themes.through.objects.filter(tag_id__in=theme_ids)
    offers_needs = list(
        OfferNeed.objects.current()
        .filter(created_at__gte=since)
        .filter(Q(region_id__in=region_ids) | Q(pk__in=offer_themes.values("content_object_id")))
        .exclude(organisation__memberships__user=user)
        .select_related("organisation")
        .order_by("-created_at")[:40]
    )
    return {
        "challenges": list(challenges),
        "offers": [item for item in offers_needs if item.is_offer],
        "needs": [item for item in offers_needs if not item.is_offer],
    }


def weekly_digest_send(*, today: date | None = None) -> int:
    """Email every follower the week's matching news, once per week (safe to run again):
    one transaction per follower, so a failure halfway keeps the weeks already recorded."""
    today = today or timezone.localdate()
    week = week_start(today)
    since = timezone.now() - timedelta(days=7)
    sent = 0
    followers = User.objects.filter(is_active=True, follows__isnull=False).distinct()
    for user in followers.exclude(pk__in=DigestDelivery.objects.filter(week=week).values("user")):
        items = digest_items(user, since=since)
        count = sum(len(found) for found in items.values())
        if not count:
            continue
        with transaction.atomic():
            _delivery, created = DigestDelivery.objects.get_or_create(
                user=user, week=week, defaults={"item_count": count}
            )
            if not created:
                continue
            queue_email(
                user=user,
                template="weekly_digest",
                context={
                    **items,
                    "count": count,
                    "week": week,
                    "follow_url": absolute_url(reverse("matchmaking:follow_settings")),
                },
            )
        sent += 1
    return sent
