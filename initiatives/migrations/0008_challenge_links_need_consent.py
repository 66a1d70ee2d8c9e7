"""Links between initiatives and challenges get a row of their own (``ChallengeLink``) with
the problem owner's confirmation. Links that exist already were made before consent was
asked: they count as confirmed, so no public page changes.

A through model cannot replace an automatic one in place, so the links are copied into the
new table and the old field is dropped; going back copies them the other way.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
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
    ChallengeLink.objects.update(confirmed_at=Now())


def copy_links_back(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    ChallengeLink = apps.get_model("initiatives", "ChallengeLink")
    through = Initiative.challenges.through
    # Only confirmed links existed before consent was asked.
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
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "added_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                    ),
                ),
                (
                    "initiative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="challenge_links",
                        to="initiatives.initiative",
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
