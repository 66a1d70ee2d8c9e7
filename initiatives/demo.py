"""Demo initiatives, challenges and stories from the two platforms in the source article.

Public bodies appear by name; people are fictional. Idempotent: every row is looked up by
slug first, and content moves through the same services that members and editors use.
Cover images are drawn with Pillow (no downloaded pictures).
"""

from __future__ import annotations

import io
import random
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from core.models import Region, Theme
from initiatives import services
from initiatives.models import Challenge, Initiative, InitiativePartner, PublicationStatus, Story
from members import demo as members_demo
from members import roles
from members.models import Membership, MembershipRole, Organisation, OrganisationStatus, User

PALETTE = [
    ((168, 67, 42), (247, 233, 227)),
    ((30, 107, 58), (230, 243, 234)),
    ((36, 84, 140), (228, 237, 247)),
    ((122, 77, 0), (253, 241, 216)),
    ((92, 60, 130), (238, 232, 246)),
]

# The words of the demo (organisations, challenges, initiatives, stories); the regions and
# themes are those of members/demo.toml.
CONTENT = tomllib.loads((Path(__file__).parent / "demo.toml").read_text(encoding="utf-8"))
EDITOR_EMAIL = "redactie@breinaald.localhost"


def _cover(title: str, seed: int) -> ContentFile[bytes]:
    """A calm abstract cover: overlapping circles and a horizon line in one palette."""
    rng = random.Random(seed)
    ink, paper = PALETTE[seed % len(PALETTE)]
    image = Image.new("RGB", (1280, 720), paper)
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(7):
        x, y, r = rng.randint(0, 1280), rng.randint(0, 720), rng.randint(80, 320)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*ink, rng.randint(30, 90)))
    horizon = rng.randint(420, 600)
    draw.rectangle((0, horizon, 1280, 720), fill=(*ink, 60))
    for i in range(0, 1280, 160):
        h = rng.randint(60, 220)
        draw.rectangle((i + 20, horizon - h, i + 120, horizon), fill=(*ink, 140))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return ContentFile(out.getvalue(), name=f"{title[:20].lower().replace(' ', '-')}.jpg")


def _themes(*slugs: str) -> list[Theme]:
    return list(Theme.objects.filter(slug__in=slugs))


def _organisations() -> dict[str, Organisation]:
    members_demo.ensure_regions_and_themes()
    found = {}
    for spec in CONTENT["organisations"]:
        region = Region.objects.get(slug=spec["region"])
        organisation, _ = Organisation.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "region": region,
                "status": OrganisationStatus.VERIFIED,
                "verified_at": timezone.now(),
                "description": f"{spec['name']} werkt mee aan maatschappelijke vraagstukken in "
                f"{region.name}.",
            },
        )
        found[spec["slug"]] = organisation
    return found


def _writer(organisation: Organisation) -> User:
    """A fictional admin of the organisation who writes and submits its items."""
    user, _ = User.objects.get_or_create(
        email=f"demo+{organisation.slug}@breinaald.localhost",
        defaults={"display_name": f"Redacteur {organisation.name.split()[-1]}"},
    )
    Membership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": MembershipRole.ADMIN}
    )
    return user


def _editor() -> User:
    editor, created = User.objects.get_or_create(
        email=EDITOR_EMAIL, defaults={"display_name": "Eva Redactie", "is_staff": True}
    )
    if created:
        editor.set_unusable_password()
        editor.save(update_fields=["password"])
    # Publishing is for editors: the demo editor is one the way a site admin makes one, in
    # the editors' group (the curation seed adds the same person, with a password).
    editor.groups.add(Group.objects.get(name=roles.EDITORS_GROUP))
    return User.objects.get(pk=editor.pk)  # fresh: no stale permission cache


def _publish(item: Challenge | Initiative | Story, by: User, editor: User) -> None:
    if item.publication_status == PublicationStatus.DRAFT:
        services.item_submit(item=item, by=by)
    if item.publication_status == PublicationStatus.SUBMITTED:
        services.item_publish(item=item, by=editor)


