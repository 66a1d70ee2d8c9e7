import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_region_theme"),
        ("members", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                choices=[("nl", "Dutch"), ("en", "English")],
                default="nl",
                max_length=8,
                verbose_name="language for emails",
            ),
        ),
        migrations.AlterField(
            model_name="themedorganisation",
            name="tag",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="themed_organisations",
                to="core.theme",
            ),
        ),
        migrations.AlterField(
            model_name="themedprofile",
            name="tag",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="themed_profiles",
                to="core.theme",
            ),
        ),
    ]
