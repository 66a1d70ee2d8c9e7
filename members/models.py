from __future__ import annotations

import secrets
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.signing import TimestampSigner
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.models import Region, Theme, valid_choices
from members.choices import MembershipRole, OrganisationStatus, VerificationMethod
from members.roles import ADMIN_ROLES, LISTED_STATUSES


class UserManager(DjangoUserManager["User"]):
    """Users log in with their email address; there is no username."""

    def _create_user_object(
        self, username: Any, email: str | None, password: str | None, **extra: Any
    ) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.password = ""
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def _create_user(
        self, username: Any, email: str | None, password: str | None, **extra: Any
    ) -> User:
        user = self._create_user_object(username, email, password, **extra)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra)


class User(AbstractUser):
    """A person with an account. The email address is private and never shown publicly."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(
        _("language for emails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="members_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


def actor_field(
    verbose_name: StrOrPromise | None = None, *, related_name: str = "+", **options: Any
) -> models.ForeignKey[User | None, User | None]:
    """The person who did something to a row (created, confirmed, decided, hid it). The row
    outlives them: deleting the account only empties the field."""
    return models.ForeignKey(
        User,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        **options,
    )


# ---------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------


class ThemedProfile(TaggedItemBase):
    content_object = models.ForeignKey("Profile", on_delete=models.CASCADE)
    # taggit looks tagged objects up through this reverse name: it must be unique, not "+".
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_profiles")

    # taggit ships no types, so django-stubs does not see a model here; name its manager.
    _default_manager: ClassVar[models.Manager[ThemedProfile]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="uniq_profile_theme")
        ]


class Profile(models.Model):
    """What a member tells about themselves, and which parts of it are public."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("person")
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/", blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL
    )
    themes = TaggableManager(
        verbose_name=_("themes of interest"), through=ThemedProfile, blank=True
    )
    is_public = models.BooleanField(
        _("public profile"),
        default=False,
        help_text=_("Show a profile page that anyone can see. Your email address is never shown."),
    )
    show_avatar = models.BooleanField(_("show my avatar"), default=True)
    show_bio = models.BooleanField(_("show my bio"), default=True)
    show_region = models.BooleanField(_("show my region"), default=True)
    show_themes = models.BooleanField(_("show my themes"), default=True)
    show_organisations = models.BooleanField(_("show my organisations"), default=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("members:profile_detail", kwargs={"slug": self.slug})


# ---------------------------------------------------------------------------
# Organisations and memberships
# ---------------------------------------------------------------------------


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    HOUSING_CORPORATION = "housing_corporation", _("Housing corporation")
    ENERGY_COMPANY = "energy_company", _("Energy company")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
    CORPORATE = "corporate", _("Corporate")
    CIVIL_SOCIETY = "civil_society", _("Civil-society organisation")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
    NEIGHBOURHOOD_INITIATIVE = "neighbourhood_initiative", _("Neighbourhood initiative")
    OTHER = "other", _("Other")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def listed(self) -> OrganisationQuerySet:
        """Organisations the public directory shows: pending and verified ones."""
        return self.filter(status__in=LISTED_STATUSES)

    def verified(self) -> OrganisationQuerySet:
        return self.filter(status=OrganisationStatus.VERIFIED)

    def administered_by(self, user: User) -> OrganisationQuerySet:
        return self.filter(
            memberships__user=user,
            memberships__role__in=ADMIN_ROLES,
        )


class ThemedOrganisation(TaggedItemBase):
    content_object = models.ForeignKey("Organisation", on_delete=models.CASCADE)
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_organisations")

    # taggit ships no types, so django-stubs does not see a model here; name its manager.
    _default_manager: ClassVar[models.Manager[ThemedOrganisation]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="uniq_organisation_theme"
            )
        ]


