"""Use cases for challenges, initiatives and stories: write, move between states, partner up.

Every function is keyword-only and runs in one transaction; it checks the rule it enforces
(views check first, for a friendly answer, but the rule lives here).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.emails import absolute_url, send_templated_email
from core.images import delete_image, make_renditions
from core.markdown import markdown_to_text
from core.ratelimit import hit
from core.slugs import insert_with_unique_slug
from core.updates import apply_changes, with_auto_now
from initiatives import permissions
from initiatives.models import (
    Challenge,
    ChallengeLink,
    ImpactFigure,
    Initiative,
    InitiativeImage,
    InitiativePartner,
    InitiativeUpdate,
    PartnerRole,
    PublicationStatus,
    SearchTerm,
    Story,
)
from initiatives.signals import item_decided
from members import roles
from members.models import Organisation, User
from members.roles import organisation_admins

Item = Challenge | Initiative | Story

COVER_KIND = "cover"
GALLERY_KIND = "gallery"
# The many-to-many fields an owner writes, set after the row is saved.
_M2M: dict[type[Item], frozenset[str]] = {
    Challenge: frozenset({"themes"}),
    Initiative: frozenset({"themes", "challenges"}),
    Story: frozenset(),
}

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def normalise_word(word: str) -> str:
    """Lower case without accents: how the typo vocabulary stores words."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


WORD_RE = re.compile(r"[^\W\d_]{4,60}")


def words_of(text: str) -> set[str]:
    """The words of ``text`` the typo vocabulary keeps: letters only, 4 to 60 of them."""
    return set(WORD_RE.findall(normalise_word(text)))


def search_terms_add(*, text: str) -> None:
    """Add the words of public text to the typo-correction vocabulary."""
    words = words_of(text)
    if words:
        SearchTerm.objects.bulk_create(
            [SearchTerm(word=word) for word in words], ignore_conflicts=True
        )


@transaction.atomic
def search_terms_rebuild() -> int:
    """Rebuild the typo vocabulary from all public text, organisations included."""
    words: set[str] = set()
    sources = [
        Initiative.objects.published().values_list("title", "tagline", "search_text"),
        Challenge.objects.published().values_list("title", "summary", "search_text"),
        Story.objects.published().values_list("title", "summary", "search_text"),
        InitiativeUpdate.objects.filter(
            initiative__publication_status=PublicationStatus.PUBLISHED
        ).values_list("title", "body", "title"),
        Organisation.objects.listed().values_list("name", "description", "name"),
    ]
    for rows in sources:
        for first, second, third in rows.iterator():
            words |= words_of(f"{first} {second} {third}")
    SearchTerm.objects.all().delete()
    SearchTerm.objects.bulk_create([SearchTerm(word=word) for word in words], batch_size=5000)
    return len(words)


def public_text(item: Item) -> str:
    """The text of ``item`` that anyone can read once it is public, for the vocabulary."""
    parts = [item.title, getattr(item, "tagline", ""), getattr(item, "summary", "")]
    return " ".join([*parts, item.build_search_text()])


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _lock(item: Item) -> None:
    """Read the item's publishing state again and lock its row until the transaction ends.

    Views and admin actions hand in a copy read earlier: a decision on that copy (or a
    write of it) could undo what an editor decided meanwhile, such as hiding the item.
    """
    locked: Any = type(item)._default_manager.select_for_update()  # one of three models
    item.refresh_from_db(from_queryset=locked, fields=item.STATE_FIELDS)


def _refuse_hidden(item: Item) -> None:
    """An item the editors hid stays hidden: its owner can no longer edit, submit or add to it."""
    if item.is_hidden:
        raise ValidationError(
            _("The editors hid this item: only an editor can make it public again."),
            code="hidden",
        )


