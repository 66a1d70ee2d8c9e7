"""Django's own Dutch speaks formally ("uw"); the platform says "je".

These message ids are listed here only so that `makemessages` keeps our informal
translations of them in locale/nl, which take precedence over Django's catalogue.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES_SPOKEN_INFORMALLY = (
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
)
