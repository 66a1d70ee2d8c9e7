"""Content and curation cannot be gamed.

Each test performs one attack the way an attacker would, through the public URLs (or the
admin, for staff), and checks that it is refused and that nothing changed in the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from curation import exports
from curation import services as curation_services
from curation.models import Feature
from initiatives import services
from initiatives.models import (
    Challenge,
    ChallengeLink,
    ImpactFigure,
    Initiative,
    InitiativePartner,
    PublicationStatus,
    Story,
)
from matchmaking import suggestions
from members import services as member_services
from members.models import MembershipRole, Organisation, User
from tests.initiatives.factories import (
    ChallengeFactory,
    ChallengeLinkFactory,
    InitiativeFactory,
    PartnerFactory,
    StoryFactory,
)
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.security.test_admin_uploads import _change_form_data

pytestmark = pytest.mark.django_db

REASON = "Dit initiatief bestaat niet: het is verkapte reclame."


def _row(item: Any) -> dict[str, Any]:
    """The item's row as the database holds it: compared before and after an attack."""
    return type(item).objects.filter(pk=item.pk).values().get()


def _initiative_form(initiative: Initiative, **changes: Any) -> dict[str, Any]:
    return {
        "title": initiative.title,
        "tagline": initiative.tagline,
        "description": initiative.description,
        "stage": initiative.stage,
        **changes,
    }


def _admin_url(model: type, view: str = "changelist", *args: Any) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


# ---------------------------------------------------------------------------
# 1. An item hidden by an editor stays hidden
# ---------------------------------------------------------------------------


@pytest.fixture
def hidden(organisation: Organisation, org_admin: User, editor: User) -> Initiative:
    """A published initiative of ``organisation`` that a member reported and an editor hid."""
    initiative = InitiativeFactory(lead=organisation, title="Verstopt initiatief")
    report = curation_services.report_create(target=initiative, by=UserFactory(), reason=REASON)
    curation_services.report_hide(report=report, by=editor, reason=REASON)
    initiative.refresh_from_db()
    assert initiative.is_hidden
    assert initiative.publication_status == PublicationStatus.ARCHIVED
    return initiative


def test_an_owner_cannot_edit_and_republish_an_item_the_editors_hid(
    client: Any, org_admin: User, hidden: Initiative
) -> None:
    before = _row(hidden)
    client.force_login(org_admin)
    edit = reverse("initiatives:initiative_edit", args=[hidden.slug])

    assert client.get(edit).status_code == 403
    response = client.post(edit, _initiative_form(hidden, title="Nieuw en onschuldig"))
    for action in ("submit", "publish", "archive"):
        client.post(reverse("initiatives:initiative_transition", args=[hidden.slug, action]))

    assert response.status_code == 403
    assert _row(hidden) == before
    assert client.get(hidden.get_absolute_url()).status_code == 200  # its members still see it
    client.logout()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    # The services hold on their own, whatever calls them.
    with pytest.raises(ValidationError):
        services.item_update(item=hidden, by=org_admin, values={"title": "Anders"})
    with pytest.raises(ValidationError):
        services.item_submit(item=hidden, by=org_admin)
    assert _row(hidden) == before


def test_an_owner_cannot_add_partners_figures_or_updates_to_an_item_the_editors_hid(
    client: Any, org_admin: User, hidden: Initiative
) -> None:
    partner = OrganisationFactory()
    client.force_login(org_admin)

    client.post(
        reverse("initiatives:partner_add", args=[hidden.slug]),
        {"organisation": partner.slug, "role": "funder"},
    )
    client.post(
        reverse("initiatives:figure_add", args=[hidden.slug]),
        {"label": "bezoekers", "number": "12"},
    )
    client.post(
        reverse("initiatives:update_add", args=[hidden.slug]),
        {"title": "We zijn terug", "happened_on": "2026-01-01", "body": ""},
    )

    assert not hidden.partnerships.exists()
    assert not hidden.impact_figures.exists()
    assert not hidden.updates.exists()
    assert not mail.outbox


