from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import fields as model_fields
from django.utils.translation import gettext_lazy as _

from core.forms import Form, ProcessedImageField, ThemeChoiceField
from core.models import Region
from members.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationIdentityChange,
    OrganisationKind,
    kvk_validator,
)
from members.services import PROFILE_VISIBILITY_FIELDS


def _kind_choices() -> list[tuple[str, Any]]:
    """No kind is preselected: a new organisation picks its own (Django's blank label, as on
    every other select of the site)."""
    return [("", model_fields.BLANK_CHOICE_LABEL), *OrganisationKind.choices]


class OrganisationForm(Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=_kind_choices)
    kvk_number = forms.CharField(
        label=_("KvK number"),
        max_length=8,
        required=False,
        validators=[kvk_validator],
        help_text=_("The 8-digit number in the Dutch Chamber of Commerce register, if any."),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Needed to verify the organisation through an address on its domain. A free email "
            "service or shared hosting (gmail.com, github.io) cannot verify you."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text=_("Markdown: **bold**, *italic*, lists and links."),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    themes = ThemeChoiceField(label=_("Themes"))
    open_to_cooperation = forms.BooleanField(
        label=_("Open to cooperation"),
        required=False,
        initial=True,
        help_text=_("Other parties may ask to be introduced to you."),
    )
    logo = ProcessedImageField(
        kind="logo",
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Shown once the organisation is verified."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(
        self,
        *args: Any,
        instance: Organisation | None = None,
        proposed: OrganisationIdentityChange | None = None,
        **kwargs: Any,
    ) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                # A change that waits for an editor shows as what the admin last asked for.
                "name": proposed.name if proposed else instance.name,
                "kind": instance.kind,
                "kvk_number": instance.kvk_number,
                "website": proposed.website if proposed else instance.website,
                "description": instance.description,
                "region": instance.region,
                "themes": list(instance.themes.all()),
                "open_to_cooperation": instance.open_to_cooperation,
            }
        super().__init__(*args, **kwargs)
        if instance is None or not instance.logo:
            del self.fields["remove_logo"]
        if instance is not None and instance.is_verified:
            for field in ("name", "website"):
                self.fields[field].help_text = _(
                    "Your organisation is verified: a new name or website is shown once an "
                    "editor approves it."
                )

    def clean_kvk_number(self) -> str:
        number = self.cleaned_data["kvk_number"].strip()
        if number:
            duplicates = Organisation.objects.filter(kvk_number=number)
            if self.instance is not None:
                duplicates = duplicates.exclude(pk=self.instance.pk)
            if duplicates.exists():
                raise forms.ValidationError(
                    _("An organisation with this KvK number is already registered."),
                    code="duplicate_kvk",
                )
        return number


class InvitationForm(Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )

    def __init__(self, *args: Any, inviter_role: str = MembershipRole.ADMIN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if inviter_role != MembershipRole.OWNER:
            cast(forms.ChoiceField, self.fields["role"]).choices = [
                choice for choice in MembershipRole.choices if choice[0] != MembershipRole.OWNER
            ]


class MembershipChoiceForm(Form):
    """Picks one membership of the organisation (for role changes, removal, transfer)."""

    membership = forms.ModelChoiceField(queryset=Membership.objects.none())
    role = forms.ChoiceField(choices=MembershipRole.choices, required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = cast(forms.ModelChoiceField[Membership], self.fields["membership"])
        membership.queryset = organisation.memberships.all()


class JoinRequestForm(Form):
    message = forms.CharField(
        label=_("Message to the admins (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DomainEmailForm(Form):
    email = forms.EmailField(label=_("Email address on your website's domain"))


class DomainCodeForm(Form):
    code = forms.RegexField(
        label=_("Code from the email"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ProfileForm(Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100)
    language = forms.ChoiceField(label=_("Language for emails"))
    bio = forms.CharField(
        label=_("Short bio"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    themes = ThemeChoiceField(label=_("Themes of interest"))
    avatar = ProcessedImageField(
        kind="avatar", label=_("Avatar"), required=False, help_text=_("JPEG, PNG or WebP.")
    )
    remove_avatar = forms.BooleanField(label=_("Remove the avatar"), required=False)
    is_public = forms.BooleanField(
        label=_("Public profile"),
        required=False,
        help_text=_("Show a profile page that anyone can see. Your email address is never shown."),
    )
    show_avatar = forms.BooleanField(label=_("Show my avatar"), required=False)
    show_bio = forms.BooleanField(label=_("Show my bio"), required=False)
    show_region = forms.BooleanField(label=_("Show my region"), required=False)
    show_themes = forms.BooleanField(label=_("Show my themes"), required=False)
    show_organisations = forms.BooleanField(label=_("Show my organisations"), required=False)

    VISIBILITY_FIELDS = PROFILE_VISIBILITY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = settings.LANGUAGES


class InvitationAcceptForm(Form):
    """Accepting an invitation: the one choice is whether the membership shows in public."""

    is_public = forms.BooleanField(
        label=_("Show my membership on the organisation's public page"),
        required=False,
        initial=False,
        help_text=_("Only your display name. You can change this later on your page."),
    )


class MembershipVisibilityForm(Form):
    """The member's own switch: show or hide their membership on the organisation page."""

    RETURN_TO = (("dashboard", "dashboard"), ("organisation", "organisation"))

    is_public = forms.BooleanField(required=False)
    return_to = forms.ChoiceField(choices=RETURN_TO, required=False)


class SignupExtraForm(Form):
    """Extra sign-up field for allauth (ACCOUNT_SIGNUP_FORM_CLASS): the public display name.

    allauth's sign-up form derives from this one, so it also holds the invitation rule: who
    signs up after following an invitation link signs up with the invited address (filled
    in, read-only); the link proved that address, so the adapter marks it verified.
    """

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_("Shown to others, for example on your organisation's page."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Imported here: allauth imports this module while it builds its own forms.
        from allauth.core import context

        from members.adapter import pending_invitation

        super().__init__(*args, **kwargs)
        request = context.request
        self.invitation = pending_invitation(request) if request is not None else None
        email = self.fields.get("email")
        if self.invitation is not None and email is not None:
            email.initial = self.invitation.email
            email.widget.attrs["readonly"] = True
            email.help_text = _(
                "The address your invitation was sent to. Following the link proved that it "
                "is yours, so you need not confirm it again."
            )

    def clean(self) -> dict[str, Any]:
        from members.services import normalise_email

        cleaned_data = super().clean() or {}
        email = cleaned_data.get("email")
        if (
            self.invitation is not None
            and email
            and normalise_email(email) != normalise_email(self.invitation.email)
        ):
            self.add_error(
                "email",
                _(
                    "You came here through an invitation: sign up with the address it was "
                    "sent to. An account with another address cannot accept it."
                ),
            )
        return cleaned_data

    def signup(self, request: Any, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
