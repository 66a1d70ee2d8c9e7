from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form


class ReportForm(Form):
    reason = forms.CharField(
        label=_("What is wrong with it?"),
        help_text=_("The editors read this. Your name is not shown to the organisation."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReasonForm(forms.Form):  # an admin page: the admin's own convention
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("This is emailed to the author or the organisation."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
