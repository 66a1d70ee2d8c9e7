"""Demo content for the stamp: the first charter, and carriers among the verified organisations."""

from __future__ import annotations

from django.db.models import Q

from members.models import Membership, Organisation, User
from members.roles import ADMIN_ROLES
from stamp.models import Charter, Claim, ClaimStatus
from stamp.services import StampError, charter_publish, stamp_claim

MAX_DEMO_CARRIERS = 6
CHARTER_TITLE = "Uitgangspunten van het stempel"
CHARTER_SUMMARY = (
    "Het stempel is van niemand en van iedereen. Elke organisatie die zich comfortabel "
    "voelt bij deze uitgangspunten en bijdraagt aan sociale innovatie, mag het dragen."
)
CHARTER_BODY = """\
Wij hebben geen logo, maar een stempel. Het hoort bij geen enkele organisatie: het is
van niemand en van iedereen. Egoloos, want alleen zo blijft het stromen. Wie het stempel
draagt, belooft het volgende.

## 1. We delen wat we weten

Kennis over wat werkt (en wat niet) houden we niet voor onszelf. We beschrijven hoe we
een vraagstuk hebben aangepakt, zodat anderen er hun voordeel mee doen. Ook als dat
spannend is, bijvoorbeeld omdat we samenwerken met partijen die ook concurrenten zijn.

## 2. We werken over sectoren heen

Maatschappelijke vraagstukken houden zich niet aan de grenzen van gemeentelijke kokers
en sectoren. We zoeken de partijen op die nodig zijn: gemeente, woningcorporaties,
energiebedrijven, sociaal ondernemers, bedrijven, maatschappelijke organisaties en
bewoners, en we gaan gelijkwaardig met elkaar om.

## 3. Het vraagstuk gaat voor het logo

We werken aan de oplossing, niet aan onze eigen naam. Wie bijdraagt, hoort erbij; wie
het initiatief nam, claimt het resultaat niet voor zichzelf.

## 4. We vieren wat lukt

Als een coalitie een vraagstuk oplost, laten we dat zien. Succes vieren we samen, en we
maken zichtbaar wie eraan heeft bijgedragen, ook degenen die niet wisten dat ze sociaal
vernieuwers waren.

## 5. Het stempel is geen keurmerk

Het stempel zegt dat je deze uitgangspunten onderschrijft, niet dat een ander je werk
heeft beoordeeld. Iedereen kan controleren of een organisatie het stempel draagt. Wie het
misbruikt, kan het kwijtraken.
"""


def _seed_charter() -> tuple[Charter | None, str]:
    charter = Charter.objects.current()
    if charter is not None:
        return charter, "charter already published"
    editor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if editor is None:
        return None, "no editor to publish the charter"
    draft, _created = Charter.objects.get_or_create(
        title=CHARTER_TITLE,
        published_at__isnull=True,
        defaults={"summary": CHARTER_SUMMARY, "body": CHARTER_BODY},
    )
    return charter_publish(charter=draft, by=editor), "charter published"


def seed() -> str:
    charter, summary = _seed_charter()
    if charter is None:
        return summary
    # Organisations that ever claimed keep their history; only the others claim now.
    candidates = (
        Organisation.objects.verified()
        .exclude(stamp_claims__isnull=False)
        .order_by("region__name", "name")
    )
    carriers = Claim.objects.filter(status=ClaimStatus.ACTIVE).count()
    claimed = 0
    for organisation in candidates:
        if carriers + claimed >= MAX_DEMO_CARRIERS:
            break
        membership = (
            Membership.objects.filter(organisation=organisation, role__in=ADMIN_ROLES)
            .filter(Q(user__is_active=True))
            .select_related("user")
            .order_by("role", "pk")
            .first()
        )
        if membership is None:
            continue
        try:
            stamp_claim(organisation=organisation, by=membership.user, charter=charter)
        except StampError:
            continue
        claimed += 1
    return f"{summary}; {claimed} new carrier(s)"
