"""Step 1 of 3 (encryption at rest): the personal columns become plain text, the hash columns appear.

The number's uniqueness moves to `phone_hash`; the rate-limit indexes move to the hashes.
"""

import apps.core.crypto.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sms_challenge"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="smschallenge", name="sms_phone_time_idx"),
        migrations.RemoveIndex(model_name="smschallenge", name="sms_ip_time_idx"),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=models.TextField(
                blank=True, null=True, verbose_name="mobile number",
                help_text="Mainland mobile number, e.g. 13800138000. Personal data: shown masked.",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_hash",
            field=apps.core.crypto.fields.KeyedHashField(
                blank=True, editable=False, max_length=64, null=True, purpose="phone", source="phone",
                unique=True, verbose_name="mobile number hash",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_last4_hash",
            field=apps.core.crypto.fields.KeyedHashField(
                blank=True, db_index=True, editable=False, max_length=64, null=True, purpose="phone_last4",
                source="phone", verbose_name="hash of the mobile number's last four digits",
            ),
        ),
        migrations.AlterField(
            model_name="smschallenge",
            name="phone",
            field=models.TextField(verbose_name="mobile number"),
        ),
        migrations.AlterField(
            model_name="smschallenge",
            name="ip_address",
            field=models.TextField(blank=True, null=True, verbose_name="IP address"),
        ),
        migrations.AddField(
            model_name="smschallenge",
            name="phone_hash",
            field=apps.core.crypto.fields.KeyedHashField(
                blank=True, editable=False, max_length=64, null=True, purpose="phone", source="phone",
                verbose_name="mobile number hash",
            ),
        ),
        migrations.AddField(
            model_name="smschallenge",
            name="ip_hash",
            field=apps.core.crypto.fields.KeyedHashField(
                blank=True, editable=False, max_length=64, null=True, purpose="ip", source="ip_address",
                verbose_name="IP address hash",
            ),
        ),
    ]
