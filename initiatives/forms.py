"""Forms members fill in to write challenges, initiatives and stories."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import (
    CheckboxList,
    DateInput,
    Form,
    ModelForm,
    ProcessedImageField,
    ThemeChoiceField,
)
from initiatives.models import (
    Challenge,
    ImpactFigure,
    Initiative,
    InitiativeUpdate,
    PartnerRole,
    PublicationStatus,
    ResourceKind,
    Story,
)
from members.models import Organisation, OrganisationKind


class ItemForm(ModelForm):
    """The owner's fields of a challenge, initiative or story; the service writes them."""

    def values(self) -> dict[str, Any]:
        """The cleaned values by field name, as the create and update services take them."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class CoverFormMixin(ItemForm):
    """A cover upload is validated and re-encoded here; the service stores it."""

    cover_upload = ProcessedImageField(kind="cover", label=_("Cover image"), required=False)
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Removing is offered only when there is a cover to remove: never on a new item.
        if self.instance.pk is None or not self.instance.cover:
            del self.fields["remove_cover"]

    def values(self) -> dict[str, Any]:
        values = super().values()
        if self.cleaned_data.get("cover_upload"):
            values["cover"] = self.cleaned_data["cover_upload"]
        elif self.cleaned_data.get("remove_cover"):
            values["cover"] = False
        return values


class ChallengeForm(CoverFormMixin):
    themes = ThemeChoiceField(label=_("Themes"))
    stakeholder_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisations needed"),
        choices=OrganisationKind.choices,
        required=False,
        widget=CheckboxList,
    )
    resources_needed = forms.MultipleChoiceField(
        label=_("Resources needed"),
        choices=ResourceKind.choices,
        required=False,
        widget=CheckboxList,
    )

    class Meta:
        model = Challenge
        fields = [
            "title",
            "summary",
            "description",
            "region",
            "themes",
            "stakeholder_kinds",
            "resources_needed",
            "status",
            "deadline",
            "cover_alt",
        ]
        widgets = {"deadline": DateInput()}


class InitiativeForm(CoverFormMixin):
    themes = ThemeChoiceField(label=_("Themes"))
    challenges = forms.ModelMultipleChoiceField(
        label=_("Challenges it works on"),
        queryset=Challenge.objects.published().order_by("title"),
        required=False,
        widget=CheckboxList,
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "tagline",
            "description",
            "region",
            "themes",
            "challenges",
            "stage",
            "start_date",
            "website",
            "cover_alt",
        ]
        widgets = {"start_date": DateInput()}


class StoryForm(ItemForm):
    class Meta:
        model = Story
        fields = [
            "title",
            "summary",
            "problem",
            "coalition",
            "what_worked",
            "what_did_not",
            "lessons",
            "results",
            "is_celebration",
        ]


class OrganisationChoiceForm(Form):
    """Pick which of your organisations writes the new item."""

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            label=_("On behalf of"), queryset=organisations, to_field_name="slug"
        )


class PartnerForm(Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.listed().order_by("name"),
        to_field_name="slug",
    )
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices)


class ImpactFigureForm(ModelForm):
    class Meta:
        model = ImpactFigure
        fields = ["label", "number", "unit"]


class UpdateForm(ModelForm):
    class Meta:
        model = InitiativeUpdate
        fields = ["title", "happened_on", "body"]
        widgets = {"happened_on": DateInput()}


class PictureForm(Form):
    image = ProcessedImageField(kind="gallery", label=_("Picture"))
    caption = forms.CharField(label=_("Caption"), max_length=200)


__all__ = ["PublicationStatus"]