def test_a_bulk_publish_in_the_admin_does_not_bring_back_a_hidden_item(
    client: Any, editor: User, hidden: Initiative
) -> None:
    before = _row(hidden)
    client.force_login(editor)

    response = client.post(
        _admin_url(Initiative),
        {"action": "publish_selected", "_selected_action": [hidden.pk]},
        follow=True,
    )

    assert _row(hidden) == before
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    # Lifting is a decision of its own; only then can the editor publish again.
    client.post(
        _admin_url(Initiative), {"action": "unhide_selected", "_selected_action": [hidden.pk]}
    )
    client.post(
        _admin_url(Initiative), {"action": "publish_selected", "_selected_action": [hidden.pk]}
    )
    hidden.refresh_from_db()
    assert hidden.is_published
    assert not hidden.is_hidden


def test_only_an_editor_lifts_the_hiding(
    client: Any, org_admin: User, facilitator: User, hidden: Initiative
) -> None:
    before = _row(hidden)
    for person in (org_admin, facilitator):
        client.force_login(person)
        response = client.post(
            _admin_url(Initiative), {"action": "unhide_selected", "_selected_action": [hidden.pk]}
        )
        assert response.status_code in (302, 403)
        with pytest.raises(PermissionDenied):
            services.item_unhide(item=hidden, by=person)

    assert _row(hidden) == before


def test_the_owner_sees_why_the_editors_hid_the_item(
    client: Any, org_admin: User, hidden: Initiative
) -> None:
    client.force_login(org_admin)

    page = client.get(hidden.get_absolute_url()).content.decode()

    assert REASON in page
    assert reverse("initiatives:initiative_edit", args=[hidden.slug]) not in page
    workspace = client.get(reverse("initiatives:workspace")).content.decode()
    assert hidden.title in workspace


