"""Demo initiatives, challenges and stories from the two platforms in the source article.

Public bodies appear by name; people are fictional. Idempotent: every row is looked up by
slug first, and content moves through the same services that members and editors use.
Cover images are drawn with Pillow (no downloaded pictures).
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from core.models import Region, Theme
from initiatives import services
from initiatives.models import Challenge, Initiative, InitiativePartner, PublicationStatus, Story
from members import roles
from members.models import Membership, MembershipRole, Organisation, OrganisationStatus, User

PALETTE = [
    ((168, 67, 42), (247, 233, 227)),
    ((30, 107, 58), (230, 243, 234)),
    ((36, 84, 140), (228, 237, 247)),
    ((122, 77, 0), (253, 241, 216)),
    ((92, 60, 130), (238, 232, 246)),
]

REGIONS = {"midden-brabant": "Midden-Brabant", "utrecht": "Utrecht"}
# Reused by slug when the members seed made them already (it runs first).
THEMES = {
    "energietransitie": ("Energietransitie", "Energy transition"),
    "jeugdwerkloosheid": ("Jeugdwerkloosheid", "Youth unemployment"),
    "inclusie": ("Inclusie", "Inclusion"),
    "wonen": ("Wonen", "Housing"),
    "zorg": ("Zorg en welzijn", "Care and wellbeing"),
    "armoede": ("Armoede en schulden", "Poverty and debt"),
    "eenzaamheid": ("Eenzaamheid", "Loneliness"),
    "voedsel": ("Voedsel", "Food"),
    "circulaire-economie": ("Circulaire economie", "Circular economy"),
}
ORGANISATIONS = [
    # slug, name, kind, region
    ("gemeente-tilburg", "Gemeente Tilburg", "municipality", "midden-brabant"),
    ("gemeente-utrecht", "Gemeente Utrecht", "municipality", "utrecht"),
    (
        "woonstichting-hart-van-brabant",
        "Woonstichting Hart van Brabant",
        "housing_corporation",
        "midden-brabant",
    ),
    (
        "wooncorporatie-de-kempen-brabant",
        "Wooncorporatie Kempenhuis",
        "housing_corporation",
        "midden-brabant",
    ),
    (
        "brabantse-energiecooperatie",
        "Brabantse Energiecoöperatie",
        "energy_company",
        "midden-brabant",
    ),
    ("netwerk-energie-zuid", "Energiebedrijf Zuidstroom", "energy_company", "midden-brabant"),
    (
        "bewonersvereniging-de-reeshof",
        "Bewonersvereniging De Reeshof",
        "neighbourhood_initiative",
        "midden-brabant",
    ),
    ("transport-van-den-heuvel", "Transport Van den Heuvel", "corporate", "midden-brabant"),
    ("vervoerder-de-wit", "De Wit Transport", "corporate", "midden-brabant"),
    ("social-impact-factory", "Social Impact Factory", "social_enterprise", "utrecht"),
    ("roc-tilburg", "ROC Tilburg", "knowledge_institution", "midden-brabant"),
    ("buurtkeuken-utrecht", "Buurtkeuken Overvecht", "neighbourhood_initiative", "utrecht"),
    ("hogeschool-utrecht", "Hogeschool Utrecht", "knowledge_institution", "utrecht"),
    ("repaircafe-kanaleneiland", "Repair Café Kanaleneiland", "civil_society", "utrecht"),
    ("stichting-schuldhulp-samen", "Stichting Schuldhulp Samen", "civil_society", "utrecht"),
]
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
    themes = []
    for slug in slugs:
        name, name_en = THEMES[slug]
        theme, _ = Theme.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en}
        )
        themes.append(theme)
    return themes


def _organisations() -> dict[str, Organisation]:
    regions = {
        slug: Region.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in REGIONS.items()
    }
    found = {}
    for slug, name, kind, region in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "region": regions[region],
                "status": OrganisationStatus.VERIFIED,
                "verified_at": timezone.now(),
                "description": f"{name} werkt mee aan maatschappelijke vraagstukken in {REGIONS[region]}.",
            },
        )
        found[slug] = organisation
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


CHALLENGES: list[dict[str, Any]] = [
    {
        "owner": "gemeente-utrecht",
        "title": "Jeugdwerkloosheid in Overvecht halveren",
        "summary": "Eén op de vijf jongeren in Overvecht heeft geen werk of opleiding. Wie helpt ze op weg?",
        "description": "De gemeente Utrecht zoekt werkgevers, sociaal ondernemers en buurtorganisaties die samen **jeugdwerkloosheid** aanpakken.\n\n- stageplekken en leerwerkbanen\n- begeleiding door maatjes\n- een vaste plek in de wijk",
        "region": "utrecht",
        "themes": ("jeugdwerkloosheid", "inclusie"),
        "stakeholder_kinds": ["corporate", "social_enterprise", "neighbourhood_initiative"],
        "resources_needed": ["people", "expertise", "network"],
        "deadline": 120,
    },
    {
        "owner": "gemeente-utrecht",
        "title": "Eenzaamheid onder ouderen doorbreken",
        "summary": "Steeds meer ouderen wonen alleen en zien weinig mensen. Hoe bouwen we weer een netwerk om hen heen?",
        "description": "Zorg, welzijn en buren werken langs elkaar heen. De gemeente Utrecht zoekt een aanpak die de **silo's** doorbreekt.",
        "region": "utrecht",
        "themes": ("zorg", "eenzaamheid"),
        "stakeholder_kinds": ["civil_society", "neighbourhood_initiative", "knowledge_institution"],
        "resources_needed": ["people", "space", "data"],
        "deadline": None,
    },
    {
        "owner": "gemeente-utrecht",
        "title": "Voedselverspilling in de stad verminderen",
        "summary": "Supermarkten en restaurants gooien veel eten weg, terwijl gezinnen het krap hebben.",
        "description": "Welke ondernemers en initiatieven brengen overschotten naar wie ze nodig heeft?",
        "region": "utrecht",
        "themes": ("voedsel", "circulaire-economie"),
        "stakeholder_kinds": ["corporate", "social_enterprise"],
        "resources_needed": ["materials", "space", "funding"],
        "deadline": 200,
    },
    {
        "owner": "gemeente-tilburg",
        "title": "Betaalbare woningen verduurzamen zonder hogere woonlasten",
        "summary": "Huurders mogen er niet op achteruitgaan als hun woning nul-op-de-meter wordt.",
        "description": "De gemeente Tilburg zoekt partners voor het verduurzamen van huurwoningen met **gelijke woonlasten**.",
        "region": "midden-brabant",
        "themes": ("energietransitie", "wonen"),
        "stakeholder_kinds": ["housing_corporation", "energy_company"],
        "resources_needed": ["funding", "expertise"],
        "deadline": None,
    },
]

INITIATIVES: list[dict[str, Any]] = [
    {
        "lead": "gemeente-tilburg",
        "title": "Green Deal Nul op de Meter Midden-Brabant",
        "tagline": "Huurwoningen die net zoveel energie opwekken als ze gebruiken, zonder hogere woonlasten.",
        "description": "Gemeente Tilburg, woningcorporaties, energiebedrijven en bewoners sloten een **Green Deal**: huurwoningen worden nul-op-de-meter gemaakt. De energierekening verdwijnt, de huurder betaalt een vaste energieprestatievergoeding.\n\nHet begon met één straat in De Reeshof en groeide uit tot een regionale aanpak.",
        "region": "midden-brabant",
        "themes": ("energietransitie", "wonen"),
        "stage": "scaling",
        "start": date(2014, 6, 1),
        "website": "https://www.tilburg.nl",
        "partners": [
            ("woonstichting-hart-van-brabant", "executing_partner", True),
            ("wooncorporatie-de-kempen-brabant", "executing_partner", True),
            ("brabantse-energiecooperatie", "executing_partner", True),
            ("netwerk-energie-zuid", "funder", True),
            ("bewonersvereniging-de-reeshof", "knowledge_partner", True),
            ("roc-tilburg", "knowledge_partner", False),
        ],
        "challenges": ["betaalbare-woningen-verduurzamen-zonder-hogere-woonlasten"],
        "figures": [
            ("huurwoningen nul-op-de-meter", 450, ""),
            ("CO₂ bespaard per jaar", 1350, "ton"),
            ("deelnemende bewoners", 1100, ""),
        ],
        "updates": [
            ("Eerste straat in De Reeshof klaar", 2500),
            ("Tweehonderd woningen gerenoveerd", 1800),
            ("Aanpak overgenomen door drie buurgemeenten", 400),
        ],
        "story": {
            "title": "Hoe een straat in De Reeshof nul op de meter werd",
            "summary": "Gemeente, corporaties, energiebedrijven en bewoners vierden de vierhonderdvijftigste woning.",
            "problem": "Veel huurwoningen in Tilburg waren slecht geïsoleerd. Bewoners betaalden hoge energierekeningen en de corporaties konden renovaties niet alleen betalen.",
            "coalition": "De gemeente Tilburg nam het initiatief voor een **Green Deal**. Woningcorporaties, energiebedrijven en de bewonersvereniging zaten vanaf het begin aan tafel.",
            "what_worked": "Een vaste energieprestatievergoeding: huurders betalen niet meer dan vroeger, en de investering verdient zich terug.",
            "what_did_not": "De eerste planning was te strak; bewoners wilden meer tijd om te kiezen.",
            "lessons": "Begin met één straat, laat bewoners het verhaal vertellen, en maak afspraken die niemand bezit.",
            "results": "Vierhonderdvijftig woningen zijn nul-op-de-meter, met gelijke woonlasten.",
            "is_celebration": True,
        },
    },
    {
        "lead": "transport-van-den-heuvel",
        "title": "Transport zoekt talent: vervoerders tegen jeugdwerkloosheid",
        "tagline": "Vervoerders in Midden-Brabant bieden jongeren zonder werk een rijbewijs, een baan en een maatje.",
        "description": "Transportbedrijven hebben chauffeurs nodig, jongeren zoeken werk. Samen met het ROC en de gemeente Tilburg halen vervoerders **jeugdwerkloosheid** omlaag: een leerwerkbaan met groot rijbewijs en begeleiding.",
        "region": "midden-brabant",
        "themes": ("jeugdwerkloosheid", "inclusie"),
        "stage": "running",
        "start": date(2015, 9, 1),
        "website": "",
        "partners": [
            ("vervoerder-de-wit", "executing_partner", True),
            ("roc-tilburg", "knowledge_partner", True),
            ("gemeente-tilburg", "funder", True),
        ],
        "challenges": [],
        "figures": [("jongeren aan het werk", 212, ""), ("behaalde rijbewijzen", 180, "")],
        "updates": [
            ("Eerste lichting chauffeurs geslaagd", 1500),
            ("Tweede vervoerder sluit aan", 900),
        ],
        "story": {
            "title": "Van thuiszitter tot vrachtwagenchauffeur",
            "summary": "Hoe concurrerende vervoerders samen jongeren aan werk hielpen.",
            "problem": "In Midden-Brabant zaten honderden jongeren zonder werk, terwijl vervoerders geen chauffeurs konden vinden.",
            "coalition": "Twee concurrerende vervoerders, het ROC en de gemeente kwamen samen. Niemand was eigenaar; iedereen bracht iets mee.",
            "what_worked": "Een maatje uit het bedrijf voor elke jongere, en een rijbewijs dat het bedrijf betaalt.",
            "what_did_not": "Lesgeld vooraf vragen werkte niet: jongeren haakten af.",
            "lessons": "Concurrenten kunnen samenwerken als het probleem groter is dan ieder bedrijf.",
            "results": "Meer dan tweehonderd jongeren vonden werk in het transport.",
            "is_celebration": True,
        },
    },
    {
        "lead": "social-impact-factory",
        "title": "Werkplaats Overvecht",
        "tagline": "Jongeren leren een vak in een werkplaats midden in de wijk.",
        "description": "Een werkplaats waar jongeren uit Overvecht met ondernemers meubels maken van restmateriaal. Een antwoord op het vraagstuk van de gemeente Utrecht over **jeugdwerkloosheid**.",
        "region": "utrecht",
        "themes": ("jeugdwerkloosheid", "circulaire-economie"),
        "stage": "pilot",
        "start": date(2023, 3, 1),
        "website": "",
        "partners": [
            ("gemeente-utrecht", "problem_owner", True),
            ("hogeschool-utrecht", "knowledge_partner", True),
        ],
        "challenges": ["jeugdwerkloosheid-in-overvecht-halveren"],
        "figures": [("jongeren in de werkplaats", 34, "")],
        "updates": [("Werkplaats geopend", 300)],
        "story": None,
    },
]

MORE = [
    (
        "buurtkeuken-utrecht",
        "Buurtkeuken Overvecht",
        "Buren koken samen met overgebleven groenten van de markt.",
        "utrecht",
        ("voedsel", "zorg"),
        "running",
        ["voedselverspilling-in-de-stad-verminderen"],
    ),
    (
        "repaircafe-kanaleneiland",
        "Repair Café Kanaleneiland",
        "Vrijwilligers repareren spullen in plaats van ze weg te gooien.",
        "utrecht",
        ("circulaire-economie",),
        "running",
        [],
    ),
    (
        "hogeschool-utrecht",
        "Samen Oud in de Wijk",
        "Studenten en ouderen delen een huis en een maaltijd.",
        "utrecht",
        ("zorg", "wonen"),
        "pilot",
        ["eenzaamheid-onder-ouderen-doorbreken"],
    ),
    (
        "brabantse-energiecooperatie",
        "Zonnedaken op Scholen",
        "Bewoners investeren samen in zonnepanelen op schooldaken.",
        "midden-brabant",
        ("energietransitie",),
        "scaling",
        [],
    ),
    (
        "bewonersvereniging-de-reeshof",
        "Energiecoaches De Reeshof",
        "Buren helpen buren met energie besparen aan de keukentafel.",
        "midden-brabant",
        ("energietransitie", "wonen"),
        "running",
        [],
    ),
    (
        "stichting-schuldhulp-samen",
        "Schuldmaatjes Utrecht",
        "Getrainde vrijwilligers helpen gezinnen uit de schulden.",
        "utrecht",
        ("armoede", "zorg"),
        "running",
        [],
    ),
    (
        "roc-tilburg",
        "Leerwerkplaats Installatietechniek",
        "Studenten leren warmtepompen installeren in echte woningen.",
        "midden-brabant",
        ("energietransitie", "inclusie"),
        "pilot",
        [],
    ),
    (
        "netwerk-energie-zuid",
        "Warmtenet Tilburg-Noord",
        "Restwarmte uit de industrie verwarmt duizend woningen.",
        "midden-brabant",
        ("energietransitie",),
        "idea",
        [],
    ),
    (
        "social-impact-factory",
        "Inclusieve Inkoop Utrecht",
        "Bedrijven kopen in bij sociaal ondernemers die mensen met afstand tot werk in dienst nemen.",
        "utrecht",
        ("inclusie",),
        "running",
        [],
    ),
    (
        "buurtkeuken-utrecht",
        "Moestuin op het Dak",
        "Een daktuin levert groenten aan de buurtkeuken.",
        "utrecht",
        ("voedsel",),
        "completed",
        [],
    ),
    (
        "gemeente-utrecht",
        "Jongerenraad Overvecht",
        "Jongeren adviseren de gemeente over hun eigen wijk.",
        "utrecht",
        ("jeugdwerkloosheid",),
        "running",
        [],
    ),
    (
        "wooncorporatie-de-kempen-brabant",
        "Tiny Houses voor Starters",
        "Tijdelijke kleine woningen op braakliggende grond voor jonge starters.",
        "midden-brabant",
        ("wonen", "jeugdwerkloosheid"),
        "pilot",
        [],
    ),
    (
        "repaircafe-kanaleneiland",
        "Fietsenwerkplaats Nieuwkomers",
        "Nieuwkomers knappen fietsen op en leren zo de taal en de stad kennen.",
        "utrecht",
        ("inclusie", "circulaire-economie"),
        "completed",
        [],
    ),
]


# Partners (organisation, role, confirmed) and a short case story for the extra initiatives.
MORE_PARTNERS: dict[str, list[tuple[str, str, bool]]] = {
    "Buurtkeuken Overvecht": [("gemeente-utrecht", "funder", True), ("stichting-schuldhulp-samen", "executing_partner", True)],
    "Repair Café Kanaleneiland": [("hogeschool-utrecht", "knowledge_partner", True)],
    "Samen Oud in de Wijk": [("gemeente-utrecht", "problem_owner", True), ("buurtkeuken-utrecht", "executing_partner", True)],
    "Zonnedaken op Scholen": [("gemeente-tilburg", "funder", True), ("roc-tilburg", "executing_partner", True)],
    "Energiecoaches De Reeshof": [("netwerk-energie-zuid", "knowledge_partner", True), ("gemeente-tilburg", "funder", True)],
    "Schuldmaatjes Utrecht": [("gemeente-utrecht", "problem_owner", True), ("social-impact-factory", "facilitator", True)],
    "Leerwerkplaats Installatietechniek": [("woonstichting-hart-van-brabant", "executing_partner", True), ("netwerk-energie-zuid", "funder", True)],
    "Warmtenet Tilburg-Noord": [("gemeente-tilburg", "problem_owner", True)],
    "Inclusieve Inkoop Utrecht": [("gemeente-utrecht", "funder", True), ("sociaal-atelier-utrecht", "executing_partner", True)],
    "Moestuin op het Dak": [("hogeschool-utrecht", "knowledge_partner", True)],
    "Jongerenraad Overvecht": [("social-impact-factory", "facilitator", True)],
    "Tiny Houses voor Starters": [("gemeente-tilburg", "problem_owner", True)],
    "Fietsenwerkplaats Nieuwkomers": [("gemeente-utrecht", "funder", True)],
}  # fmt: skip

MORE_STORIES: dict[str, dict[str, Any]] = {
    "Schuldmaatjes Utrecht": {
        "title": "Honderd gezinnen schuldenvrij dankzij een maatje",
        "summary": "Vrijwilligers, de gemeente en een verbinder maakten schuldhulp persoonlijk.",
        "problem": "Gezinnen met schulden wachtten maanden op hulp en durfden vaak niet te bellen.",
        "coalition": "De gemeente Utrecht bracht het probleem in; Social Impact Factory zette de stichting, de wijkteams en werkgevers aan één tafel.",
        "what_worked": "Een vast maatje dat meegaat naar de bank, de woningcorporatie en het loket.",
        "what_did_not": "Een app om afspraken te plannen: gezinnen belden liever.",
        "lessons": "Vertrouwen gaat voor snelheid. Een maatje uit de eigen wijk werkt het best.",
        "results": "Honderd gezinnen zijn schuldenvrij; de wachttijd ging van vier maanden naar drie weken.",
        "is_celebration": True,
    },
    "Zonnedaken op Scholen": {
        "title": "Ouders, school en coöperatie leggen samen zonnepanelen",
        "summary": "Hoe een coöperatie van ouders twaalf schooldaken vol legde.",
        "problem": "Scholen hadden grote daken maar geen geld en geen tijd om zonnepanelen te regelen.",
        "coalition": "De energiecoöperatie verzamelde ouders als investeerders; de gemeente garandeerde de lening; studenten van het ROC hielpen bij de installatie.",
        "what_worked": "Ouders investeren in hun eigen school: de opbrengst gaat naar lesmateriaal over energie.",
        "what_did_not": "Het vergunningstraject voor monumentale scholen duurde te lang.",
        "lessons": "Begin bij de school met de meest enthousiaste directeur, en laat leerlingen meerekenen.",
        "results": "Twaalf schooldaken, 1.800 panelen en lessen over energie op elke school.",
        "is_celebration": False,
    },
    "Leerwerkplaats Installatietechniek": {
        "title": "Studenten leren in echte huurwoningen",
        "summary": "Een corporatie opende haar woningen als leerwerkplaats voor warmtepompen.",
        "problem": "Er zijn te weinig installateurs om alle woningen van het gas af te halen.",
        "coalition": "Het ROC, de woonstichting en het energiebedrijf maakten samen een leerlijn in echte woningen.",
        "what_worked": "Bewoners kregen een vaste student als aanspreekpunt.",
        "what_did_not": "De eerste groep was te groot voor één begeleider.",
        "lessons": "Leer in het echt, maar met een kleine groep en een vaste leermeester.",
        "results": "Veertig studenten gediplomeerd; tweehonderd woningen kregen een warmtepomp.",
        "is_celebration": True,
    },
}


def _publish(item: Any, kind: str, by: User, editor: User) -> None:
    if item.publication_status == PublicationStatus.DRAFT:
        getattr(services, f"{kind}_submit")(**{kind: item, "by": by})
    if item.publication_status == PublicationStatus.SUBMITTED:
        getattr(services, f"{kind}_publish")(**{kind: item, "by": editor})


def _challenge(
    spec: dict[str, Any], orgs: dict[str, Organisation], editor: User, seed: int
) -> Challenge:
    found = Challenge.objects.filter(title=spec["title"]).first()
    if found is not None:
        return found
    owner = orgs[spec["owner"]]
    writer = _writer(owner)
    deadline = spec["deadline"]
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
    _publish(challenge, "challenge", writer, editor)
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
    for slug, role, confirmed in spec.get("partners", []):
        partner = orgs[slug]
        partnership = services.initiative_partner_add(
            initiative=initiative, organisation=partner, role=role, by=writer
        )
        if confirmed and not partnership.is_confirmed:
            services.initiative_partner_confirm(partnership=partnership, by=_writer(partner))
    for label, number, unit in spec.get("figures", []):
        services.impact_figure_add(
            initiative=initiative, by=writer, label=label, number=number, unit=unit
        )
    for title, days_ago in spec.get("updates", []):
        services.initiative_update_add(
            initiative=initiative,
            by=writer,
            title=title,
            body="",
            happened_on=timezone.localdate() - timedelta(days=days_ago),
        )
    _publish(initiative, "initiative", writer, editor)
    story_spec = spec.get("story")
    if story_spec:
        story = services.story_create(by=writer, initiative=initiative, values=story_spec)
        _publish(story, "story", writer, editor)
    return initiative


def seed() -> str:
    orgs = _organisations()
    editor = _editor()
    before = (Initiative.objects.count(), Challenge.objects.count(), Story.objects.count())
    for number, spec in enumerate(CHALLENGES):
        _challenge(spec, orgs, editor, seed=100 + number)
    for number, spec in enumerate(INITIATIVES):
        _initiative(spec, orgs, editor, seed=number)
    for number, (lead, title, tagline, region, themes, stage, challenges) in enumerate(MORE):
        _initiative(
            {
                "lead": lead,
                "title": title,
                "tagline": tagline,
                "description": f"{tagline}\n\n**{title}** laat zien wat samenwerken oplevert in {REGIONS[region]}.",
                "region": region,
                "themes": themes,
                "stage": stage,
                "challenges": challenges,
                "start": date(2018 + number % 7, 1 + number % 12, 1),
                "figures": [("betrokken buurtbewoners", 20 + 17 * number, "")],
                "partners": [
                    (slug, role, confirmed)
                    for slug, role, confirmed in MORE_PARTNERS.get(title, [])
                    if slug in orgs
                ],
                "story": MORE_STORIES.get(title),
            },
            orgs,
            editor,
            seed=10 + number,
        )
    services.search_terms_rebuild()
    after = (Initiative.objects.count(), Challenge.objects.count(), Story.objects.count())
    added = [a - b for a, b in zip(after, before, strict=True)]
    pending = InitiativePartner.objects.filter(confirmed_at__isnull=True).count()
    return (
        f"{after[0]} initiatives, {after[1]} challenges, {after[2]} stories "
        f"({added[0]}, {added[1]}, {added[2]} new; {pending} partner waits for confirmation)"
    )
