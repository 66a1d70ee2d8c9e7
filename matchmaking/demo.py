"""Demo offers and needs, a facilitator, and introductions in different states (one with an
outcome). Runs after the members, initiatives and stamp seeds; idempotent: every item is
looked up first, and everything moves through the same services that people use."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from core.models import Region, Theme
from initiatives.models import Challenge, Initiative
from matchmaking import services
from matchmaking.models import Introduction, OfferNeed
from members import roles
from members.demo import DEMO_PASSWORD
from members.models import Organisation, User
from members.roles import ADMIN_ROLES

FACILITATOR_EMAIL = "verbinder@breinaald.localhost"

# organisation slug, direction, kind, title, themes, description
OFFERS_AND_NEEDS = [
    ("woonstichting-hart-van-brabant", "offer", "space", "Leegstaande woningen voor tijdelijke projecten", ["wonen"], "We hebben enkele woningen die een jaar leeg staan voor renovatie. Ideaal voor een **pilot** of een tijdelijke werkplek."),
    ("woonstichting-hart-van-brabant", "need", "expertise", "Kennis van energiecoaching voor huurders", ["energietransitie", "wonen"], "We zoeken mensen die huurders helpen hun energierekening te begrijpen."),
    ("gemeente-utrecht", "offer", "funding", "Cofinanciering voor buurtinitiatieven tegen eenzaamheid", ["eenzaamheid"], "Tot EUR 20.000 per initiatief, als een maatschappelijke partner meedoet."),
    ("gemeente-utrecht", "need", "network", "Contact met werkgevers in Overvecht", ["jeugdwerkloosheid"], "Voor jongeren die een stageplek of eerste baan zoeken."),
    ("gemeente-tilburg", "need", "space", "Ruimte voor een huurdersloket nul op de meter", ["energietransitie", "wonen"], "Een plek in de wijk waar huurders binnen kunnen lopen met vragen."),
    ("brabantse-energiecooperatie", "offer", "expertise", "Energiecoaches uit de buurt", ["energietransitie"], "Twintig vrijwillige energiecoaches die keukentafelgesprekken voeren."),
    ("transport-van-den-heuvel", "offer", "people", "Chauffeurs als leermeester", ["jeugdwerkloosheid"], "Ervaren chauffeurs die een jongere een dag laten meerijden."),
    ("logistiek-leerbedrijf-tilburg", "need", "materials", "Een oude vrachtwagen om mee te oefenen", ["jeugdwerkloosheid", "onderwijs"], "Voor het oefenterrein: een afgeschreven trekker met oplegger."),
    ("kennisinstituut-sociale-innovatie", "offer", "data", "Onderzoeksdata over wat werkt in coalities", ["inclusie"], "Geanonimiseerde data uit 40 coalities, met een korte uitleg."),
    ("stichting-schuldhulp-samen", "need", "people", "Vrijwilligers voor de thuisadministratie", ["armoede"], "Mensen die twee uur per week willen helpen met post en formulieren."),
]  # fmt: skip


def _facilitator() -> User:
    user, created = User.objects.get_or_create(
        email=FACILITATOR_EMAIL, defaults={"display_name": "Vera Verbinder", "is_staff": True}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    # A facilitator the way a site admin makes one: in the facilitators' group, which also
    # opens the introductions in the admin.
    user.groups.add(Group.objects.get(name=roles.FACILITATORS_GROUP))
    return User.objects.get(pk=user.pk)  # fresh: no stale permission cache


def _person(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _introduction(
    requester_email: str,
    requesting: str,
    receiving: str,
    message: str,
    subject: Any = None,
) -> Introduction | None:
    requester = _person(requester_email)
    orgs = {org.slug: org for org in Organisation.objects.filter(slug__in=[requesting, receiving])}
    if requester is None or len(orgs) < 2:
        return None
    existing = Introduction.objects.filter(
        requesting_organisation=orgs[requesting], receiving_organisation=orgs[receiving]
    ).first()
    if existing is not None:
        return None
    return services.introduction_request(
        requester=requester,
        requesting_organisation=orgs[requesting],
        receiving_organisation=orgs[receiving],
        message=message,
        subject=subject,
    )


def seed() -> str:
    facilitator = _facilitator()
    created = 0
    for slug, direction, kind, title, themes, description in OFFERS_AND_NEEDS:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None or OfferNeed.objects.filter(title=title).exists():
            continue
        admin = organisation.memberships.filter(role__in=ADMIN_ROLES).first()
        if admin is None:
            continue
        services.offer_need_create(
            organisation=organisation,
            by=admin.user,
            values={
                "direction": direction,
                "kind": kind,
                "title": title,
                "description": description,
                "region": organisation.region or Region.objects.first(),
                "themes": list(Theme.objects.filter(slug__in=themes)),
            },
        )
        created += 1

    housing = Challenge.objects.filter(owner__slug="gemeente-tilburg").first()
    accepted = _introduction(
        "marieke@breinaald.localhost",
        "gemeente-tilburg",
        "woonstichting-hart-van-brabant",
        "Voor ons vraagstuk over betaalbaar verduurzamen zoeken we een corporatie die een "
        "straat wil aanpakken. Zullen we kennismaken?",
        housing,
    )
    if accepted is not None:
        services.introduction_forward(
            introduction=accepted, by=facilitator, note="Past goed bij de Green Deal."
        )
        services.introduction_accept(
            introduction=accepted,
            by=_person("fatima@breinaald.localhost") or facilitator,
            note="Graag, we hebben een straat in gedachten.",
        )
        services.outcome_record(
            introduction=accepted,
            by=_person("fatima@breinaald.localhost") or facilitator,
            description="Drie maanden een projectleider voor de eerste straat nul op de meter",
            amount=Decimal(3),
            unit="maanden",
        )
    forwarded = _introduction(
        "sanne@breinaald.localhost",
        "transport-van-den-heuvel",
        "logistiek-leerbedrijf-tilburg",
        "Wij willen jongeren een dag laten meerijden. Kunnen we samen iets opzetten?",
        Initiative.objects.filter(lead__slug="transport-van-den-heuvel").first(),
    )
    if forwarded is not None:
        services.introduction_forward(introduction=forwarded, by=facilitator)
    _introduction(
        "wouter@breinaald.localhost",
        "gemeente-utrecht",
        "stichting-schuldhulp-samen",
        "We zoeken een partner voor vroegsignalering van schulden in Overvecht.",
    )
    declined = _introduction(
        "henk@breinaald.localhost",
        "brabantse-energiecooperatie",
        "gemeente-utrecht",
        "Wij willen onze energiecoaches ook in Utrecht inzetten.",
    )
    if declined is not None:
        services.introduction_not_forward(
            introduction=declined,
            by=facilitator,
            note="Utrecht heeft al een energieloket; probeer eerst de gemeente Tilburg.",
        )
    return (
        f"{created} new offers and needs, {Introduction.objects.count()} introductions, "
        f"facilitator {FACILITATOR_EMAIL} (password {DEMO_PASSWORD!r})"
    )
