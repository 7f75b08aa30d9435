"""Step 2 of 3: encrypt the numbers and addresses already stored and fill their hashes (reversible)."""

from django.db import migrations

from apps.core.crypto.migration_ops import encrypt_operation

PLAN = {
    "User": {
        "columns": ["phone"],
        "hashes": {"phone_hash": ("phone", "phone"), "phone_last4_hash": ("phone", "phone_last4")},
    },
    "SmsChallenge": {
        "columns": ["phone", "ip_address"],
        "hashes": {"phone_hash": ("phone", "phone"), "ip_hash": ("ip_address", "ip")},
    },
}
forward, backward = encrypt_operation("accounts", PLAN)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_personal_data_plain_text"),
        ("workspace", "0003_drop_phone_trigram_index"),  # no index to rebuild on the ciphertext
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