def _count_request(*, by: User, organisation: Organisation) -> None:
    """Asking another organisation to confirm (as a partner, or as the owner of a challenge)
    mails its admins, so one member and one organisation may ask only so often, per hour and
    per day. The counters live in the shared cache (core.ratelimit): with Redis the limit
    holds across all processes."""
    hourly, daily = settings.PARTNER_REQUESTS_PER_HOUR, settings.PARTNER_REQUESTS_PER_DAY
    for who in (f"user:{by.pk}", f"organisation:{organisation.pk}"):
        for window, seconds, limit in (("hour", 3600, hourly), ("day", 86400, daily)):
            key = f"ratelimit:initiatives.partner_request:{who}:{window}"
            if not hit(key, limit=limit, period=seconds):
                raise ValidationError(
                    _(
                        "You asked many organisations to confirm in a short time. Try again "
                        "later: at most %(hourly)s an hour and %(daily)s a day."
                    )
                    % {"hourly": hourly, "daily": daily},
                    code="rate_limited",
                )


def _set_cover(item: Challenge | Initiative, cover: File[Any] | bool | None) -> None:
    """Store a cover prepared by core.images.prepare_image; ``False`` removes the cover."""
    if cover is None or cover is True:
        return
    old_name = item.cover.name or ""
    if cover is False:
        item.cover = None
    else:
        item.cover.save(cover.name or "cover.jpg", cover, save=False)
    item.save(update_fields=with_auto_now(item, ["cover"]))
    if item.cover:
        make_renditions(item.cover, COVER_KIND)
    if old_name and old_name != item.cover.name:
        old = FieldFile(item, item._meta.get_field("cover"), old_name)
        transaction.on_commit(lambda: delete_image(old, COVER_KIND))


def _apply(
    item: Item, values: Mapping[str, Any], m2m: Iterable[str]
) -> tuple[list[str], dict[str, Any]]:
    """Set the owner's fields on ``item``: return the columns that changed (for
    ``update_fields``) and the many-to-many values and the cover, for after the save.
    Anything else (the state, the hiding) is no value to write here."""
    refused = set(values) - {*item.OWNER_FIELDS, *m2m, "cover"}
    if refused:
        raise ValueError(f"Not written by its owner: {', '.join(sorted(refused))}")
    later = {name: value for name, value in values.items() if name in m2m or name == "cover"}
    changed = apply_changes(item, {k: v for k, v in values.items() if k not in later})
    return changed, later


def _after_save(item: Item, later: Mapping[str, Any], by: User) -> None:
    """What needs the saved row: themes, challenge links, the cover, the vocabulary."""
    if "themes" in later and not isinstance(item, Story):
        item.themes.set(list(later["themes"]))
    if "challenges" in later and isinstance(item, Initiative):
        _challenge_links_set(item, list(later["challenges"]), by)
    if "cover" in later and not isinstance(item, Story):
        _set_cover(item, later["cover"])
    if item.is_published:
        search_terms_add(text=public_text(item))


# ---------------------------------------------------------------------------
# Writing drafts
# ---------------------------------------------------------------------------


@transaction.atomic
def challenge_create(*, by: User, owner: Organisation, values: Mapping[str, Any]) -> Challenge:
    """A new draft challenge of ``owner``, written by one of its members."""
    roles.require_active_organisation(owner)
    _require(permissions.can_create_for(by, owner))
    challenge = Challenge(owner=owner, created_by=by)
    _changed, later = _apply(challenge, values, m2m=_M2M[Challenge])
    insert_with_unique_slug(challenge, challenge.title)
    _after_save(challenge, later, by)
    return challenge


def _check_editable(item: Item, by: User) -> None:
    """The owner's members edit only while their organisation is active and the editors
    have not hidden the item (the clear message first, then the role rule), as the row
    stands now: it stays locked until the edit is written."""
    _lock(item)
    roles.require_active_organisation(item.organisation)
    _refuse_hidden(item)
    _require(permissions.can_edit(by, item))


@transaction.atomic
def item_update(*, item: Item, by: User, values: Mapping[str, Any]) -> Item:
    """The owner's members change an item they may still edit (``can_edit``). Only the
    columns whose value changed are written: never the state or the hiding, which an editor
    may have changed since (the row is locked, but this copy is the owner's)."""
    _check_editable(item, by)
    changed, later = _apply(item, values, m2m=_M2M[type(item)])
    if changed:
        item.save(update_fields=changed)
    _after_save(item, later, by)
    return item


