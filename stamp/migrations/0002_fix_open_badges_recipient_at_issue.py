"""Store the Open Badges recipient on the claim when it is issued.

Until now an assertion named the organisation's website of the moment it was fetched, so a
new website moved an issued assertion to a new identity. Claims issued before this
migration get the identity their assertion shows today (there is no older record of it),
as the same IdentityObject the code built: a URL, not hashed. Reversing drops the field.
"""

from django.conf import settings
from django.db import migrations, models
from django.urls import reverse
from django.utils import translation


def _identity(organisation) -> str:
    # As the assertion built it until now: the website, else the page here in the default
    # language (historical models have no get_absolute_url, so the URL is reversed here).
    if organisation.website:
        return organisation.website
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("members:organisation_detail", kwargs={"slug": organisation.slug})
    return settings.SITE_URL.rstrip("/") + path


def fill_recipients(apps, schema_editor):
    Claim = apps.get_model("stamp", "Claim")
    issued = Claim.objects.filter(active_since__isnull=False, recipient={}).select_related(
        "organisation"
    )
    for claim in issued.iterator(chunk_size=500):
        claim.recipient = {
            "type": "url",
            "hashed": False,
            "identity": _identity(claim.organisation),
        }
        claim.save(update_fields=["recipient"])


class Migration(migrations.Migration):
    dependencies = [
        ("stamp", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="recipient",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text=(
                    "Who the assertion names, fixed when the claim is first issued: a later "
                    "change of the website does not move an issued assertion."
                ),
                verbose_name="Open Badges recipient",
            ),
        ),
        migrations.RunPython(fill_recipients, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("active_since__isnull", True))
                | models.Q(("recipient__has_keys", ["type", "hashed", "identity"])),
                name="stamp_claim_issued_has_recipient",
            ),
        ),
    ]
