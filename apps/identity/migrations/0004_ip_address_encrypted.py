"""Step 3 of 3: declare the address encrypted (no SQL change)."""

import apps.core.crypto.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0003_ip_address_encrypt"),
    ]

    operations = [
        migrations.AlterField(
            model_name="identityverificationattempt",
            name="ip_address",
            field=apps.core.crypto.fields.EncryptedTextField(blank=True, null=True, verbose_name="IP address"),
        ),
    ]