@transaction.atomic
def initiative_create(*, by: User, lead: Organisation, values: Mapping[str, Any]) -> Initiative:
    """A new draft initiative led by ``lead``, written by one of its members."""
    roles.require_active_organisation(lead)
    _require(permissions.can_create_for(by, lead))
    initiative = Initiative(lead=lead, created_by=by)
    _changed, later = _apply(initiative, values, m2m=_M2M[Initiative])
    insert_with_unique_slug(initiative, initiative.title)
    _after_save(initiative, later, by)
    return initiative


@transaction.atomic
def story_create(*, by: User, initiative: Initiative, values: Mapping[str, Any]) -> Story:
    """A new draft story about ``initiative``, written by a member of its lead organisation."""
    roles.require_active_organisation(initiative.lead)
    _require(permissions.can_create_for(by, initiative.lead))
    story = Story(initiative=initiative, author=by)
    _apply(story, values, m2m=_M2M[Story])
    insert_with_unique_slug(story, story.title)
    return story


# ---------------------------------------------------------------------------
# Publishing states: draft → submitted → published → archived (→ published again)
# ---------------------------------------------------------------------------


@transaction.atomic
def item_submit(*, item: Item, by: User) -> None:
    """An admin of the owning organisation asks the editors to publish a draft."""
    _lock(item)
    roles.require_active_organisation(item.organisation)
    _refuse_hidden(item)
    _require(permissions.can_submit(by, item))
    item.publication_status = PublicationStatus.SUBMITTED
    item.submitted_at = timezone.now()
    item.save(update_fields=["publication_status", "submitted_at", "updated_at"])


@transaction.atomic
def item_publish(*, item: Item, by: User) -> None:
    """An editor publishes a submitted (or archived) item; a story needs its initiative
    public first. The owner hears of it when it was waiting for this decision."""
    roles.require_editor(by)
    if isinstance(item, Story) and not item.initiative.is_published:
        raise ValidationError(
            _("Publish the initiative first: a story cannot be public on its own."),
            code="initiative_not_published",
        )
    _lock(item)
    if item.is_hidden:  # lifting the hiding is a decision of its own, with its own trace
        raise ValidationError(
            _("Hidden by the editors: lift the hiding first, then publish."), code="hidden"
        )
    _require(permissions.can_publish(by, item))
    reviewed = item.publication_status == PublicationStatus.SUBMITTED
    item.publication_status = PublicationStatus.PUBLISHED
    item.published_at = item.published_at or timezone.now()  # a republished item keeps its date
    item.archived_at = None
    item.save(update_fields=["publication_status", "published_at", "archived_at", "updated_at"])
    search_terms_add(text=public_text(item))
    audit_record(actor=by, action=f"{item._meta.model_name}.publish", target=item)
    if reviewed:  # the owner waited for this decision; an archived item's return is no news
        _tell_decision(item, published=True, reason="")


@transaction.atomic
def item_archive(*, item: Item, by: User) -> None:
    """Take an item off the public pages: its own admins withdraw it, or an editor does."""
    _lock(item)
    if roles.is_admin_role(roles.role_in(by, item.organisation)):
        roles.require_active_organisation(item.organisation)  # its own admins withdraw it
    else:
        roles.require_editor(by)  # anyone else's archive is an editor's decision
    _require(permissions.can_archive(by, item))
    item.publication_status = PublicationStatus.ARCHIVED
    item.archived_at = timezone.now()
    item.save(update_fields=["publication_status", "archived_at", "updated_at"])
    audit_record(actor=by, action=f"{item._meta.model_name}.archive", target=item)


# ---------------------------------------------------------------------------
# Partners: public only once the partner organisation's admin confirms
# ---------------------------------------------------------------------------


