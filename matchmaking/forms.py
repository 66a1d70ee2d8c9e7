"""Forms for offers and needs, introductions, outcomes and follows."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CheckboxList, DateInput, Form, ModelForm, ThemeChoiceField
from core.models import Region
from initiatives.models import Initiative, ResourceKind
from matchmaking.models import Direction, OfferNeed, Outcome
from members.models import Organisation
from members.roles import ACTIVE_STATUSES


class OfferNeedForm(ModelForm):
    themes = ThemeChoiceField(label=_("Themes"))

    class Meta:
        model = OfferNeed
        fields = ["direction", "kind", "title", "description", "themes", "region", "ends_on"]
        widgets = {
            "direction": forms.RadioSelect,
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def clean_ends_on(self) -> Any:
        ends_on = self.cleaned_data.get("ends_on")
        if ends_on is not None and ends_on < timezone.localdate():
            raise forms.ValidationError(_("Choose a date that is not in the past."))
        return ends_on

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class IntroductionRequestForm(Form):
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organisation.objects.none(), empty_label=None
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Who you are, what you are looking for and why this organisation. "
            "A facilitator reads it first."
        ),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField[Organisation], self.fields["organisation"])
        field.queryset = organisations


class ProposeForm(Form):
    message = forms.CharField(
        label=_("Why these two should meet"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NoteForm(Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequiredNoteForm(Form):
    note = forms.CharField(
        label=_("Why not"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RedirectForm(Form):
    organisation = forms.ModelChoiceField(
        label=_("Better-suited organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Both organisations read this note. The new organisation is not told who was "
            "asked first."
        ),
    )

    def __init__(self, *args: Any, exclude: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField[Organisation], self.fields["organisation"])
        field.queryset = (
            Organisation.objects.filter(status__in=ACTIVE_STATUSES, open_to_cooperation=True)
            .exclude(pk__in=exclude)
            .order_by("name")
        )


class OutcomeForm(ModelForm):
    class Meta:
        model = Outcome
        fields = ["description", "amount", "unit"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class StoryFromOutcomeForm(Form):
    initiative = forms.ModelChoiceField(
        label=_("Initiative the story is about"),
        queryset=Initiative.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args: Any, initiatives: list[Initiative], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField[Initiative], self.fields["initiative"])
        field.queryset = Initiative.objects.filter(
            pk__in=[initiative.pk for initiative in initiatives]
        ).order_by("title")


class FollowForm(Form):
    themes = ThemeChoiceField(label=_("Themes"))
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.all(),
        required=False,
        widget=CheckboxList,
    )


class OfferNeedFilters:
    """The public list's filters, read from the query string (invalid values are ignored)."""

    def __init__(self, query: QueryDict) -> None:
        self.kind = query.get("soort", "") if query.get("soort") in ResourceKind.values else ""
        self.direction = (
            query.get("richting", "") if query.get("richting") in Direction.values else ""
        )
        self.theme = str(query.get("thema", ""))[:100]
        self.region = str(query.get("regio", ""))[:100]
        self.organisation = str(query.get("organisatie", ""))[:160]

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list."""
        return bool(self.querystring())

    def querystring(self) -> str:
        """The active filters as a query string, for the pages' links."""
        pairs = {
            "soort": self.kind,
            "richting": self.direction,
            "thema": self.theme,
            "regio": self.region,
            "organisatie": self.organisation,
        }
        return urlencode({key: value for key, value in pairs.items() if value})
