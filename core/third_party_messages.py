"""Strings of Django 6.1 that its own Dutch catalogue does not translate yet.

Nothing imports this module: it exists so that ``makemessages`` copies these msgids into
``locale/nl``, whose catalogue (``LOCALE_PATHS``) wins over the packages' own. Without them
a Dutch page shows "- Select an option -" on every choice field without a default, and the
admin's search box and filters say "Search …" and "Filter by …".
``tests/core/test_translations.py`` checks that each is spelled exactly as Django spells it.
When Django's catalogue catches up, its entry here can go.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    # django/db/models/fields/__init__.py: BLANK_CHOICE_LABEL, new in Django 6.1.
    gettext_noop("- Select an option -"),
    gettext_noop("“%(value)s” is not a valid binary value."),
    gettext_noop("No %s matches the given query."),
    # django/contrib/admin: the change list's search box, filters and pagination.
    gettext_noop("Search %(name)s"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Logout"),
    gettext_noop('The app "%s" could not be found.'),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the "
        "following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? All of the "
        "following related items will be deleted:"
    ),
)
