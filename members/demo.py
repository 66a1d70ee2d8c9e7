"""Demo people, regions, themes and organisations. All people are fictional; public
bodies appear by name, companies and initiatives are invented."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.utils import timezone

from core.models import Region, Theme
from members.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    User,
    VerificationMethod,
)
from members.services import profile_for

LOCAL_ADMIN_EMAIL = "admin@breinaald.localhost"
LOCAL_ADMIN_PASSWORD = "breinaald-admin"  # local demo only; printed by `make run`
DEMO_PASSWORD = "breinaald-demo"  # every demo member; local demo only

REGIONS = [
    ("midden-brabant", "Midden-Brabant", "Tilburg en omgeving: Hart van Brabant."),
    ("utrecht", "Utrecht", "De stad en de regio Utrecht."),
    ("amsterdam", "Amsterdam", ""),
    ("rotterdam-rijnmond", "Rotterdam-Rijnmond", ""),
    ("twente", "Twente", ""),
    ("groningen", "Groningen", ""),
]

THEMES = [
    ("energietransitie", "Energietransitie", "Energy transition"),
    ("jeugdwerkloosheid", "Jeugdwerkloosheid", "Youth unemployment"),
    ("wonen", "Wonen", "Housing"),
    ("zorg", "Zorg en welzijn", "Care and wellbeing"),
    ("armoede", "Armoede en schulden", "Poverty and debt"),
    ("eenzaamheid", "Eenzaamheid", "Loneliness"),
    ("onderwijs", "Onderwijs", "Education"),
    ("inclusie", "Inclusie", "Inclusion"),
    ("mobiliteit", "Mobiliteit", "Mobility"),
    ("voedsel", "Voedsel", "Food"),
]

# slug, name, kind, region, themes, website, status, description
ORGANISATIONS = [
    (
        "gemeente-tilburg",
        "Gemeente Tilburg",
        OrganisationKind.MUNICIPALITY,
        "midden-brabant",
        ["energietransitie", "wonen", "jeugdwerkloosheid"],
        "https://www.tilburg.nl",
        "verified",
        "De gemeente Tilburg werkt met woningcorporaties, energiebedrijven en bewoners aan een "
        "Green Deal: huizen die **nul op de meter** halen.",
    ),
    (
        "gemeente-utrecht",
        "Gemeente Utrecht",
        OrganisationKind.MUNICIPALITY,
        "utrecht",
        ["armoede", "eenzaamheid", "jeugdwerkloosheid"],
        "https://www.utrecht.nl",
        "verified",
        "Probleemeigenaar, kennispartner en katalysator in het sociale domein.",
    ),
    (
        "woonstichting-hart-van-brabant",
        "Woonstichting Hart van Brabant",
        OrganisationKind.HOUSING_CORPORATION,
        "midden-brabant",
        ["wonen", "energietransitie"],
        "https://www.woonstichting-hartvanbrabant.example",
        "verified",
        "Ruim 12.000 huurwoningen in Midden-Brabant, op weg naar nul op de meter.",
    ),
    (
        "brabantse-energiecooperatie",
        "Brabantse Energiecoöperatie",
        OrganisationKind.ENERGY_COMPANY,
        "midden-brabant",
        ["energietransitie"],
        "https://www.brabantse-energie.example",
        "verified",
        "Een coöperatie van bewoners die samen zonne-energie opwekken.",
    ),
    (
        "transport-van-den-heuvel",
        "Transport Van den Heuvel",
        OrganisationKind.CORPORATE,
        "midden-brabant",
        ["jeugdwerkloosheid", "mobiliteit"],
        "https://www.vandenheuvel-transport.example",
        "verified",
        "Familiebedrijf in wegtransport en logistiek, met 240 chauffeurs.",
    ),
    (
        "logistiek-leerbedrijf-tilburg",
        "Logistiek Leerbedrijf Tilburg",
        OrganisationKind.SOCIAL_ENTERPRISE,
        "midden-brabant",
        ["jeugdwerkloosheid", "onderwijs"],
        "https://www.logistiekleerbedrijf.example",
        "verified",
        "Leidt jongeren zonder startkwalificatie op tot chauffeur en magazijnmedewerker.",
    ),
    (
        "buurtkracht-kanaleneiland",
        "Buurtkracht Kanaleneiland",
        OrganisationKind.NEIGHBOURHOOD_INITIATIVE,
        "utrecht",
        ["eenzaamheid", "armoede"],
        "",
        "pending",
        "Bewoners van Kanaleneiland die elkaar helpen: van boodschappen tot formulieren.",
    ),
    (
        "sociaal-atelier-utrecht",
        "Sociaal Atelier Utrecht",
        OrganisationKind.SOCIAL_ENTERPRISE,
        "utrecht",
        ["inclusie", "armoede"],
        "https://www.sociaalatelier-utrecht.example",
        "verified",
        "Werkplaats waar mensen met afstand tot de arbeidsmarkt meubels opknappen.",
    ),
    (
        "kennisinstituut-sociale-innovatie",
        "Kennisinstituut Sociale Innovatie",
        OrganisationKind.KNOWLEDGE_INSTITUTION,
        "utrecht",
        ["onderwijs", "inclusie"],
        "https://www.kennis-sociale-innovatie.example",
        "verified",
        "Onderzoekt wat werkt bij samenwerking over sectoren heen.",
    ),
    (
        "stichting-schuldhulp-samen",
        "Stichting Schuldhulp Samen",
        OrganisationKind.CIVIL_SOCIETY,
        "utrecht",
        ["armoede"],
        "https://www.schuldhulpsamen.example",
        "verified",
        "Vrijwilligers die huishoudens met schulden bijstaan.",
    ),
]

# email, display name, organisation slug, role
PEOPLE = [
    ("marieke@breinaald.localhost", "Marieke van Dongen", "gemeente-tilburg", MembershipRole.OWNER),
    ("joost@breinaald.localhost", "Joost Verhoeven", "gemeente-tilburg", MembershipRole.MEMBER),
    ("wouter@breinaald.localhost", "Wouter de Graaf", "gemeente-utrecht", MembershipRole.OWNER),
    ("fatima@breinaald.localhost", "Fatima El Amrani", "woonstichting-hart-van-brabant", MembershipRole.OWNER),
    ("henk@breinaald.localhost", "Henk Smulders", "brabantse-energiecooperatie", MembershipRole.OWNER),
    ("sanne@breinaald.localhost", "Sanne van den Heuvel", "transport-van-den-heuvel", MembershipRole.OWNER),
    ("dennis@breinaald.localhost", "Dennis Bakker", "logistiek-leerbedrijf-tilburg", MembershipRole.OWNER),
    ("yara@breinaald.localhost", "Yara Jansen", "buurtkracht-kanaleneiland", MembershipRole.OWNER),
    ("pieter@breinaald.localhost", "Pieter Mulder", "sociaal-atelier-utrecht", MembershipRole.OWNER),
    ("lotte@breinaald.localhost", "Lotte de Vries", "kennisinstituut-sociale-innovatie", MembershipRole.OWNER),
    ("ahmed@breinaald.localhost", "Ahmed Yilmaz", "stichting-schuldhulp-samen", MembershipRole.OWNER),
]  # fmt: skip


def _user(email: str, display_name: str, password: str, **extra: bool) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": display_name, **extra}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user, created


def seed() -> str:
    _admin, admin_created = _user(
        LOCAL_ADMIN_EMAIL, "Beheerder", LOCAL_ADMIN_PASSWORD, is_staff=True, is_superuser=True
    )
    for position, (slug, name, description) in enumerate(REGIONS):
        Region.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for slug, name, name_en in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})

    new_organisations = 0
    for slug, name, kind, region, themes, website, status, description in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "region": Region.objects.get(slug=region),
                "website": website,
                "description": description,
                "status": status,
                "verified_at": timezone.now() if status == OrganisationStatus.VERIFIED else None,
                "verification_method": VerificationMethod.EDITOR
                if status == OrganisationStatus.VERIFIED
                else "",
            },
        )
        if created:
            organisation.themes.set(Theme.objects.filter(slug__in=themes))
            new_organisations += 1

    for email, display_name, organisation_slug, role in PEOPLE:
        user, _created = _user(email, display_name, DEMO_PASSWORD)
        profile = profile_for(user)
        if _created:
            profile.is_public = True
            profile.region = Organisation.objects.get(slug=organisation_slug).region
            profile.save(update_fields=["is_public", "region"])
        membership, _created = Membership.objects.get_or_create(
            organisation=Organisation.objects.get(slug=organisation_slug),
            user=user,
            # The demo people chose to be seen; a real member starts hidden.
            defaults={"role": role, "is_public": True},
        )
        if not membership.is_public:
            # A local database that ran members/0007 hid them with everyone else.
            membership.is_public = True
            membership.save(update_fields=["is_public"])
    return (
        f"local admin {'created' if admin_created else 'present'}, "
        f"{new_organisations} new organisations, {len(PEOPLE)} demo members "
        f"(password {DEMO_PASSWORD!r})"
    )
