"""Who may create, edit, submit and manage: a URL × role matrix, and the partner confirmation."""

import pytest
from django.core.exceptions import PermissionDenied

from initiatives import services
from initiatives.models import Initiative, InitiativePartner, PublicationStatus
from members.models import MembershipRole
from tests.initiatives.factories import InitiativeFactory, PartnerFactory, StoryFactory
from tests.members.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = ["outsider", "member", "org_member", "org_admin", "editor"]


def _login(client, request, role):
    user = request.getfixturevalue(role)
    if user is not None:
        client.force_login(user)
    return user


# status of the item → role → expected status code of GET edit page
EDIT_MATRIX = {
    "draft": {"outsider": 302, "member": 404, "org_member": 200, "org_admin": 200, "editor": 403},
    "submitted": {
        "outsider": 302,
        "member": 404,
        "org_member": 403,
        "org_admin": 200,
        "editor": 403,
    },
    "published": {
        "outsider": 302,
        "member": 404,
        "org_member": 403,
        "org_admin": 200,
        "editor": 403,
    },
    "archived": {
        "outsider": 302,
        "member": 404,
        "org_member": 403,
        "org_admin": 403,
        "editor": 403,
    },
}


@pytest.mark.parametrize("status", list(EDIT_MATRIX))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["initiative", "story"])
def test_edit_pages_follow_the_matrix(client, request, organisation, status, role, kind) -> None:
    request.getfixturevalue("org_owner")
    _login(client, request, role)
    initiative = InitiativeFactory(lead=organisation)
    item = (
        StoryFactory(initiative=initiative, publication_status=status)
        if kind == "story"
        else InitiativeFactory(lead=organisation, publication_status=status)
    )
    url = item.get_absolute_url() + "bewerken/"

    assert client.get(url).status_code == EDIT_MATRIX[status][role]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("outsider", False), ("member", False), ("org_member", True), ("org_admin", True)],
)
def test_only_members_of_an_organisation_create_for_it(
    client, request, organisation, role, allowed
) -> None:
    _login(client, request, role)
    data = {
        "organisation": organisation.slug,
        "title": "Nieuw buurtinitiatief",
        "tagline": "Buren helpen buren.",
        "description": "Een **goed** plan.",
        "stage": "idea",
    }

    response = client.post("/initiatieven/nieuw/", data)

    created = Initiative.objects.filter(title="Nieuw buurtinitiatief").first()
    assert (created is not None) == allowed, response.status_code
    if created:
        assert created.publication_status == PublicationStatus.DRAFT
        assert created.lead == organisation


def test_a_form_with_errors_re_renders_and_writes_nothing(client, org_member, organisation) -> None:
    client.force_login(org_member)

    response = client.post("/initiatieven/nieuw/", {"organisation": organisation.slug})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Initiative.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("org_member", False), ("org_admin", True), ("member", False), ("editor", False)],
)
def test_only_an_admin_of_the_organisation_submits(
    client, request, organisation, role, allowed
) -> None:
    request.getfixturevalue("org_owner")
    _login(client, request, role)
    initiative = InitiativeFactory(lead=organisation, publication_status="draft")

    client.post(f"/initiatieven/{initiative.slug}/status/submit/")

    initiative.refresh_from_db()
    expected = PublicationStatus.SUBMITTED if allowed else PublicationStatus.DRAFT
    assert initiative.publication_status == expected


def test_an_editor_publishes_through_the_page(client, editor) -> None:
    initiative = InitiativeFactory(publication_status="submitted")
    client.force_login(editor)

    client.post(f"/initiatieven/{initiative.slug}/status/publish/")

    initiative.refresh_from_db()
    assert initiative.is_published


def test_a_get_never_changes_state(client, org_admin, organisation) -> None:
    client.force_login(org_admin)
    initiative = InitiativeFactory(lead=organisation, publication_status="draft")

    assert client.get(f"/initiatieven/{initiative.slug}/status/submit/").status_code == 405


# --- partners --------------------------------------------------------------


