"""Step 3 of 3: declare the columns encrypted (no SQL change) and index the hashes.

The user manager's queryset keeps the hashes in step on `update(phone=…)` (no SQL either)."""

import apps.accounts.models
import apps.core.crypto.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_personal_data_encrypt"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[("objects", apps.accounts.models.UserManager())],
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=apps.core.crypto.fields.EncryptedTextField(
                blank=True, max_length=20, null=True, verbose_name="mobile number",
                help_text="Mainland mobile number, e.g. 13800138000. Personal data: shown masked.",
            ),
        ),
        migrations.AlterField(
            model_name="smschallenge",
            name="phone",
            field=apps.core.crypto.fields.EncryptedTextField(max_length=20, verbose_name="mobile number"),
        ),
        migrations.AlterField(
            model_name="smschallenge",
            name="ip_address",
            field=apps.core.crypto.fields.EncryptedTextField(blank=True, null=True, verbose_name="IP address"),
        ),
        migrations.AddIndex(
            model_name="smschallenge",
            index=models.Index(fields=["phone_hash", "created_at"], name="sms_phone_hash_time_idx"),
        ),
        migrations.AddIndex(
            model_name="smschallenge",
            index=models.Index(fields=["ip_hash", "created_at"], name="sms_ip_hash_time_idx"),
        ),
    ]