@transaction.atomic
def initiative_partner_add(
    *, initiative: Initiative, organisation: Organisation, role: str, by: User
) -> InitiativePartner:
    """A member of the lead names a partner; an admin of that partner confirms at once.

    Anyone else's admins are asked by email: that costs one request of the limit
    (``_count_request``), so naming organisations cannot be used to flood their inboxes.
    """
    roles.require_active_organisation(initiative.lead)
    _require(roles.role_in(by, initiative.lead) is not None)
    _lock(initiative)
    _refuse_hidden(initiative)
    if role not in PartnerRole.values:
        raise ValidationError(_("Choose a role."), code="invalid_role")
    if organisation.pk == initiative.lead_id:
        raise ValidationError(
            _("The lead organisation is already part of the initiative."), code="lead"
        )
    if not organisation.is_public:
        raise ValidationError(_("This organisation cannot be added."), code="not_public")
    duplicate = ValidationError(_("This organisation is already a partner."), code="duplicate")
    if initiative.partnerships.filter(organisation=organisation).exists():
        raise duplicate
    confirmed_at_once = roles.is_organisation_admin(by, organisation)
    if not confirmed_at_once:
        _count_request(by=by, organisation=initiative.lead)
    partnership, created = InitiativePartner.objects.get_or_create(
        initiative=initiative,
        organisation=organisation,
        defaults={"role": role, "added_by": by},
    )
    if not created:  # added by someone else a moment ago
        raise duplicate
    if confirmed_at_once:
        partnership.confirmed_at = timezone.now()
        partnership.confirmed_by = by
        partnership.save(update_fields=["confirmed_at", "confirmed_by"])
    else:
        _ask_partner_to_confirm(partnership)
    return partnership


def _ask_partner_to_confirm(partnership: InitiativePartner) -> None:
    """Tell the partner's admins that an initiative names them and waits for their yes."""
    admins = organisation_admins(partnership.organisation).values_list("email", "language")
    for email, language in admins:
        send_templated_email(
            template_prefix="initiatives/email/partner_confirm",
            to=[email],
            context={
                "initiative": partnership.initiative,
                "organisation": partnership.organisation,
                "role": partnership.get_role_display(),
                "url": absolute_url(reverse("initiatives:workspace")),
            },
            language=language,
        )


@transaction.atomic
def initiative_partner_confirm(*, partnership: InitiativePartner, by: User) -> None:
    """An admin of the partner organisation agrees to be shown as a partner."""
    roles.require_active_organisation(partnership.organisation)
    _require(permissions.can_confirm_partnership(by, partnership))
    if partnership.confirmed_at is None:
        partnership.confirmed_at = timezone.now()
        partnership.confirmed_by = by
        partnership.save(update_fields=["confirmed_at", "confirmed_by"])


@transaction.atomic
def initiative_partner_remove(*, partnership: InitiativePartner, by: User) -> None:
    """The lead takes a partner off, or the partner declines or leaves."""
    _require(permissions.can_remove_partnership(by, partnership))
    partnership.delete()


# ---------------------------------------------------------------------------
# Challenges an initiative works on: public only once the problem owner agrees
# ---------------------------------------------------------------------------


def _challenge_links_set(initiative: Initiative, challenges: list[Challenge], by: User) -> None:
    """Keep the links the form still names, drop the others, ask consent for new ones.

    Links to challenges that are not public (a draft, or a suspended owner's) stay: the form
    cannot offer them, so their absence is no choice to drop them, and a reinstated owner
    finds its links as they were.
    """
    wanted = {challenge.pk: challenge for challenge in challenges}
    initiative.challenge_links.exclude(challenge_id__in=wanted).filter(
        Challenge.public_q("challenge__")
    ).delete()
    existing = set(initiative.challenge_links.values_list("challenge_id", flat=True))
    for pk, challenge in wanted.items():
        if pk not in existing:
            challenge_link_add(initiative=initiative, challenge=challenge, by=by)


