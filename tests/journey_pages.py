"""The pages the four journeys visit, with factory-made data to fill them.

One catalogue for the page-wide checks: the W3C HTML checker (`tests/core/test_valid_html.py`)
and the accessibility matrix (`tests/browser/test_accessibility_matrix.py`). Each page names
the persona that visits it: a visitor (`anonymous`), a member who owns an organisation
(`member`), a facilitator (`facilitator`) or an editor in the admin (`editor`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import translation

from initiatives.models import PublicationStatus
from matchmaking import services as matchmaking_services
from members import services as members_services
from members.models import MembershipRole, OrganisationStatus
from members.roles import EDITORS_GROUP, FACILITATORS_GROUP
from stamp import services as stamp_services
from tests.initiatives.factories import (
    ChallengeFactory,
    ChallengeLinkFactory,
    ImpactFigureFactory,
    InitiativeFactory,
    PartnerFactory,
    StoryFactory,
    UpdateFactory,
)
from tests.matchmaking.factories import OfferNeedFactory
from tests.members.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    ThemeFactory,
    UserFactory,
)
from tests.stamp.factories import CharterFactory

PERSONAS = ("anonymous", "member", "facilitator", "editor")


@dataclass(frozen=True)
class Page:
    name: str
    persona: str
    url_name: str
    args: tuple[str, ...] = ()
    query: str = ""

    def path(self, world: dict[str, Any], language: str = "nl") -> str:
        args = [_resolve(world, arg) for arg in self.args]
        with translation.override(language):
            return reverse(self.url_name, args=args) + self.query


def _resolve(world: dict[str, Any], arg: str) -> str:
    """``"initiative.slug"`` → ``world["initiative"].slug``; anything else as it is."""
    key, _, attribute = arg.partition(".")
    if attribute and key in world:
        return str(getattr(world[key], attribute))
    return arg


PAGES: tuple[Page, ...] = (
    # Browse (a visitor)
    Page("home", "anonymous", "home"),
    Page("initiative list", "anonymous", "initiatives:initiative_list"),
    Page(
        "initiative list, filtered",
        "anonymous",
        "initiatives:initiative_list",
        query="?thema=energietransitie&regio=midden-brabant",
    ),
    Page("initiative", "anonymous", "initiatives:initiative_detail", ("initiative.slug",)),
    Page("challenge list", "anonymous", "initiatives:challenge_list"),
    Page("challenge", "anonymous", "initiatives:challenge_detail", ("challenge.slug",)),
    Page("story list", "anonymous", "initiatives:story_list"),
    Page("story", "anonymous", "initiatives:story_detail", ("story.slug",)),
    Page("theme", "anonymous", "initiatives:theme_detail", ("theme.slug",)),
    Page("region", "anonymous", "initiatives:region_detail", ("region.slug",)),
    Page("search", "anonymous", "initiatives:search", query="?q=buurt"),
    Page("organisation list", "anonymous", "members:organisation_list"),
    Page("organisation", "anonymous", "members:organisation_detail", ("municipality.slug",)),
    Page("offers and needs", "anonymous", "matchmaking:offer_need_list"),
    Page("offer", "anonymous", "matchmaking:offer_need_detail", ("offer.slug",)),
    Page("stamp", "anonymous", "stamp:index"),
    Page("stamp carriers", "anonymous", "stamp:carrier_list"),
    Page("charter versions", "anonymous", "stamp:charter_list"),
    Page("charter", "anonymous", "stamp:charter_detail", ("charter.version",)),
    Page("stamp verification", "anonymous", "stamp:verify", ("claim.code",)),
    Page("log in", "anonymous", "account_login"),
    Page("sign up", "anonymous", "account_signup"),
    Page("password reset", "anonymous", "account_reset_password"),
    Page("invitation", "anonymous", "members:invitation_accept", ("invitation.accept_token",)),
    # A member who owns an organisation
    Page("my page", "member", "members:dashboard"),
    Page("my profile", "member", "members:profile_edit"),
    Page("public profile", "member", "members:profile_detail", ("profile.slug",)),
    Page("register an organisation", "member", "members:organisation_create"),
    Page("organisation (own)", "member", "members:organisation_detail", ("municipality.slug",)),
    Page("edit organisation", "member", "members:organisation_edit", ("municipality.slug",)),
    Page(
        "members and invitations", "member", "members:organisation_members", ("municipality.slug",)
    ),
    Page("verify the domain", "member", "members:domain_verification", ("pending.slug",)),
    Page("join an organisation", "member", "members:join_request_create", ("housing.slug",)),
    Page("my initiatives", "member", "initiatives:workspace"),
    Page("new initiative", "member", "initiatives:initiative_create"),
    Page("initiative (own)", "member", "initiatives:initiative_detail", ("initiative.slug",)),
    Page("edit initiative", "member", "initiatives:initiative_edit", ("initiative.slug",)),
    Page("manage initiative", "member", "initiatives:initiative_manage", ("initiative.slug",)),
    Page("draft initiative", "member", "initiatives:initiative_detail", ("draft.slug",)),
    Page("new story", "member", "initiatives:story_create", ("initiative.slug",)),
    Page("edit story", "member", "initiatives:story_edit", ("story.slug",)),
    Page("new challenge", "member", "initiatives:challenge_create"),
    Page("challenge (own)", "member", "initiatives:challenge_detail", ("challenge.slug",)),
    Page("edit challenge", "member", "initiatives:challenge_edit", ("challenge.slug",)),
    Page("suggestions (owner)", "member", "matchmaking:challenge_suggestions", ("challenge.slug",)),
    Page("stamp (manage)", "member", "stamp:manage", ("municipality.slug",)),
    Page("offers and needs (own)", "member", "matchmaking:organisation", ("municipality.slug",)),
    Page("new offer or need", "member", "matchmaking:offer_need_create", ("municipality.slug",)),
    Page("edit need", "member", "matchmaking:offer_need_edit", ("need.slug",)),
    Page("introductions", "member", "matchmaking:introduction_list"),
    Page("ask for an introduction", "member", "matchmaking:introduction_request", ("energy.slug",)),
    Page("introduction", "member", "matchmaking:introduction_detail", ("introduction.code",)),
    Page("notifications", "member", "matchmaking:notification_list"),
    Page("follows", "member", "matchmaking:follow_settings"),
    Page("report", "member", "curation:report_create", ("initiatief", "initiative.slug")),
    Page("email addresses", "member", "account_email"),
    Page("change password", "member", "account_change_password"),
    Page("two-step login", "member", "mfa_index"),
    Page("log out", "member", "account_logout"),
    # A facilitator
    Page("facilitator queue", "facilitator", "matchmaking:dashboard"),
    Page(
        "introduction (facilitator)",
        "facilitator",
        "matchmaking:introduction_detail",
        ("waiting.code",),
    ),
    Page(
        "suggestions (challenge)",
        "facilitator",
        "matchmaking:challenge_suggestions",
        ("challenge.slug",),
    ),
    Page(
        "suggestions (initiative)",
        "facilitator",
        "matchmaking:initiative_suggestions",
        ("initiative.slug",),
    ),
    # An editor in the admin (tests/curation and the admin helper cover the admin in depth)
    Page("admin", "editor", "admin:index"),
    Page("moderation queue", "editor", "admin:curation_moderation_changelist"),
    Page("initiatives (admin)", "editor", "admin:initiatives_initiative_changelist"),
    Page("stamp claims (admin)", "editor", "admin:stamp_claim_changelist"),
)

# Forms sent empty (or wrong), so that they come back with their errors.
FORMS_WITH_ERRORS: tuple[tuple[Page, dict[str, str]], ...] = (
    (Page("log in, wrong password", "anonymous", "account_login"), {"login": "x@example.org"}),
    (Page("sign up, empty", "anonymous", "account_signup"), {}),
    (Page("register an organisation, empty", "member", "members:organisation_create"), {}),
    (Page("new initiative, empty", "member", "initiatives:initiative_create"), {}),
    (Page("new challenge, empty", "member", "initiatives:challenge_create"), {}),
    (
        Page("new story, empty", "member", "initiatives:story_create", ("initiative.slug",)),
        {},
    ),
    (
        Page(
            "new offer or need, empty",
            "member",
            "matchmaking:offer_need_create",
            ("municipality.slug",),
        ),
        {},
    ),
    (
        Page(
            "ask for an introduction, empty",
            "member",
            "matchmaking:introduction_request",
            ("energy.slug",),
        ),
        {},
    ),
    (
        Page(
            "report, empty", "member", "curation:report_create", ("initiatief", "initiative.slug")
        ),
        {},
    ),
)


def build_world() -> dict[str, Any]:
    """Everything the pages show, made the way the site makes it (services where they exist)."""
    from django.contrib.auth.models import Group

    member = UserFactory(display_name="Marieke Jansen", language="nl")
    municipality = OrganisationFactory(
        name="Gemeente Tilburg", slug="gemeente-tilburg", kind="municipality"
    )
    MembershipFactory(
        organisation=municipality, user=member, role=MembershipRole.OWNER, is_public=True
    )
    profile = members_services.profile_for(member)
    profile.is_public = True
    profile.bio = "Ik werk aan **werk en wonen** in Tilburg."
    profile.save()
    # Just registered: not verified yet (the domain check).
    pending = OrganisationFactory(
        name="Buurtkracht Reeshof",
        slug="buurtkracht-reeshof",
        kind="neighbourhood_initiative",
        website="https://www.buurtkracht-reeshof.nl",
        status=OrganisationStatus.PENDING,
        verified_at=None,
    )
    MembershipFactory(organisation=pending, user=member, role=MembershipRole.OWNER)
    housing = OrganisationFactory(name="Woonstichting Thuis", slug="woonstichting-thuis")
    housing_owner = MembershipFactory(
        organisation=housing, role=MembershipRole.OWNER, user__display_name="Henk de Vries"
    ).user
    energy = OrganisationFactory(name="Energiecoöperatie Noord", slug="energie-noord")
    MembershipFactory(organisation=energy, role=MembershipRole.OWNER)
    facilitator = UserFactory(display_name="Vera Verbinder", is_staff=True)
    facilitator.groups.add(Group.objects.get(name=FACILITATORS_GROUP))
    editor = UserFactory(display_name="Eva Redactie", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))

    theme = ThemeFactory(name="energietransitie", name_en="energy transition")
    challenge = ChallengeFactory(
        owner=municipality,
        title="Jongeren aan het werk",
        slug="jongeren-aan-het-werk",
        themes=[theme],
    )
    initiative = InitiativeFactory(
        lead=municipality, title="Nul op de meter", slug="nul-op-de-meter", themes=[theme]
    )
    region = initiative.region
    PartnerFactory(initiative=initiative, organisation=housing)
    ChallengeLinkFactory(initiative=initiative, challenge=challenge)
    ImpactFigureFactory(initiative=initiative)
    UpdateFactory(initiative=initiative)
    draft = InitiativeFactory(
        lead=municipality,
        title="Buurtwarmte",
        slug="buurtwarmte",
        publication_status=PublicationStatus.DRAFT,
    )
    story = StoryFactory(initiative=initiative, title="Zo ging het", slug="zo-ging-het")
    offer = OfferNeedFactory(organisation=housing, title="Ruimte voor werkplekken", themes=[theme])
    need = OfferNeedFactory(
        organisation=municipality, direction="need", title="Werkgevers gezocht", themes=[theme]
    )

    charter = CharterFactory()
    claim = stamp_services.stamp_claim(
        organisation=municipality, by=member, charter=charter, statement="Omdat we samenwerken."
    )
    invitation = InvitationFactory(
        organisation=municipality, email="bram@example.org", invited_by=member
    )

    # An introduction the receiver accepted (outcomes, timeline), and one that waits.
    introduction = matchmaking_services.introduction_request(
        requester=member,
        requesting_organisation=municipality,
        receiving_organisation=housing,
        message="We willen graag kennismaken over jongeren en werk.",
        subject=challenge,
    )
    matchmaking_services.introduction_forward(introduction=introduction, by=facilitator)
    matchmaking_services.introduction_accept(introduction=introduction, by=housing_owner)
    waiting = matchmaking_services.introduction_request(
        requester=housing_owner,
        requesting_organisation=housing,
        receiving_organisation=energy,
        message="Kunnen we samen iets met zonnepanelen?",
    )

    return {
        "member": member,
        "profile": profile,
        "facilitator": facilitator,
        "editor": editor,
        "municipality": municipality,
        "pending": pending,
        "housing": housing,
        "energy": energy,
        "theme": theme,
        "region": region,
        "challenge": challenge,
        "initiative": initiative,
        "draft": draft,
        "story": story,
        "offer": offer,
        "need": need,
        "charter": charter,
        "claim": claim,
        "invitation": invitation,
        "introduction": introduction,
        "waiting": waiting,
    }
