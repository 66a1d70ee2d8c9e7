from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import Form
from stamp.models import Claim


class ClaimForm(Form):
    """Agreeing to one charter version; the version travels along so a new one is noticed."""

    charter_version = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("We have read the charter and agree to it."),
        required=True,
        error_messages={"required": _("Tick the box to agree to the charter.")},
    )
    statement = forms.CharField(
        label=capfirst(Claim._meta.get_field("statement").verbose_name),
        help_text=Claim._meta.get_field("statement").help_text,
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
    )


class ConfirmCharterForm(Form):
    charter_version = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("We have read the new version and agree to it."),
        required=True,
        error_messages={"required": _("Tick the box to agree to the new version.")},
    )
