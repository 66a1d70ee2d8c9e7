"""Demo curation: a demo editor in the editors' group, and featured items on the home page.

Runs after the initiatives seed (INSTALLED_APPS order), features what it published, and
changes nothing when run again.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from curation import services
from curation.models import Feature
from initiatives.models import Initiative, Story
from members import roles
from members.models import User

EDITOR_EMAIL = "redactie@breinaald.localhost"
EDITOR_PASSWORD = "breinaald-demo"  # local demo only

# (kind, title, position): the article's two celebrated coalitions, and one story.
FEATURED = [
    ("initiative", "Green Deal Nul op de Meter Midden-Brabant", 1),
    ("story", "Van thuiszitter tot vrachtwagenchauffeur", 2),
    ("initiative", "Transport zoekt talent: vervoerders tegen jeugdwerkloosheid", 3),
]


def _editor() -> User:
    editor, created = User.objects.get_or_create(
        email=EDITOR_EMAIL, defaults={"display_name": "Redactie Breinaald", "is_staff": True}
    )
    # The initiatives seed may have made this editor without a password: give it the demo
    # one so that people can log in as an editor; a password set since stays.
    if created or not editor.has_usable_password():
        editor.set_password(EDITOR_PASSWORD)
        editor.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=editor, email=editor.email, defaults={"verified": True, "primary": True}
    )
    editor.groups.add(Group.objects.get(name=roles.EDITORS_GROUP))
    return editor


def seed() -> str:
    editor = _editor()
    featured = 0
    for kind, title, position in FEATURED:
        model = Initiative if kind == "initiative" else Story
        item = model.objects.published().filter(title=title).first()
        if item is None or Feature.objects.filter(**{kind: item}).exists():
            continue
        services.feature_save(feature=Feature(**{kind: item}, position=position), by=editor)
        featured += 1
    return f"editor {EDITOR_EMAIL}, {featured} newly featured items"
