"""Demo people, regions, themes and organisations. All people are fictional; public
bodies appear by name, companies and initiatives are invented."""

from __future__ import annotations

import tomllib
from pathlib import Path

from allauth.account.models import EmailAddress
from django.utils import timezone

from core.models import Region, Theme
from members.models import (
    Membership,
    Organisation,
    OrganisationStatus,
    User,
    VerificationMethod,
)
from members.services import profile_for

LOCAL_ADMIN_EMAIL = "admin@breinaald.localhost"
LOCAL_ADMIN_PASSWORD = "breinaald-admin"  # local demo only; printed by `make run`
DEMO_PASSWORD = "breinaald-demo"  # every demo member; local demo only

# The words of the demo: regions, themes, organisations and people (initiatives/demo.py reuses
# the regions and themes).
CONTENT = tomllib.loads((Path(__file__).parent / "demo.toml").read_text(encoding="utf-8"))


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


def ensure_regions_and_themes() -> None:
    """The demo regions and themes, each looked up by slug first (initiatives/demo.py needs
    them too)."""
    for position, region in enumerate(CONTENT["regions"]):
        Region.objects.get_or_create(
            slug=region["slug"],
            defaults={
                "name": region["name"],
                "description": region["description"],
                "position": position,
            },
        )
    for theme in CONTENT["themes"]:
        Theme.objects.get_or_create(
            slug=theme["slug"], defaults={"name": theme["name"], "name_en": theme["name_en"]}
        )


def seed() -> str:
    _admin, admin_created = _user(
        LOCAL_ADMIN_EMAIL, "Beheerder", LOCAL_ADMIN_PASSWORD, is_staff=True, is_superuser=True
    )
    ensure_regions_and_themes()

    new_organisations = 0
    for spec in CONTENT["organisations"]:
        verified = spec["status"] == OrganisationStatus.VERIFIED
        organisation, created = Organisation.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "region": Region.objects.get(slug=spec["region"]),
                "website": spec["website"],
                "description": spec["description"],
                "status": spec["status"],
                "verified_at": timezone.now() if verified else None,
                "verification_method": VerificationMethod.EDITOR if verified else "",
            },
        )
        if created:
            organisation.themes.set(Theme.objects.filter(slug__in=spec["themes"]))
            new_organisations += 1

    for person in CONTENT["people"]:
        organisation = Organisation.objects.get(slug=person["organisation"])
        user, _created = _user(person["email"], person["name"], DEMO_PASSWORD)
        profile = profile_for(user)
        if _created:
            profile.is_public = True
            profile.region = organisation.region
            profile.save(update_fields=["is_public", "region"])
        membership, _created = Membership.objects.get_or_create(
            organisation=organisation,
            user=user,
            # The demo people chose to be seen; a real member starts hidden.
            defaults={"role": person["role"], "is_public": True},
        )
        if not membership.is_public:
            # A local database that ran members/0007 hid them with everyone else.
            membership.is_public = True
            membership.save(update_fields=["is_public"])
    return (
        f"local admin {'created' if admin_created else 'present'}, "
        f"{new_organisations} new organisations, {len(CONTENT['people'])} demo members "
        f"(password {DEMO_PASSWORD!r})"
    )
