"""Links between initiatives and challenges get a row of their own (``ChallengeLink``) with
the problem owner's confirmation. Links that exist already were made before consent was
asked: only those where the lead owns the challenge count as confirmed (such a link needs
no consent now either). A link to another organisation's challenge waits for that
organisation's admins, who find it in their workspace as they find a new request.

A through model cannot replace an automatic one in place, so the links are copied into the
new table and the old field is dropped; going back copies them the other way.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Now


def copy_links_forward(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    ChallengeLink = apps.get_model("initiatives", "ChallengeLink")
    old = Initiative.challenges.through.objects.values_list("initiative_id", "challenge_id")
    ChallengeLink.objects.bulk_create(
        [
            ChallengeLink(initiative_id=initiative, challenge_id=challenge)
            for initiative, challenge in old.iterator()
        ],
        batch_size=1000,
    )
    # created_at and confirmed_at: the moment of the migration (the old table kept no date).
    # Nobody ever asked the owner of someone else's challenge, so those links stay waiting.
    ChallengeLink.objects.filter(challenge__owner_id=F("initiative__lead_id")).update(
        confirmed_at=Now()
    )


def copy_links_back(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    ChallengeLink = apps.get_model("initiatives", "ChallengeLink")
    through = Initiative.challenges.through
    # The old table knew no consent, so every row in it is public: only confirmed links go
    # back. A link still waiting for its owner (an old one too) is left out rather than
    # shown without consent.
    through.objects.bulk_create(
        [
            through(initiative_id=initiative, challenge_id=challenge)
            for initiative, challenge in ChallengeLink.objects.filter(
                confirmed_at__isnull=False
            ).values_list("initiative_id", "challenge_id")
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0007_hidden_by_editors"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ChallengeLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "confirmed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="confirmed at"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "added_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="added by",
                    ),
                ),
                (
                    "challenge",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="initiative_links",
                        to="initiatives.challenge",
                        verbose_name="challenge",
                    ),
                ),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="confirmed by",
                    ),
                ),
                (
                    "initiative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="challenge_links",
                        to="initiatives.initiative",
                        verbose_name="initiative",
                    ),
                ),
            ],
            options={
                "verbose_name": "challenge link",
                "verbose_name_plural": "challenge links",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("initiative", "challenge"), name="initiative_challenge_link_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_links_forward, copy_links_back),
        migrations.RemoveField(model_name="initiative", name="challenges"),
        migrations.AddField(
            model_name="initiative",
            name="challenges",
            field=models.ManyToManyField(
                blank=True,
                related_name="initiatives",
                through="initiatives.ChallengeLink",
                to="initiatives.challenge",
                verbose_name="challenges it works on",
            ),
        ),
    ]