@transaction.atomic
def challenge_link_add(*, initiative: Initiative, challenge: Challenge, by: User) -> ChallengeLink:
    """A member of the lead says the initiative works on a challenge.

    The link is confirmed at once when the lead owns the challenge, or when ``by`` is an
    admin of its owner too; otherwise the owner's admins are asked (a request of the limit
    shared with partners) and the link stays off public pages until one of them agrees.
    """
    roles.require_active_organisation(initiative.lead)
    _require(roles.role_in(by, initiative.lead) is not None)
    _lock(initiative)
    _refuse_hidden(initiative)
    own = challenge.owner_id == initiative.lead_id
    if not own and not Challenge.objects.published().filter(pk=challenge.pk).exists():
        raise ValidationError(_("This challenge cannot be linked."), code="not_public")
    duplicate = ValidationError(_("The initiative already works on this challenge."))
    if initiative.challenge_links.filter(challenge=challenge).exists():
        raise duplicate
    confirmed_at_once = own or roles.is_organisation_admin(by, challenge.owner)
    if not confirmed_at_once:
        _count_request(by=by, organisation=initiative.lead)
    link, created = ChallengeLink.objects.get_or_create(
        initiative=initiative,
        challenge=challenge,
        defaults={
            "added_by": by,
            "confirmed_at": timezone.now() if confirmed_at_once else None,
            "confirmed_by": by if confirmed_at_once else None,
        },
    )
    if not created:
        raise duplicate
    if not confirmed_at_once:
        _ask_owner_to_confirm(link)
    return link


def _ask_owner_to_confirm(link: ChallengeLink) -> None:
    """Tell the problem owner's admins that an initiative says it works on their challenge."""
    admins = organisation_admins(link.challenge.owner).values_list("email", "language")
    for email, language in admins:
        send_templated_email(
            template_prefix="initiatives/email/challenge_link_confirm",
            to=[email],
            context={
                "initiative": link.initiative,
                "challenge": link.challenge,
                "url": absolute_url(reverse("initiatives:workspace")),
            },
            language=language,
        )


@transaction.atomic
def challenge_link_confirm(*, link: ChallengeLink, by: User) -> None:
    """An admin of the problem owner agrees that the initiative works on its challenge."""
    roles.require_active_organisation(link.challenge.owner)
    _require(permissions.can_confirm_challenge_link(by, link))
    if link.confirmed_at is None:
        link.confirmed_at = timezone.now()
        link.confirmed_by = by
        link.save(update_fields=["confirmed_at", "confirmed_by"])


@transaction.atomic
def challenge_link_remove(*, link: ChallengeLink, by: User) -> None:
    """The lead drops the link, or the problem owner declines it."""
    _require(permissions.can_remove_challenge_link(by, link))
    link.delete()


# ---------------------------------------------------------------------------
# Figures, updates and gallery pictures
# ---------------------------------------------------------------------------


@transaction.atomic
def impact_figure_add(
    *, initiative: Initiative, by: User, label: str, number: Decimal, unit: str = ""
) -> ImpactFigure:
    """A figure of what the initiative achieved, shown after the ones it has."""
    _check_editable(initiative, by)
    position = initiative.impact_figures.count()
    return ImpactFigure.objects.create(
        initiative=initiative, label=label, number=number, unit=unit, position=position
    )


@transaction.atomic
def impact_figure_remove(*, figure: ImpactFigure, by: User) -> None:
    """Take a figure off the initiative's page."""
    _check_editable(figure.initiative, by)
    figure.delete()


@transaction.atomic
def initiative_update_add(
    *, initiative: Initiative, by: User, title: str, body: str, happened_on: date
) -> InitiativeUpdate:
    """A new entry on the timeline; it counts as public text once the initiative is public."""
    _check_editable(initiative, by)
    update = InitiativeUpdate.objects.create(
        initiative=initiative, title=title, body=body, happened_on=happened_on, author=by
    )
    if initiative.is_published:
        search_terms_add(text=f"{title} {markdown_to_text(body)}")
    return update


@transaction.atomic
def initiative_image_add(
    *, initiative: Initiative, by: User, image: File[Any], caption: str
) -> InitiativeImage:
    """A gallery picture (prepared by core.images.prepare_image), with its renditions."""
    _check_editable(initiative, by)
    picture = InitiativeImage(
        initiative=initiative, caption=caption, position=initiative.images.count()
    )
    picture.image.save(image.name or "picture.jpg", image, save=False)
    picture.save()
    make_renditions(picture.image, GALLERY_KIND)
    return picture


@transaction.atomic
def initiative_image_remove(*, picture: InitiativeImage, by: User) -> None:
    """Take a gallery picture off; its files go once the removal is committed."""
    _check_editable(picture.initiative, by)
    field_file = picture.image
    picture.delete()
    transaction.on_commit(lambda: delete_image(field_file, GALLERY_KIND))