def test_the_author_is_told_when_the_editors_hide_an_item(
    editor: User,
    org_member: User,
    organisation: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    story = StoryFactory(initiative=InitiativeFactory(lead=organisation), author=org_member)

    with django_capture_on_commit_callbacks(execute=True):
        services.item_hide(item=story, by=editor, reason=REASON)

    assert [message.to for message in mail.outbox] == [[org_member.email]]
    assert REASON in mail.outbox[0].body


# ---------------------------------------------------------------------------
# 2. Facilitators do not read drafts in the admin or its exports
# ---------------------------------------------------------------------------


@pytest.fixture
def unpublished(editor: User) -> dict[str, Any]:
    """A published initiative and challenge, and a draft, a submission and a hidden one."""
    made: dict[str, Any] = {}
    for factory, kind in ((InitiativeFactory, "initiative"), (ChallengeFactory, "challenge")):
        made[f"{kind}_published"] = factory(title=f"Openbaar {kind}")
        made[f"{kind}_draft"] = factory(title=f"Concept {kind}", publication_status="draft")
        made[f"{kind}_submitted"] = factory(
            title=f"Ingediend {kind}", publication_status="submitted"
        )
        made[f"{kind}_hidden"] = factory(title=f"Verborgen {kind}")
        services.item_hide(item=made[f"{kind}_hidden"], by=editor, reason=REASON)
    ChallengeLinkFactory(initiative=made["initiative_draft"], challenge=made["challenge_published"])
    return made


@pytest.mark.parametrize("model", [Initiative, Challenge])
def test_a_facilitator_does_not_see_drafts_in_the_admin(
    client: Any, facilitator: User, editor: User, unpublished: dict[str, Any], model: type
) -> None:
    kind = model._meta.model_name
    client.force_login(facilitator)

    changelist = client.get(_admin_url(model)).content.decode()
    assert f"Openbaar {kind}" in changelist
    for state in ("draft", "submitted", "hidden"):
        item = unpublished[f"{kind}_{state}"]
        assert item.title not in changelist, state
        response = client.get(_admin_url(model, "change", item.pk), follow=True)
        assert item.title not in response.content.decode(), state
        searched = client.get(_admin_url(model), {"q": item.title})
        assert searched.context["cl"].result_count == 0, state

    # Editors still see everything.
    client.force_login(editor)
    changelist = client.get(_admin_url(model)).content.decode()
    for state in ("draft", "submitted", "hidden"):
        item = unpublished[f"{kind}_{state}"]
        assert item.title in changelist
        assert client.get(_admin_url(model, "change", item.pk)).status_code == 200
    if model is Initiative:  # the draft's link to a challenge, in its inline
        draft = unpublished["initiative_draft"]
        page = client.get(_admin_url(model, "change", draft.pk)).content.decode()
        assert "Openbaar challenge" in page


def test_a_facilitator_cannot_export_drafts_as_csv(
    client: Any, facilitator: User, editor: User, unpublished: dict[str, Any]
) -> None:
    selected = [
        unpublished[f"initiative_{state}"].pk
        for state in ("published", "draft", "submitted", "hidden")
    ]
    client.force_login(facilitator)

    response = client.post(
        _admin_url(Initiative), {"action": "export_csv", "_selected_action": selected}
    )

    body = b"".join(response.streaming_content).decode("utf-8")
    titles = [row[0] for row in csv.reader(io.StringIO(body[1:]), delimiter=";")][1:]
    assert titles == ["Openbaar initiative"]
    # The export itself applies the rule, whatever queryset it is handed.
    export = exports.initiatives_csv(Initiative.objects.all(), user=facilitator)
    assert b"Concept" not in b"".join(export.streaming_content)
    export = exports.initiatives_csv(Initiative.objects.all(), user=editor)
    assert b"Concept" in b"".join(export.streaming_content)


# ---------------------------------------------------------------------------
# 3. Linking to someone else's challenge needs its owner's consent
# ---------------------------------------------------------------------------


@pytest.fixture
def foreign_challenge() -> Challenge:
    owner = OrganisationFactory(name="Gemeente Breda", kind="municipality")
    MembershipFactory(organisation=owner, role=MembershipRole.OWNER)
    return ChallengeFactory(
        owner=owner,
        title="Eenzaamheid onder ouderen",
        stakeholder_kinds=["housing_corporation"],
        resources_needed=["space"],
    )


def test_an_initiative_cannot_claim_another_organisations_challenge_without_consent(
    client: Any,
    org_admin: User,
    organisation: Organisation,
    foreign_challenge: Challenge,
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory(lead=organisation, title="Samen aan tafel")
    owner_admin = foreign_challenge.owner.memberships.get().user
    client.force_login(org_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("initiatives:initiative_edit", args=[initiative.slug]),
            _initiative_form(initiative, challenges=[foreign_challenge.pk]),
        )
    # The lead tries to confirm on the owner's behalf.
    confirm = reverse(
        "initiatives:challenge_link_confirm", args=[initiative.slug, foreign_challenge.slug]
    )
    assert client.post(confirm).status_code == 403

    assert response.status_code == 302
    link = ChallengeLink.objects.get()
    assert link.confirmed_at is None
    assert [message.to for message in mail.outbox] == [[owner_admin.email]]
    client.logout()
    assert foreign_challenge.title not in client.get(initiative.get_absolute_url()).content.decode()
    assert initiative.title not in client.get(foreign_challenge.get_absolute_url()).content.decode()
    # Suggestions do not take over the challenge's needs either.
    assert suggestions.initiative_needs(initiative) == ([], [])

    # The problem owner's admin agrees: now the link is public.
    client.force_login(owner_admin)
    assert initiative.title in client.get(reverse("initiatives:workspace")).content.decode()
    client.post(confirm)
    client.logout()
    link.refresh_from_db()
    assert link.confirmed_by == owner_admin
    assert foreign_challenge.title in client.get(initiative.get_absolute_url()).content.decode()
    assert initiative.title in client.get(foreign_challenge.get_absolute_url()).content.decode()
    assert suggestions.initiative_needs(initiative) == (["housing_corporation"], ["space"])


def test_linking_to_an_own_challenge_needs_no_consent(
    client: Any, org_admin: User, organisation: Organisation
) -> None:
    own = ChallengeFactory(owner=organisation, title="Ons eigen vraagstuk")
    initiative = InitiativeFactory(lead=organisation)
    client.force_login(org_admin)

    client.post(
        reverse("initiatives:initiative_edit", args=[initiative.slug]),
        _initiative_form(initiative, challenges=[own.pk]),
    )

    assert ChallengeLink.objects.get().is_confirmed
    assert not mail.outbox
    client.logout()
    assert own.title in client.get(initiative.get_absolute_url()).content.decode()


def test_a_stranger_cannot_decline_or_confirm_a_link(
    client: Any, member: User, foreign_challenge: Challenge, organisation: Organisation
) -> None:
    link = ChallengeLinkFactory(
        initiative=InitiativeFactory(lead=organisation), challenge=foreign_challenge
    )
    before = _row(link)
    client.force_login(member)
    args = [link.initiative.slug, foreign_challenge.slug]

    assert client.post(reverse("initiatives:challenge_link_remove", args=args)).status_code == 403
    link.confirmed_at = None
    link.save(update_fields=["confirmed_at"])
    assert client.post(reverse("initiatives:challenge_link_confirm", args=args)).status_code == 403

    assert _row(link) == {**before, "confirmed_at": None}


# ---------------------------------------------------------------------------
# 4. Naming partners is rate limited
# ---------------------------------------------------------------------------


def _name_partner(client: Any, initiative: Initiative, partner: Organisation) -> Any:
    return client.post(
        reverse("initiatives:partner_add", args=[initiative.slug]),
        {"organisation": partner.slug, "role": "funder"},
    )


def test_a_member_cannot_flood_organisations_with_partner_requests(
    client: Any, settings: Any, org_member: User, organisation: Organisation
) -> None:
    settings.PARTNER_REQUESTS_PER_HOUR = 3
    initiative = InitiativeFactory(lead=organisation)
    partners = [OrganisationFactory() for _ in range(4)]
    client.force_login(org_member)

    for partner in partners[:3]:
        assert _name_partner(client, initiative, partner).status_code == 302
    response = _name_partner(client, initiative, partners[3])

    assert response.status_code == 400
    errors = response.context["partner_form"].non_field_errors().as_data()
    assert [error.code for error in errors] == ["rate_limited"]
    assert InitiativePartner.objects.count() == 3


def test_an_organisations_members_cannot_share_out_the_partner_limit(
    client: Any, settings: Any, org_member: User, org_admin: User, organisation: Organisation
) -> None:
    settings.PARTNER_REQUESTS_PER_HOUR = 3
    initiative = InitiativeFactory(lead=organisation)
    partners = [OrganisationFactory() for _ in range(4)]
    client.force_login(org_member)
    for partner in partners[:2]:
        _name_partner(client, initiative, partner)
    client.force_login(org_admin)
    _name_partner(client, initiative, partners[2])

    response = _name_partner(client, initiative, partners[3])

    assert response.status_code == 400
    assert InitiativePartner.objects.count() == 3


def test_the_daily_partner_limit_holds_after_the_hour(
    client: Any, settings: Any, org_member: User, organisation: Organisation
) -> None:
    settings.PARTNER_REQUESTS_PER_HOUR = 2
    settings.PARTNER_REQUESTS_PER_DAY = 3
    # Redis expires a window on its own clock, which time-machine cannot move: count in local
    # memory (one store for both aliases, as without REDIS_URL) to step past the hour.
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "windows"}
    settings.CACHES = {"default": local, "ratelimit": local}
    initiative = InitiativeFactory(lead=organisation)
    partners = [OrganisationFactory() for _ in range(4)]
    client.force_login(org_member)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for partner in partners[:2]:
            _name_partner(client, initiative, partner)
        traveller.shift(timedelta(hours=1, minutes=1))
        assert _name_partner(client, initiative, partners[2]).status_code == 302

        response = _name_partner(client, initiative, partners[3])

    assert response.status_code == 400
    assert InitiativePartner.objects.count() == 3


def test_challenge_links_count_toward_the_partner_limit(
    client: Any,
    settings: Any,
    org_admin: User,
    organisation: Organisation,
    foreign_challenge: Challenge,
) -> None:
    settings.PARTNER_REQUESTS_PER_HOUR = 1
    initiative = InitiativeFactory(lead=organisation)
    client.force_login(org_admin)
    _name_partner(client, initiative, OrganisationFactory())
    before = _row(initiative)

    response = client.post(
        reverse("initiatives:initiative_edit", args=[initiative.slug]),
        _initiative_form(initiative, title="Ander", challenges=[foreign_challenge.pk]),
    )

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors().as_data()
    assert [error.code for error in errors] == ["rate_limited"]
    assert not ChallengeLink.objects.exists()
    assert _row(initiative) == before


def test_naming_a_partner_you_administer_asks_nobody_and_is_not_counted(
    settings: Any, org_admin: User, organisation: Organisation
) -> None:
    settings.PARTNER_REQUESTS_PER_HOUR = 1
    initiative = InitiativeFactory(lead=organisation)
    for _ in range(3):
        partner = OrganisationFactory()
        MembershipFactory(organisation=partner, user=org_admin, role=MembershipRole.ADMIN)
        services.initiative_partner_add(
            initiative=initiative, organisation=partner, role="funder", by=org_admin
        )

    assert InitiativePartner.objects.filter(confirmed_at__isnull=False).count() == 3


# ---------------------------------------------------------------------------
# 5. A suspended organisation's content disappears, and comes back on reinstatement
# ---------------------------------------------------------------------------

PUBLIC_PAGES = [
    "/",
    "/initiatieven/",
    "/vraagstukken/",
    "/verhalen/",
    "/initiatieven/feed/",
    "/vraagstukken/feed/atom/",
    "/verhalen/feed/",
    "/themas/wonen/",
    "/regios/midden-brabant/",
    "/regios/midden-brabant/feed/",
    "/sitemap.xml",
    "/zoeken/?q=geschorst",
]


@pytest.fixture
def suspended_content(organisation: Organisation, editor: User) -> dict[str, Any]:
    from tests.members.factories import RegionFactory, ThemeFactory

    region = RegionFactory(name="Midden-Brabant", slug="midden-brabant")
    theme = ThemeFactory(name="wonen", slug="wonen")
    initiative = InitiativeFactory(
        lead=organisation, title="Geschorst initiatief", region=region, themes=[theme]
    )
    challenge = ChallengeFactory(
        owner=organisation, title="Geschorst vraagstuk", region=region, themes=[theme]
    )
    story = StoryFactory(initiative=initiative, title="Geschorst verhaal")
    Feature.objects.create(initiative=initiative, created_by=editor)
    return {"initiative": initiative, "challenge": challenge, "story": story}


def _shown(client: Any, items: dict[str, Any]) -> dict[str, bool]:
    shown = {}
    for url in PUBLIC_PAGES:
        body = client.get(url).content.decode()
        shown[url] = any(item.slug in body or item.title in body for item in items.values())
    for name, item in items.items():
        shown[name] = client.get(item.get_absolute_url()).status_code == 200
    return shown


def test_a_suspended_organisations_content_disappears_and_returns_unchanged(
    client: Any, organisation: Organisation, editor: User, suspended_content: dict[str, Any]
) -> None:
    assert all(_shown(client, suspended_content).values())
    rows = {name: _row(item) for name, item in suspended_content.items()}

    member_services.organisation_suspend(organisation=organisation, by=editor, reason=REASON)

    hidden = _shown(client, suspended_content)
    assert not any(hidden.values()), [where for where, seen in hidden.items() if seen]
    assert Feature.objects.current().count() == 0
    assert not Story.objects.published().exists()

    member_services.organisation_reinstate(organisation=organisation, by=editor)

    assert all(_shown(client, suspended_content).values())
    assert {name: _row(item) for name, item in suspended_content.items()} == rows


def test_a_suspended_partner_is_not_shown_on_initiative_pages(client: Any, editor: User) -> None:
    partnership = PartnerFactory(organisation__name="Geschorste Partner BV")
    url = partnership.initiative.get_absolute_url()
    assert "Geschorste Partner BV" in client.get(url).content.decode()

    member_services.organisation_suspend(
        organisation=partnership.organisation, by=editor, reason=REASON
    )

    assert "Geschorste Partner BV" not in client.get(url).content.decode()


def test_a_suspended_organisations_members_cannot_create_content_for_it(
    client: Any, org_admin: User, organisation: Organisation, editor: User
) -> None:
    member_services.organisation_suspend(organisation=organisation, by=editor, reason=REASON)
    client.force_login(org_admin)

    client.post(
        reverse("initiatives:initiative_create"),
        {
            "organisation": organisation.slug,
            "title": "Toch nog iets",
            "tagline": "Even proberen.",
            "description": "Tekst.",
            "stage": "idea",
        },
    )
    client.post(
        reverse("initiatives:challenge_create"),
        {
            "organisation": organisation.slug,
            "title": "Toch nog iets",
            "summary": "Even proberen.",
            "description": "Tekst.",
            "status": "open",
        },
    )

    assert not Initiative.objects.exists()
    assert not Challenge.objects.exists()
    with pytest.raises(ValidationError):
        services.initiative_create(by=org_admin, lead=organisation, values={"title": "X"})


def test_a_suspended_organisations_members_cannot_edit_or_submit_its_content(
    client: Any, org_admin: User, organisation: Organisation, editor: User
) -> None:
    published = InitiativeFactory(lead=organisation, title="Gepubliceerd")
    draft = InitiativeFactory(lead=organisation, title="Concept", publication_status="draft")
    member_services.organisation_suspend(organisation=organisation, by=editor, reason=REASON)
    rows = [_row(published), _row(draft)]
    client.force_login(org_admin)

    edit = client.post(
        reverse("initiatives:initiative_edit", args=[published.slug]),
        _initiative_form(published, title="Veranderd"),
    )
    client.post(reverse("initiatives:initiative_transition", args=[draft.slug, "submit"]))
    client.post(
        reverse("initiatives:partner_add", args=[published.slug]),
        {"organisation": OrganisationFactory().slug, "role": "funder"},
    )
    client.post(
        reverse("initiatives:figure_add", args=[published.slug]),
        {"label": "bezoekers", "number": "12"},
    )

    assert edit.status_code == 403
    assert [_row(published), _row(draft)] == rows
    assert not InitiativePartner.objects.exists()
    assert not ImpactFigure.objects.exists()
    with pytest.raises(ValidationError, match="geschorst"):
        services.item_submit(item=draft, by=org_admin)


# ---------------------------------------------------------------------------
# 6. An owner's edit from a copy read before the hide cannot undo it
# ---------------------------------------------------------------------------


def _owner_writes(organisation: Organisation) -> dict[str, tuple[Any, Callable[[Any, User], Any]]]:
    """An item of ``organisation`` in a state its owner may act on, and the owner's service."""
    draft = {"publication_status": PublicationStatus.DRAFT, "published_at": None}
    return {
        "initiative_update": (
            InitiativeFactory(lead=organisation),
            lambda item, by: services.item_update(item=item, by=by, values={"title": "Weer open"}),
        ),
        "challenge_update": (
            ChallengeFactory(owner=organisation),
            lambda item, by: services.item_update(item=item, by=by, values={"title": "Weer open"}),
        ),
        "story_update": (
            StoryFactory(initiative=InitiativeFactory(lead=organisation)),
            lambda item, by: services.item_update(item=item, by=by, values={"title": "Weer open"}),
        ),
        "initiative_submit": (
            InitiativeFactory(lead=organisation, **draft),
            lambda item, by: services.item_submit(item=item, by=by),
        ),
    }


@pytest.mark.parametrize(
    "service", ["initiative_update", "challenge_update", "story_update", "initiative_submit"]
)
def test_an_owners_edit_from_a_copy_read_before_the_hide_cannot_undo_it(
    org_admin: User, organisation: Organisation, editor: User, service: str
) -> None:
    """The owner's page read the row; an editor hid the item; then the owner saves."""
    item, write = _owner_writes(organisation)[service]
    stale = type(item).objects.get(pk=item.pk)
    services.item_hide(item=type(item).objects.get(pk=item.pk), by=editor, reason=REASON)
    before = _row(item)

    with pytest.raises(ValidationError):
        write(stale, org_admin)

    assert _row(item) == before
    assert before["hidden_at"] is not None
    assert before["publication_status"] == PublicationStatus.ARCHIVED


def test_an_editors_admin_save_from_a_copy_read_before_the_hide_cannot_undo_it(
    rf: Any, editor: User, organisation: Organisation
) -> None:
    initiative = InitiativeFactory(lead=organisation, title="Verstopt initiatief")
    stale = Initiative.objects.get(pk=initiative.pk)
    services.item_hide(item=Initiative.objects.get(pk=initiative.pk), by=editor, reason=REASON)
    request = rf.post("/")
    request.user = editor
    model_admin = admin.site.get_model_admin(Initiative)
    form = model_admin.get_form(request, stale, change=True)(instance=stale)
    stale.title = "Verstopt initiatief, bijgewerkt"

    model_admin.save_model(request, stale, form, change=True)

    row = _row(initiative)
    assert row["title"] == "Verstopt initiatief, bijgewerkt"  # the edit itself is kept
    assert row["hidden_at"] is not None
    assert row["publication_status"] == PublicationStatus.ARCHIVED


# ---------------------------------------------------------------------------
# 7. Consent cannot be moved in the admin
# ---------------------------------------------------------------------------


def test_an_editor_cannot_move_a_confirmed_partner_onto_another_organisation_in_the_admin(
    client: Any, editor: User, organisation: Organisation
) -> None:
    partnership = PartnerFactory(initiative=InitiativeFactory(lead=organisation))
    other = OrganisationFactory(name="Nooit gevraagd BV")
    before = _row(partnership)
    client.force_login(editor)
    url = _admin_url(InitiativePartner, "change", partnership.pk)

    client.post(
        url,
        {
            "initiative": InitiativeFactory().pk,
            "organisation": other.pk,
            "role": partnership.role,
            "confirmed_by": editor.pk,
        },
    )

    assert _row(partnership) == before
    assert client.get(_admin_url(InitiativePartner, "add")).status_code == 403


def test_a_superuser_cannot_move_a_confirmed_link_onto_another_challenge_in_the_admin(
    client: Any, superuser: User, organisation: Organisation
) -> None:
    link = ChallengeLinkFactory(initiative=InitiativeFactory(lead=organisation))
    partnership = PartnerFactory(initiative=link.initiative)
    other_challenge = ChallengeFactory(title="Nooit gevraagd vraagstuk")
    other_partner = OrganisationFactory(name="Nooit gevraagd BV")
    rows = [_row(link), _row(partnership)]
    client.force_login(superuser)
    url = _admin_url(Initiative, "change", link.initiative.pk)
    data = _change_form_data(client, url)
    data.update(
        {
            "challenge_links-0-challenge": other_challenge.pk,
            "partnerships-0-organisation": other_partner.pk,
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302  # saved: the moves were simply not taken
    assert [_row(link), _row(partnership)] == rows


def test_a_superuser_cannot_add_partners_or_links_past_the_services_in_the_admin(
    client: Any, superuser: User, organisation: Organisation
) -> None:
    initiative = InitiativeFactory(lead=organisation)
    client.force_login(superuser)
    url = _admin_url(Initiative, "change", initiative.pk)
    data = _change_form_data(client, url)
    data.update(
        {
            "partnerships-TOTAL_FORMS": "1",
            "partnerships-INITIAL_FORMS": "0",
            "partnerships-0-initiative": initiative.pk,
            "partnerships-0-organisation": OrganisationFactory().pk,
            "partnerships-0-role": "funder",
            "challenge_links-TOTAL_FORMS": "1",
            "challenge_links-INITIAL_FORMS": "0",
            "challenge_links-0-initiative": initiative.pk,
            "challenge_links-0-challenge": ChallengeFactory().pk,
        }
    )

    client.post(url, data)

    assert not InitiativePartner.objects.exists()
    assert not ChallengeLink.objects.exists()
