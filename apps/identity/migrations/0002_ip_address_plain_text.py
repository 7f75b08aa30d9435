"""Step 1 of 3 (encryption at rest): the attempt's IP address becomes plain text."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="identityverificationattempt",
            name="ip_address",
            field=models.TextField(blank=True, null=True, verbose_name="IP address"),
        ),
    ]