# ---------------------------------------------------------------------------
# Rejection by the editors: submitted → draft, with a reason mailed to the author
# ---------------------------------------------------------------------------


def _author(item: Item) -> User | None:
    return item.author if isinstance(item, Story) else item.created_by


def _decision_users(item: Item) -> list[User]:
    """Who hears what the editors decided: the author, or (when the author left) whoever
    runs the organisation now."""
    author = _author(item)
    if author is not None and author.is_active:
        return [author]
    return list(organisation_admins(item.organisation).only("email", "language"))


def _recipients(item: Item) -> list[tuple[str, str]]:
    return [(user.email, user.language) for user in _decision_users(item)]


def _tell_decision(item: Item, *, published: bool, reason: str) -> None:
    """Mail the editors' decision (after the commit) and let other apps hear of it: the
    owner's in-app notification lives in matchmaking (``initiatives.signals``)."""
    kind = item._meta.model_name
    if published:
        template, url_name = "initiatives/email/item_published", f"initiatives:{kind}_detail"
    else:
        template, url_name = "initiatives/email/item_rejected", f"initiatives:{kind}_edit"
    url = absolute_url(reverse(url_name, kwargs={"slug": item.slug}))
    users = _decision_users(item)
    for user in users:
        send_templated_email(
            template_prefix=template,
            to=[user.email],
            language=user.language,
            context={"item": item, "kind": kind, "reason": reason, "url": url},
        )
    item_decided.send(
        sender=type(item), item=item, published=published, reason=reason, recipients=users
    )


@transaction.atomic
def item_reject(*, item: Item, by: User, reason: str) -> None:
    """An editor sends a submitted item back to draft; the author hears why."""
    roles.require_editor(by)
    _lock(item)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a reason."), code="reason_required")
    if item.publication_status != PublicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted item can be sent back."), code="not_submitted")
    item.publication_status = PublicationStatus.DRAFT
    item.save(update_fields=["publication_status", "updated_at"])
    audit_record(actor=by, action=f"{item._meta.model_name}.reject", target=item, reason=reason)
    _tell_decision(item, published=False, reason=reason)


# ---------------------------------------------------------------------------
# Hiding by the editors: off the site, and only an editor brings it back
# ---------------------------------------------------------------------------


@transaction.atomic
def item_hide(*, item: Item, by: User, reason: str) -> None:
    """An editor takes an item off the site (after a report, or in moderation), with a
    reason the owner sees. It is archived and marked hidden, so the owner's services refuse
    to edit, submit or republish it, and publishing waits until an editor lifts the hiding."""
    roles.require_editor(by)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a reason."), code="reason_required")
    _lock(item)  # an owner's edit or submission in flight finishes first, then this wins
    if item.is_hidden:
        raise ValidationError(_("This item is already hidden."), code="already_hidden")
    now = timezone.now()
    if item.publication_status != PublicationStatus.ARCHIVED:
        item.publication_status = PublicationStatus.ARCHIVED
        item.archived_at = now
    item.hidden_at = now
    item.hidden_by = by
    item.hidden_reason = reason
    item.save(
        update_fields=[
            "publication_status",
            "archived_at",
            "hidden_at",
            "hidden_by",
            "hidden_reason",
            "updated_at",
        ]
    )
    audit_record(actor=by, action=f"{item._meta.model_name}.hide", target=item, reason=reason)
    for email, language in _recipients(item):
        send_templated_email(
            template_prefix="initiatives/email/item_hidden",
            to=[email],
            language=language,
            context={"item": item, "reason": reason},
        )


@transaction.atomic
def item_unhide(*, item: Item, by: User) -> None:
    """An editor lifts the hiding. The item stays archived: publishing it again is a
    separate decision (``*_publish``), so nothing becomes public by accident."""
    roles.require_editor(by)
    _lock(item)
    if not item.is_hidden:
        raise ValidationError(_("This item is not hidden."), code="not_hidden")
    item.hidden_at = None
    item.hidden_by = None
    item.hidden_reason = ""
    item.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    audit_record(actor=by, action=f"{item._meta.model_name}.unhide", target=item)
