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
CHARTER_TITLE_EN = "Principles of the stamp"
CHARTER_SUMMARY_EN = (
    "The stamp belongs to nobody and to everybody. Every organisation that is comfortable "
    "with these principles and contributes to social innovation may carry it."
)
CHARTER_BODY_EN = """\
We have no logo but a stamp. It belongs to no organisation: it belongs to nobody and to
everybody. Ego-free, because that is the only way it keeps flowing. Whoever carries the
stamp promises the following.

## 1. We share what we know

We do not keep knowledge about what works (and what does not) to ourselves. We describe
how we tackled a problem, so that others can benefit from it. Even when that is
uncomfortable, for example because we work with parties that are also competitors.

## 2. We work across sectors

Societal problems do not respect the boundaries between a municipality's departments and
between sectors. We seek out the parties that are needed: the municipality, housing
corporations, energy companies, social entrepreneurs, businesses, civil-society
organisations and residents, and we treat each other as equals.

## 3. The problem comes before the logo

We work on the solution, not on our own name. Whoever contributes belongs; whoever took
the initiative does not claim the result for themselves.

## 4. We celebrate what succeeds

When a coalition solves a problem, we show it. We celebrate success together, and we make
visible who contributed, including those who did not know they were social innovators.

## 5. The stamp is not a quality mark

The stamp says that you subscribe to these principles, not that someone else has assessed
your work. Anyone can check whether an organisation carries the stamp. Whoever misuses it
can lose it.
"""
ENGLISH = {
    "title_en": CHARTER_TITLE_EN,
    "summary_en": CHARTER_SUMMARY_EN,
    "body_en": CHARTER_BODY_EN,
}


def _seed_charter() -> tuple[Charter | None, str]:
    charter = Charter.objects.current()
    if charter is not None:
        if charter.title == CHARTER_TITLE and not charter.has_english:
            # A demo database seeded before the charter had an English text gets it now
            # (demo data only: a real published version stays exactly as it was).
            Charter.objects.filter(pk=charter.pk).update(**ENGLISH)
            return charter, "charter already published, English text added"
        return charter, "charter already published"
    editor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if editor is None:
        return None, "no editor to publish the charter"
    draft, _created = Charter.objects.get_or_create(
        title=CHARTER_TITLE,
        published_at__isnull=True,
        defaults={"summary": CHARTER_SUMMARY, "body": CHARTER_BODY, **ENGLISH},
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