def _challenge(
    spec: dict[str, Any], orgs: dict[str, Organisation], editor: User, seed: int
) -> Challenge:
    found = Challenge.objects.filter(title=spec["title"]).first()
    if found is not None:
        return found
    owner = orgs[spec["owner"]]
    writer = _writer(owner)
    deadline = spec.get("deadline")  # days from today
    challenge = services.challenge_create(
        by=writer,
        owner=owner,
        values={
            "title": spec["title"],
            "summary": spec["summary"],
            "description": spec["description"],
            "region": Region.objects.get(slug=spec["region"]),
            "themes": _themes(*spec["themes"]),
            "stakeholder_kinds": spec["stakeholder_kinds"],
            "resources_needed": spec["resources_needed"],
            "deadline": timezone.localdate() + timedelta(days=deadline) if deadline else None,
            "cover": _cover(spec["title"], seed),
            "cover_alt": "",
        },
    )
    _publish(challenge, writer, editor)
    return challenge


def _initiative(
    spec: dict[str, Any], orgs: dict[str, Organisation], editor: User, seed: int
) -> Initiative:
    found = Initiative.objects.filter(title=spec["title"]).first()
    if found is not None:
        return found
    lead = orgs[spec["lead"]]
    writer = _writer(lead)
    initiative = services.initiative_create(
        by=writer,
        lead=lead,
        values={
            "title": spec["title"],
            "tagline": spec["tagline"],
            "description": spec["description"],
            "region": Region.objects.get(slug=spec["region"]),
            "themes": _themes(*spec["themes"]),
            "challenges": list(Challenge.objects.filter(slug__in=spec.get("challenges", []))),
            "stage": spec["stage"],
            "start_date": spec.get("start"),
            "website": spec.get("website", ""),
            "cover": _cover(spec["title"], seed),
            "cover_alt": "",
        },
    )
    # The problem owners agree that these initiatives work on their challenges.
    for link in initiative.challenge_links.filter(confirmed_at__isnull=True).select_related(
        "challenge__owner"
    ):
        services.challenge_link_confirm(link=link, by=_writer(link.challenge.owner))
    for partner_spec in spec.get("partners", []):
        partner = orgs.get(partner_spec["organisation"])
        if partner is None:  # not among this file's organisations: left out
            continue
        partnership = services.initiative_partner_add(
            initiative=initiative, organisation=partner, role=partner_spec["role"], by=writer
        )
        if partner_spec["confirmed"] and not partnership.is_confirmed:
            services.initiative_partner_confirm(partnership=partnership, by=_writer(partner))
    for figure in spec.get("figures", []):
        services.impact_figure_add(initiative=initiative, by=writer, **figure)
    for update in spec.get("updates", []):
        services.initiative_update_add(
            initiative=initiative,
            by=writer,
            title=update["title"],
            body="",
            happened_on=timezone.localdate() - timedelta(days=update["days_ago"]),
        )
    _publish(initiative, writer, editor)
    story_spec = spec.get("story")
    if story_spec:
        story = services.story_create(by=writer, initiative=initiative, values=story_spec)
        _publish(story, writer, editor)
    return initiative


def seed() -> str:
    orgs = _organisations()
    editor = _editor()
    before = (Initiative.objects.count(), Challenge.objects.count(), Story.objects.count())
    for number, spec in enumerate(CONTENT["challenges"]):
        _challenge(spec, orgs, editor, seed=100 + number)
    for number, spec in enumerate(CONTENT["initiatives"]):
        _initiative(spec, orgs, editor, seed=number)
    for number, spec in enumerate(CONTENT["more_initiatives"]):
        region = Region.objects.get(slug=spec["region"])
        more = {
            "description": f"{spec['tagline']}\n\n**{spec['title']}** laat zien wat samenwerken "
            f"oplevert in {region.name}.",
            "start": date(2018 + number % 7, 1 + number % 12, 1),
            "figures": [
                {"label": "betrokken buurtbewoners", "number": 20 + 17 * number, "unit": ""}
            ],
        }
        _initiative({**spec, **more}, orgs, editor, seed=10 + number)
    services.search_terms_rebuild()
    after = (Initiative.objects.count(), Challenge.objects.count(), Story.objects.count())
    added = [a - b for a, b in zip(after, before, strict=True)]
    pending = InitiativePartner.objects.filter(confirmed_at__isnull=True).count()
    return (
        f"{after[0]} initiatives, {after[1]} challenges, {after[2]} stories "
        f"({added[0]}, {added[1]}, {added[2]} new; {pending} partner waits for confirmation)"
    )