def test_a_partner_shows_only_after_its_admin_confirms(client, org_member, organisation) -> None:
    initiative = InitiativeFactory(lead=organisation)
    partner = OrganisationFactory(name="Woonstichting Zuid")
    partner_admin = MembershipFactory(organisation=partner, role=MembershipRole.ADMIN).user

    partnership = services.initiative_partner_add(
        initiative=initiative, organisation=partner, role="funder", by=org_member
    )

    assert not partnership.is_confirmed
    assert "Woonstichting Zuid" not in client.get(initiative.get_absolute_url()).content.decode()

    client.force_login(partner_admin)
    client.post(f"/initiatieven/{initiative.slug}/partners/{partner.slug}/bevestigen/")
    client.logout()

    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Woonstichting Zuid" in page


def test_the_partners_admins_are_asked_by_email_to_confirm(
    org_member, organisation, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    initiative = InitiativeFactory(lead=organisation, title="Warmte uit de wijk")
    partner = OrganisationFactory(name="Woonstichting Zuid")
    partner_admin = MembershipFactory(organisation=partner, role=MembershipRole.ADMIN).user

    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_partner_add(
            initiative=initiative, organisation=partner, role="funder", by=org_member
        )

    message = mail.outbox[-1]
    assert message.to == [partner_admin.email]
    assert "Warmte uit de wijk" in message.subject
    assert "/initiatieven/mijn/" in message.body


def test_a_member_of_the_partner_cannot_confirm(client, organisation) -> None:
    partnership = PartnerFactory(initiative=InitiativeFactory(lead=organisation), confirmed_at=None)
    plain_member = MembershipFactory(organisation=partnership.organisation).user
    client.force_login(plain_member)

    response = client.post(
        f"/initiatieven/{partnership.initiative.slug}/partners/"
        f"{partnership.organisation.slug}/bevestigen/"
    )

    assert response.status_code == 403
    partnership.refresh_from_db()
    assert partnership.confirmed_at is None


def test_the_lead_cannot_confirm_for_its_partner(org_admin, organisation) -> None:
    partnership = PartnerFactory(initiative=InitiativeFactory(lead=organisation), confirmed_at=None)

    with pytest.raises(PermissionDenied):
        services.initiative_partner_confirm(partnership=partnership, by=org_admin)


def test_an_admin_of_both_sides_is_confirmed_at_once(org_admin, organisation) -> None:
    partner = OrganisationFactory()
    MembershipFactory(organisation=partner, user=org_admin, role=MembershipRole.ADMIN)

    partnership = services.initiative_partner_add(
        initiative=InitiativeFactory(lead=organisation),
        organisation=partner,
        role="knowledge_partner",
        by=org_admin,
    )

    assert partnership.is_confirmed


def test_a_partner_admin_declines(client, organisation) -> None:
    partnership = PartnerFactory(initiative=InitiativeFactory(lead=organisation), confirmed_at=None)
    admin = MembershipFactory(organisation=partnership.organisation, role="admin").user
    client.force_login(admin)

    client.post(
        f"/initiatieven/{partnership.initiative.slug}/partners/"
        f"{partnership.organisation.slug}/verwijderen/"
    )

    assert not InitiativePartner.objects.exists()


def test_the_workspace_lists_partner_requests(client, organisation) -> None:
    partnership = PartnerFactory(initiative=InitiativeFactory(lead=organisation), confirmed_at=None)
    admin = MembershipFactory(organisation=partnership.organisation, role="admin").user
    client.force_login(admin)

    body = client.get("/initiatieven/mijn/").content.decode()

    assert partnership.initiative.title in body


def test_a_facilitator_on_the_staff_cannot_publish_from_the_front_end(client, organisation) -> None:
    from django.contrib.auth.models import Permission

    from tests.members.factories import UserFactory

    facilitator = UserFactory(is_staff=True)
    facilitator.user_permissions.add(
        Permission.objects.get(content_type__app_label="matchmaking", codename="facilitate")
    )
    initiative = InitiativeFactory(lead=organisation, publication_status="submitted")
    client.force_login(facilitator)

    response = client.post(f"/initiatieven/{initiative.slug}/status/publish/")

    initiative.refresh_from_db()
    assert response.status_code in (403, 404)
    assert initiative.publication_status == "submitted"
    assert client.get(initiative.get_absolute_url()).status_code == 404


def test_an_editor_publishes_from_the_front_end(client, editor, organisation) -> None:
    initiative = InitiativeFactory(lead=organisation, publication_status="submitted")
    client.force_login(editor)

    client.post(f"/initiatieven/{initiative.slug}/status/publish/")

    initiative.refresh_from_db()
    assert initiative.publication_status == "published"
