"""Demo people for a local Breinaald. All people are fictional."""

from allauth.account.models import EmailAddress

from members.models import User

LOCAL_ADMIN_EMAIL = "admin@breinaald.localhost"
LOCAL_ADMIN_PASSWORD = "breinaald-admin"  # local demo only; printed by `make run`


def seed() -> str:
    admin, created = User.objects.get_or_create(
        email=LOCAL_ADMIN_EMAIL,
        defaults={"display_name": "Beheerder", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(LOCAL_ADMIN_PASSWORD)
        admin.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=admin, email=admin.email, defaults={"verified": True, "primary": True}
    )
    return "local admin " + ("created" if created else "already present")
