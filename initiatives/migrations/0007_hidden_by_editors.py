"""Record on the item that an editor hid it, so that its owner cannot bring it back."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

HIDDEN_IS_NOT_PUBLISHED = models.Q(("hidden_at__isnull", True)) | ~models.Q(
    ("publication_status", "published")
)


def _fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="hidden_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="hidden by the editors at"
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="hidden_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="hidden by",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="hidden_reason",
            field=models.TextField(blank=True, verbose_name="why the editors hid it"),
        ),
        migrations.AddConstraint(
            model_name=model_name,
            constraint=models.CheckConstraint(
                condition=HIDDEN_IS_NOT_PUBLISHED, name=f"{model_name}_hidden_is_not_published"
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0006_searchterm_index_without_pending_list"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [*_fields("challenge"), *_fields("initiative"), *_fields("story")]