kvk_validator = RegexValidator(r"^\d{8}$", _("A KvK number has exactly 8 digits."))


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("address"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[kvk_validator],
        help_text=_("The 8-digit number in the Dutch Chamber of Commerce register, if any."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
    logo = models.ImageField(_("logo"), upload_to="logos/%Y/", blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    themes = TaggableManager(verbose_name=_("themes"), through=ThemedOrganisation, blank=True)
    open_to_cooperation = models.BooleanField(
        _("open to cooperation"),
        default=True,
        help_text=_("Other parties may ask to be introduced to you."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_method = models.CharField(
        _("verified through"), max_length=32, blank=True, choices=VerificationMethod.choices
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = actor_field(_("registered by"))
    # Site search (initiatives.search) reads this stored vector: name weight A, description C,
    # in the Dutch unaccent configuration that migration initiatives/0001 creates. The
    # database keeps it current on every write, so no flow here has to think about search.
    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config="dutch_unaccent")
        + SearchVector("description", weight="C", config="dutch_unaccent"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kvk_number"],
                condition=~models.Q(kvk_number=""),
                name="members_organisation_kvk_unique",
                violation_error_message=_(
                    "An organisation with this KvK number is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(kvk_number="") | models.Q(kvk_number__regex=r"^\d{8}$"),
                name="members_organisation_kvk_format",
            ),
            valid_choices("status", OrganisationStatus, "members_organisation_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "name"]),
            # The directory's order over the listed organisations: its first pages are an
            # index scan (LIMIT 24), its count an index-only scan (members.queries).
            models.Index(
                fields=["name", "id"],
                condition=models.Q(status__in=[str(status) for status in LISTED_STATUSES]),
                name="organisation_listed_name",
            ),
            GinIndex(fields=["search_vector"], name="organisation_search_gin"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:organisation_detail", kwargs={"slug": self.slug})

    @property
    def is_verified(self) -> bool:
        return self.status == OrganisationStatus.VERIFIED

    @property
    def is_public(self) -> bool:
        return self.status in LISTED_STATUSES

    @property
    def shows_logo(self) -> bool:
        """Logos appear only once the organisation is verified: no borrowed identities."""
        return self.is_verified and bool(self.logo)

    @property
    def website_domain(self) -> str:
        host = urlsplit(self.website).hostname or ""
        return host.removeprefix("www.").lower()


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(
        _("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    # Off until the member turns it on: belonging to an organisation is personal data.
    is_public = models.BooleanField(
        _("show on the organisation page"),
        default=False,
        help_text=_("Your display name appears among the organisation's members."),
    )
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="members_membership_unique"
            ),
            valid_choices("role", MembershipRole, "members_membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


INVITATION_SIGNING_SALT = "members.invitation"
INVITATION_VALID_DAYS = 14


def _invitation_code() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """An invitation by email; the link carries a signed, expiring random code."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    code = models.CharField(max_length=64, unique=True, default=_invitation_code, editable=False)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = actor_field(_("accepted by"))
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="members_invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def accept_token(self) -> str:
        """The signed code that goes into the invitation link."""
        return TimestampSigner(salt=INVITATION_SIGNING_SALT).sign(self.code)


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class JoinRequest(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("person")
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = actor_field(_("decided by"))

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="members_joinrequest_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


class DomainVerification(models.Model):
    """A code mailed to an address on the organisation's own website domain."""

    MAX_ATTEMPTS = 5

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="domain_verifications",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email address"))
    code_hash = models.CharField(max_length=128)
    requested_by = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("confirmed at"))

    class Meta:
        verbose_name = _("domain verification")
        verbose_name_plural = _("domain verifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.email}"

    def is_usable(self) -> bool:
        return (
            self.confirmed_at is None
            and self.attempts < self.MAX_ATTEMPTS
            and self.expires_at > timezone.now()
        )


class IdentityChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an editor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OrganisationIdentityChange(models.Model):
    """A new name or website that a verified organisation asked for.

    "Verified" vouches for a name and a website; a new one is not verified until an editor
    approves it, so until then the organisation keeps (and shows) the verified values."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="identity_changes",
    )
    name = models.CharField(_("new name"), max_length=150)
    website = models.URLField(_("new website"), blank=True)
    # What was verified when the change was asked for, so the editor sees both side by side.
    previous_name = models.CharField(_("verified name"), max_length=150)
    previous_website = models.URLField(_("verified website"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=IdentityChangeStatus.choices,
        default=IdentityChangeStatus.PENDING,
    )
    proposed_by = models.ForeignKey(
        User,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = actor_field(_("decided by"))
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("change of name or website")
        verbose_name_plural = _("changes of name or website")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="pending"),
                name="members_identitychange_one_pending",
            ),
            valid_choices("status", IdentityChangeStatus, "members_identitychange_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.previous_name} → {self.name}"

    @property
    def is_pending(self) -> bool:
        return self.status == IdentityChangeStatus.PENDING
